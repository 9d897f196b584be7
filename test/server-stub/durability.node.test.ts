import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { StubProcess } from '../../testing/index.js';
import { login, post } from './helpers.js';

const APP = fileURLToPath(new URL('./fixtures/test-app.mjs', import.meta.url));

test('SIGKILL during a stream of pushes, restart: every acknowledged mutation is there exactly once', async (t) => {
  const stub = new StubProcess({ args: ['--app', APP], onStderr: () => undefined });
  t.after(() => stub.dispose());
  const url = await stub.start();
  const token = await login(url);
  const CLIENTS = 8;
  const PER_CLIENT = 400;
  const acked: number[][] = Array.from({ length: CLIENTS }, () => []);
  // Kill once the stream is under way (a count of acknowledgements, not a delay: the machine may be slow).
  const KILL_AFTER = 40;
  let ackedSoFar = 0;
  let underWay!: () => void;
  const streamUnderWay = new Promise<void>((resolve) => (underWay = resolve));
  const push = (c: number, n: number) =>
    post(`${url}/sync/v1/push`, { protocol: 1, clientId: `k${c}`, mutations: [{ id: n, name: 'append', args: { n } }] }, { token });

  // Each client pushes its mutations one by one until the server dies under it.
  const streams = Array.from({ length: CLIENTS }, async (_, c) => {
    for (let n = 1; n <= PER_CLIENT; n++) {
      try {
        const r = await push(c, n);
        if (r.status === 200 && r.body.results[0].status === 'applied') {
          acked[c]!.push(n);
          if (++ackedSoFar === KILL_AFTER) underWay();
        }
      } catch {
        return n; // connection refused/reset: the server is gone; n's outcome is unknown
      }
    }
    return PER_CLIENT + 1;
  });
  await Promise.race([streamUnderWay, Promise.all(streams)]);
  const killedAt = acked.reduce((s, a) => s + a.length, 0);
  await stub.kill('SIGKILL');
  const stoppedAt = await Promise.all(streams);
  assert.ok(killedAt > 0, 'some pushes were acknowledged before the kill');
  assert.ok(stoppedAt.some((n) => n <= PER_CLIENT), 'the kill interrupted the stream');

  await stub.start();
  // The clients retry from the first mutation whose outcome they do not know, then finish.
  for (let c = 0; c < CLIENTS; c++) {
    for (let n = stoppedAt[c]!; n <= Math.min(PER_CLIENT, stoppedAt[c]! + 5); n++) {
      const r = await push(c, n);
      assert.equal(r.status, 200);
      assert.ok(['applied', 'duplicate'].includes(r.body.results[0].status));
    }
    // Replaying acknowledged ones answers duplicate and changes nothing.
    for (const n of acked[c]!.slice(-3)) assert.equal((await push(c, n)).body.results[0].status, 'duplicate');
  }
  const pulled = await post(`${url}/sync/v1/pull`, { protocol: 1, clientId: 'reader', cursor: null, limit: 1000 }, { token });
  for (let c = 0; c < CLIENTS; c++) {
    const log = pulled.body.changes.find((x: { key: string }) => x.key === `k${c}`)?.value.ids ?? [];
    const expected = Array.from({ length: Math.min(PER_CLIENT, stoppedAt[c]! + 5) }, (_, i) => i + 1);
    assert.deepEqual(log, expected, `client k${c}: every mutation applied once, in order`);
    for (const n of acked[c]!) assert.ok(log.includes(n), `acknowledged mutation ${n} of k${c} survived`);
    assert.equal(pulled.body.lastMutationIds[`k${c}`], expected.length);
  }
});

test('a graceful SIGTERM stops the stub with exit and keeps the data', async (t) => {
  const stub = new StubProcess({ onStderr: () => undefined });
  t.after(() => stub.dispose());
  const url = await stub.start();
  const token = await login(url);
  await post(`${url}/sync/v1/push`, { protocol: 1, clientId: 'g', mutations: [{ id: 1, name: 'put', collection: 'n', key: 'k', baseRev: 0, value: { v: 1 } }] }, { token });
  await stub.restart(true);
  const r = await post(`${url}/sync/v1/pull`, { protocol: 1, clientId: 'g', cursor: null }, { token });
  assert.equal(r.status, 200, 'the token survived the restart');
  assert.deepEqual(r.body.changes, [{ collection: 'n', key: 'k', rev: 1, value: { v: 1 } }]);
});
