#!/usr/bin/env node
// Push throughput and latency of the stub under 50 concurrent connections (500 client ids of one
// user taking turns, push-load.mjs), beside a bare Node http
// server that parses the same JSON bodies and answers a same-shaped reply without validation or
// storage (the ceiling this machine and load generator allow). Both servers run as child processes
// so the load generator (autocannon, in this process) does not share their event loop.
//
//   node bench/stub-push.bench.mjs [--duration 5] [--runs 3] [--connections 50] [--out file]
//
// Two scenarios: one put per push (latency-bound: one fsync'd transaction each) and ten puts per
// push (an outbox flushed in one request), reported in pushes/s and mutations/s.
//
// Writes rows { name, browser: 'node', outpost, raw, unit, runs } to bench/results/stub-push.json
// (medians over the runs) for the bench harness to merge into bench/results/latest.json.
import autocannon from 'autocannon';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { tsImport } from 'tsx/esm/api';
import { startBarePushServer } from './bare-push-anchor.mjs';
import { putPush } from './push-load.mjs';
import { median } from './stats.mjs';

const { values } = parseArgs({ options: { duration: { type: 'string', default: '5' }, runs: { type: 'string', default: '3' }, connections: { type: 'string', default: '50' }, out: { type: 'string', default: new URL('./results/stub-push.json', import.meta.url).pathname } } });
const DURATION = Number(values.duration);
const RUNS = Number(values.runs);
const CONNECTIONS = Number(values.connections);

const { StubProcess } = await tsImport('../testing/stub-process.ts', import.meta.url);

async function load(url, headers, batch) {
  const result = await autocannon({
    url: `${url}/sync/v1/push`,
    connections: CONNECTIONS,
    duration: DURATION,
    requests: [{ method: 'POST', headers: { 'content-type': 'application/json', ...headers }, setupRequest: (req) => ({ ...req, body: putPush(batch) }) }],
  });
  if (result.non2xx || result.errors) throw new Error(`${url}: ${result.non2xx} non-2xx, ${result.errors} errors`);
  return { rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99 };
}


// 50 clients of one user push as fast as they can: the per-user push rate limit would measure itself.
const stub = new StubProcess({ args: ['--push-rate', 'off', '--pull-rate', 'off', '--max-in-flight', 'off'], onStderr: (l) => process.stderr.write(`[stub] ${l}\n`) });
const stubUrl = await stub.start();
const login = await fetch(`${stubUrl}/auth/v1/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ user: 'alice', password: 'alice' }) });
const { token } = await login.json();
const raw = await startBarePushServer();
const BATCHES = [1, 10];
const samples = Object.fromEntries(BATCHES.map((b) => [b, { outpost: [], raw: [] }]));
try {
  for (let run = 1; run <= RUNS; run++) {
    for (const batch of BATCHES) {
      // Alternate the order so neither server always runs on a warmer (or more throttled) machine.
      const order = run % 2 ? ['outpost', 'raw'] : ['raw', 'outpost'];
      for (const which of order) {
        const r = which === 'outpost' ? await load(stubUrl, { authorization: `Bearer ${token}` }, batch) : await load(raw.url, {}, batch);
        samples[batch][which].push(r);
        console.log(`run ${run} batch ${String(batch).padStart(2)} ${which.padEnd(7)} ${r.rps.toFixed(0).padStart(6)} req/s  p50 ${r.p50} ms  p99 ${r.p99} ms`);
      }
    }
  }
} finally {
  raw.stop();
  await stub.dispose();
}

const pick = (batch, which, key) => median(samples[batch][which].map((s) => s[key]));
const row = (name, batch, key, unit, scale = 1) => ({
  name,
  browser: 'node',
  outpost: Math.round(pick(batch, 'outpost', key) * scale),
  raw: Math.round(pick(batch, 'raw', key) * scale),
  unit,
  runs: RUNS,
});
const rows = [
  row(`stub push throughput, ${CONNECTIONS} clients, 1 put per push`, 1, 'rps', 'req/s'),
  row(`stub push p50 latency, ${CONNECTIONS} clients, 1 put per push`, 1, 'p50', 'ms'),
  row(`stub push p99 latency, ${CONNECTIONS} clients, 1 put per push`, 1, 'p99', 'ms'),
  row(`stub push throughput, ${CONNECTIONS} clients, 10 puts per push`, 10, 'rps', 'mutations/s', 10),
  row(`stub push p99 latency, ${CONNECTIONS} clients, 10 puts per push`, 10, 'p99', 'ms'),
];
mkdirSync(dirname(values.out), { recursive: true });
writeFileSync(values.out, JSON.stringify({ date: new Date().toISOString(), node: process.version, durationS: DURATION, rows }, null, 2) + '\n');
console.table(rows);
