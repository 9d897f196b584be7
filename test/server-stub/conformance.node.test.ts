import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { runConformance, CONFORMANCE_CHECKS } from '../../server-stub/index.js';
import { EXPIRY_CHECK, eachBackend, stubFor } from './helpers.js';

eachBackend('the stub passes every conformance check (none skipped)', async (t, backend) => {
  // Every check but the 410 one against the default retention: with a retention of a second, a
  // check that pulls from a cursor it saved could meet 410 on a slow machine, as the protocol allows.
  const stub = await stubFor(t, {}, backend);
  const login = { url: stub.url, user: 'alice', password: 'alice', otherUser: { user: 'bob', password: 'bob' } };
  const report = await runConformance(login);
  for (const r of report.results) {
    await t.test(r.name, () => assert.equal(r.status, r.name === EXPIRY_CHECK ? 'skipped' : 'passed', r.reason));
  }
  assert.equal(report.results.length, CONFORMANCE_CHECKS.length);
  // The 410 check alone, against a stub that compacts tombstones after a second.
  const brief = await stubFor(t, { tombstoneRetentionMs: 1000 }, backend);
  const expiry = await runConformance({ ...login, url: brief.url, tombstoneRetentionMs: 1000, checks: [EXPIRY_CHECK] });
  assert.deepEqual(expiry.results.map((r) => [r.name, r.status, r.reason]), [[EXPIRY_CHECK, 'passed', undefined]]);
});

test('runConformance runs only the checks named, and refuses a name it does not know', async () => {
  await assert.rejects(runConformance({ url: 'http://127.0.0.1:9', user: 'a', password: 'a', checks: ['no such check'] }), /no check is named 'no such check'/);
  const report = await runConformance({ url: 'http://127.0.0.1:9', user: 'a', password: 'a', checks: [CONFORMANCE_CHECKS[1]!] });
  assert.deepEqual(report.results.map((r) => r.name), [CONFORMANCE_CHECKS[1]]);
});

test('the suite catches a server that does not follow the protocol', async (t) => {
  // Answers 200 {} to everything: every check but none should fail.
  const server = createServer((req, res) => {
    req.resume();
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(req.url === '/auth/v1/login' ? '{"token":"t","user":"alice"}' : '{}');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.after(() => server.close());
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const report = await runConformance({ url, user: 'alice', password: 'alice' });
  assert.ok(report.failed >= CONFORMANCE_CHECKS.length - 3, `only ${report.failed} checks failed`);
  const failed = report.results.find((r) => r.name.startsWith('retried mutations'));
  assert.equal(failed?.status, 'failed');
  assert.ok(failed!.reason!.length > 10, 'the failure explains what was expected');
});

test('outpost-conformance CLI reports each check and exits 0 against the stub', async (t) => {
  const stub = await stubFor(t);
  const cli = fileURLToPath(new URL('../../server-stub/conformance/cli.ts', import.meta.url));
  const child = spawn(process.execPath, ['--import', 'tsx', cli, '--url', stub.url, '--user', 'alice', '--password', 'alice', '--other-user', 'bob', '--other-password', 'bob']);
  let out = '';
  child.stdout.on('data', (c) => (out += c));
  child.stderr.on('data', (c) => (out += c));
  const code = await new Promise<number | null>((r) => child.on('exit', r));
  assert.equal(code, 0, out);
  assert.match(out, /✓ set operations from two clients commute/);
  assert.match(out, /- a cursor older than compacted tombstones.*--tombstone-retention/, 'the 410 check says how to enable it');
  assert.match(out, new RegExp(`${CONFORMANCE_CHECKS.length - 1} passed, 0 failed, 1 skipped`));
});
