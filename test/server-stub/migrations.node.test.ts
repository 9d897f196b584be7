import { test } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { startStub } from '../../server-stub/index.js';
import { SCHEMA_VERSION } from '../../server-stub/db.js';
import { tempDir } from './helpers.js';

test('a new data dir is created at the current schema version in WAL mode with synchronous = FULL', async () => {
  const dataDir = tempDir();
  const stub = await startStub({ port: 0, dataDir });
  await stub.close();
  const db = new Database(join(dataDir, 'outpost.sqlite'), { readonly: true });
  assert.equal(db.pragma('user_version', { simple: true }), SCHEMA_VERSION);
  assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
  db.close();
});

test('a data dir written by a newer stub is refused with a message saying what to do', async () => {
  const dataDir = tempDir();
  const db = new Database(join(dataDir, 'outpost.sqlite'));
  db.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
  db.close();
  await assert.rejects(startStub({ port: 0, dataDir }), /newer Outpost stub.*another --data dir/);
});
