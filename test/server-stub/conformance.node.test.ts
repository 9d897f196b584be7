import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { runConformance, CONFORMANCE_CHECKS } from '../../server-stub/index.js';
import { eachBackend, stubFor } from './helpers.js';

eachBackend('the stub passes every conformance check (none skipped)', async (t, backend) => {
  const stub = await stubFor(t, { tombstoneRetentionMs: 1000 }, backend);
  const report = await runConformance({
    url: stub.url,
    user: 'alice',
    password: 'alice',
    otherUser: { user: 'bob', password: 'bob' },
    tombstoneRetentionMs: 1000,
  });
  for (const r of report.results) {
    await t.test(r.name, () => assert.equal(r.status, 'passed', r.reason));
  }
  assert.equal(report.results.length, CONFORMANCE_CHECKS.length);
  assert.deepEqual([report.failed, report.skipped], [0, 0]);
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
