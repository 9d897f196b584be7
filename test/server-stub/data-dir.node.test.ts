import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startStub } from '../../server-stub/index.js';
import { client, login } from './helpers.js';

test('the data folder and database files the stub creates are readable by its own account only, whatever the umask', async (t) => {
  const parent = mkdtempSync(join(tmpdir(), 'outpost-data-dir-'));
  t.after(() => rmSync(parent, { recursive: true, force: true }));
  const dataDir = join(parent, 'nested', 'data');
  const umask = process.umask(0o022);
  t.after(() => process.umask(umask));
  const stub = await startStub({ port: 0, dataDir });
  t.after(() => stub.close());
  // A sign-in and a push: the sessions table and the WAL hold secrets' hashes and documents.
  const res = await client(stub.url, await login(stub.url)).push({ name: 'put', collection: 'notes', key: 'n1', baseRev: 0, value: { text: 'private' } });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  const mode = (path: string) => statSync(path).mode & 0o777;
  assert.equal(mode(dataDir), 0o700, 'the data folder');
  for (const file of ['outpost.sqlite', 'outpost.sqlite-wal', 'outpost.sqlite-shm']) assert.equal(mode(join(dataDir, file)), 0o600, file);
});
