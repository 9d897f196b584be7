#!/usr/bin/env node
// Two builds of the SQLite stub under the push load at the same moment: each its own process, data
// directory and autocannon (one put per push, 200 users, a new client per push — the load of
// stub-backends.bench.mjs). On a shared, loaded machine throughput moves with everyone else's work
// from one minute to the next; two builds loaded together share the same conditions, so their CPU
// per push (and, less reliably, pushes/s) compare where alternating runs do not.
//
//   node bench/pair-stub-push.mjs --before <checkout> [--after <checkout>] [--rounds 6] [--duration 5] [--connections 50] [--rate N]
//
// `--before` is another checkout's root (e.g. `git archive <commit> | tar -x -C /tmp/before`),
// `--after` defaults to this one; `--rate` fixes each stub's request rate instead of saturating.
import autocannon from 'autocannon';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { bundleStub, cpuSeconds, onePutPush } from './push-load.mjs';
import { median } from './stats.mjs';

const { values } = parseArgs({
  options: {
    before: { type: 'string' },
    after: { type: 'string', default: fileURLToPath(new URL('..', import.meta.url)) },
    rounds: { type: 'string', default: '6' },
    duration: { type: 'string', default: '5' },
    connections: { type: 'string', default: '50' },
    rate: { type: 'string' },
  },
});
if (!values.before) throw new Error('Pass --before <checkout root> (e.g. git archive <commit> | tar -x -C /tmp/before).');
const users = Array.from({ length: 200 }, (_, i) => `u${i}`);

/** Starts a checkout's stub bundled to plain JS (as profile-stub-push.mjs does) and signs in every user. */
async function startStub(root, name) {
  const outdir = fileURLToPath(new URL(`../node_modules/.outpost-profile/pair-${name}-${process.pid}`, import.meta.url));
  const outfile = await bundleStub(root, outdir);
  const dataDir = mkdtempSync(join(tmpdir(), 'outpost-pair-'));
  const child = spawn(process.execPath, [outfile, '--port', '0', '--data', dataDir, '--users', users.map((u) => `${u}:${u}`).join(','), '--push-rate', 'off', '--pull-rate', 'off'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise((resolve, reject) => {
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (d) => {
      const m = /listening on (http:\/\/\S+)/.exec(d);
      if (m) resolve(m[1]);
    });
    child.once('exit', (code) => reject(new Error(`the ${name} stub exited ${code}`)));
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const tokens = [];
  for (const u of users) {
    const r = await fetch(`${url}/auth/v1/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ user: u, password: u }) });
    tokens.push((await r.json()).token);
  }
  return {
    url,
    pid: child.pid,
    tokens,
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
      rmSync(dataDir, { recursive: true, force: true });
      rmSync(outdir, { recursive: true, force: true });
    },
  };
}

async function load(stub, duration) {
  let t = 0;
  const cpu0 = cpuSeconds(stub.pid);
  const loop0 = cpuSeconds(stub.pid, true);
  const r = await autocannon({
    url: `${stub.url}/sync/v1/push`,
    connections: Number(values.connections),
    duration,
    ...(values.rate ? { overallRate: Number(values.rate) } : {}),
    requests: [{ method: 'POST', setupRequest: (req) => ({ ...req, headers: { 'content-type': 'application/json', authorization: `Bearer ${stub.tokens[t++ % stub.tokens.length]}` }, body: onePutPush() }) }],
  });
  const pushes = Math.max(1, r.requests.total);
  return { rps: r.requests.average, p99: r.latency.p99, failed: r.non2xx + r.errors, cpuUs: ((cpuSeconds(stub.pid) - cpu0) * 1e6) / pushes, loopUs: ((cpuSeconds(stub.pid, true) - loop0) * 1e6) / pushes };
}

const before = await startStub(values.before, 'before');
const after = await startStub(values.after, 'after');
try {
  await Promise.all([load(before, 2), load(after, 2)]); // warm-up: JIT, first pages of the tables
  const rows = [];
  for (let i = 1; i <= Number(values.rounds); i++) {
    const [b, a] = await Promise.all([load(before, Number(values.duration)), load(after, Number(values.duration))]);
    rows.push({ b, a });
    const side = (r) => `${r.rps.toFixed(0)} pushes/s, CPU ${r.cpuUs.toFixed(0)} µs/push (event loop ${r.loopUs.toFixed(0)}), p99 ${r.p99} ms${r.failed ? `, ${r.failed} failed` : ''}`;
    console.log(`round ${i}: before ${side(b)} | after ${side(a)} | after/before: pushes ${(a.rps / b.rps).toFixed(2)}, CPU ${(a.cpuUs / b.cpuUs).toFixed(2)}, loop ${(a.loopUs / b.loopUs).toFixed(2)}  (load ${loadavg()[0].toFixed(1)})`);
  }
  console.log(
    `median after/before: pushes ${median(rows.map((r) => r.a.rps / r.b.rps)).toFixed(2)}, CPU per push ${median(rows.map((r) => r.a.cpuUs / r.b.cpuUs)).toFixed(2)}, event loop per push ${median(rows.map((r) => r.a.loopUs / r.b.loopUs)).toFixed(2)}`,
  );
} finally {
  await before.stop();
  await after.stop();
}
