import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { StubProcess } from '../../testing/index.js';

test('StubProcess kills for real, restarts on the same port, and reset switches to an empty data dir', async (t) => {
  const stub = new StubProcess({ onStderr: () => undefined });
  t.after(() => stub.dispose());
  const url = await stub.start();
  const pid = stub.pid!;
  const firstDir = stub.dataDir;
  await stub.kill();
  assert.equal(stub.running, false);
  assert.throws(() => process.kill(pid, 0), /ESRCH/, 'the process is gone');
  await assert.rejects(fetch(`${url}/healthz`));
  assert.equal(await stub.start(), url);
  assert.notEqual(stub.pid, pid);
  assert.equal(await stub.reset(), url);
  assert.notEqual(stub.dataDir, firstDir);
  assert.equal(existsSync(firstDir), false, 'the old temporary data dir was removed');
  const login = await fetch(`${url}/auth/v1/login`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"user":"alice","password":"alice"}' });
  assert.equal(login.status, 200);
});

test('StubProcess.start() fails with the child output when the stub cannot start', async () => {
  const stub = new StubProcess({ args: ['--users', 'broken'], onStderr: () => undefined });
  await assert.rejects(stub.start(), /exited \(code 2\) before listening[^]*must look like name:password/);
  await stub.dispose();
});
