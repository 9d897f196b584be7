import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
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

test('StubProcess.start() called again while a start is under way resolves with that start, once the stub listens', async (t) => {
  // startStubAgain() asks again when the runner's 20 s for a command run out on a loaded machine:
  // the second answer must not come before the stub listens.
  const stub = new StubProcess({ onStderr: () => undefined });
  t.after(() => stub.dispose());
  const url = await stub.start();
  await stub.kill();
  const first = stub.start();
  assert.equal(await stub.start(), url);
  assert.equal((await fetch(`${url}/healthz`)).status, 200, 'the stub listens when the second start() resolves');
  assert.equal(await first, url);
});

test('StubProcess.start() fails with the child output when the stub cannot start', async () => {
  const stub = new StubProcess({ args: ['--users', 'broken'], onStderr: () => undefined });
  await assert.rejects(stub.start(), /exited \(code 2\) before listening[^]*must look like name:password/);
  await stub.dispose();
});

/** Pids of this process's living child processes. */
function children(): number[] {
  const ps = spawnSync('ps', ['-o', 'pid=', '--ppid', String(process.pid)], { encoding: 'utf8' });
  return ps.stdout.split('\n').map((l) => Number(l.trim())).filter((pid) => pid > 0 && pid !== ps.pid);
}

test('StubProcess with spare: starts after a kill through the process it loaded beforehand, with the same port, data and arguments; dispose ends both', async (t) => {
  const before = children();
  const stub = new StubProcess({ spare: true, args: ['--users', 'carol:carol'], onStderr: () => undefined });
  t.after(() => stub.dispose());
  const url = await stub.start();
  const login = () => fetch(`${url}/auth/v1/login`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"user":"carol","password":"carol"}' });
  const token = ((await (await login()).json()) as { token: string }).token;
  // The running stub and the one waiting.
  assert.equal(children().filter((p) => !before.includes(p)).length, 2);
  for (let i = 0; i < 2; i++) {
    const waiting = children().filter((p) => !before.includes(p) && p !== stub.pid);
    await stub.kill();
    assert.equal(await stub.start(), url);
    assert.deepEqual([stub.pid], waiting, 'the waiting process became the stub');
    // Same data: the session made before the kills still works; same arguments: carol signs in.
    const pull = await fetch(`${url}/sync/v1/pull`, { method: 'POST', headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` }, body: '{"protocol":1,"clientId":"spare-test","cursor":null}' });
    assert.equal(pull.status, 200);
    assert.equal((await login()).status, 200);
  }
  await stub.dispose();
  await new Promise((r) => setTimeout(r, 0));
  assert.deepEqual(children().filter((p) => !before.includes(p)), [], 'no stub process left');
});

test('StubProcess children end when the process that started them is SIGKILLed (no stub left holding its port)', { timeout: 60_000 }, async (t) => {
  const owner = spawn(process.execPath, ['--import', 'tsx', '--conditions=outpost-source', fileURLToPath(new URL('./fixtures/stub-owner.ts', import.meta.url))], { stdio: ['ignore', 'pipe', 'inherit'] });
  t.after(() => owner.kill('SIGKILL'));
  const pids = await new Promise<number[]>((resolve, reject) => {
    let out = '';
    owner.stdout!.on('data', (d: Buffer) => {
      out += d;
      if (out.includes('\n')) resolve(JSON.parse(out) as number[]);
    });
    owner.once('exit', (code) => reject(new Error(`the owner exited (${code}) before printing its stubs`)));
  });
  assert.equal(pids.length, 2, 'the running stub and its spare');
  const alive = (pid: number) => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  assert.ok(pids.every(alive));
  owner.kill('SIGKILL');
  // Wait on the condition itself: each child sees its stdin end once the owner is gone.
  while (pids.some(alive)) await new Promise((r) => setTimeout(r, 20));
});
