#!/usr/bin/env node
// The stub under 200 simulated sync clients: each client loops push (one ~330-byte put) → pull
// (from its own cursor), as a device with a steady trickle of local edits does. 200 clients over
// 50 users, 4 devices each, so every pull also brings the other devices' writes (real fan-out).
// Beside it, in the same run and under the same load generator, an anchor: a bare `node:http`
// server that keeps each user's changes in an array (no validation, no SQLite, no fsync) — the
// ceiling of this machine and this load generator.
//
//   node bench/stub-load.bench.mjs [--clients 200] [--users 50] [--duration 10] [--runs 3] [--out file]
//
// Both servers run as child processes (the stub durable on disk, as by default: SQLite WAL,
// synchronous = FULL, in a fresh temporary data directory); the clients share this process's event
// loop. Memory is the server process's peak RSS (VmHWM from /proc, Linux) after the load.
// Writes rows { name, browser: 'node', outpost, raw, dexie: null, unit, runs } (medians over runs).
import { Agent, request } from 'node:http';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { tsImport } from 'tsx/esm/api';
import { spawnAnchorServer } from './bare-push-anchor.mjs';
import { median, quantile } from './stats.mjs';

const { values } = parseArgs({
  options: {
    clients: { type: 'string', default: '200' },
    users: { type: 'string', default: '50' },
    duration: { type: 'string', default: '10' },
    runs: { type: 'string', default: '3' },
    out: { type: 'string', default: new URL('./results/stub-load.json', import.meta.url).pathname },
  },
});
const CLIENTS = Number(values.clients);
const USERS = Number(values.users);
const DURATION_MS = Number(values.duration) * 1000;
const RUNS = Number(values.runs);
const USER_NAMES = Array.from({ length: USERS }, (_, i) => `load${i}`);

// The anchor: the same endpoints and reply shapes, answered from memory.
const RAW_SERVER = `
import { createServer } from 'node:http';
const logs = new Map();
const read = (req) => new Promise((resolve) => { const c = []; req.on('data', (d) => c.push(d)); req.on('end', () => resolve(JSON.parse(Buffer.concat(c).toString('utf8')))); });
const reply = (res, body) => { const text = JSON.stringify(body); res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) }); res.end(text); };
createServer(async (req, res) => {
  const body = await read(req);
  if (req.url === '/auth/v1/login') return reply(res, { token: body.user });
  const user = (req.headers.authorization ?? '').slice(7);
  if (!logs.has(user)) logs.set(user, []);
  const log = logs.get(user);
  if (req.url === '/sync/v1/push') {
    for (const m of body.mutations) log.push({ collection: m.collection, key: m.key, rev: log.length + 1, value: m.value });
    return reply(res, { results: body.mutations.map((m) => ({ id: m.id, status: 'applied', rev: log.length })), lastMutationId: body.mutations.at(-1).id });
  }
  const from = Number(body.cursor ?? 0);
  const changes = log.slice(from, from + body.limit);
  reply(res, { changes, cursor: String(from + changes.length), hasMore: from + changes.length < log.length });
}).listen(0, '127.0.0.1', function () { console.log('listening on http://127.0.0.1:' + this.address().port); });
`;

const startRaw = () => spawnAnchorServer(RAW_SERVER);

/** Peak and current resident set size of a Linux process, in bytes. */
function rss(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key) => Number(new RegExp(`${key}:\\s+(\\d+)`).exec(status)?.[1] ?? 0) * 1024;
  return { peak: kb('VmHWM'), now: kb('VmRSS') };
}

/** One JSON POST over `agent`; resolves with the parsed reply and the latency in ms. */
function post(agent, url, path, token, body) {
  const text = JSON.stringify(body);
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const req = request(`${url}${path}`, { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...(token ? { authorization: `Bearer ${token}` } : {}) } }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        if (res.statusCode !== 200) return reject(new Error(`${path}: HTTP ${res.statusCode} ${Buffer.concat(chunks).toString('utf8').slice(0, 200)}`));
        resolve({ body: JSON.parse(Buffer.concat(chunks).toString('utf8')), ms: performance.now() - t0 });
      });
    });
    req.on('error', reject);
    req.end(text);
  });
}

let runId = 0;

/** Runs `CLIENTS` push/pull loops against `url` for the duration; returns throughput and latencies. */
async function load(url) {
  runId++;
  const tokens = new Map();
  const loginAgent = new Agent({ keepAlive: true });
  for (const user of USER_NAMES) tokens.set(user, (await post(loginAgent, url, '/auth/v1/login', undefined, { user, password: user })).body.token);
  loginAgent.destroy();
  const pushMs = [];
  const pullMs = [];
  let pulledChanges = 0;
  const clients = Array.from({ length: CLIENTS }, (_, i) => ({ user: USER_NAMES[i % USERS], clientId: `load-${process.pid}-${runId}-${i}`, agent: new Agent({ keepAlive: true, maxSockets: 1 }), cursor: null, nextId: 1 }));
  // Each client first catches up (a device coming online), then the measured loop starts.
  await Promise.all(clients.map(async (c) => {
    for (;;) {
      const { body } = await post(c.agent, url, '/sync/v1/pull', tokens.get(c.user), { protocol: 1, clientId: c.clientId, cursor: c.cursor, limit: 500 });
      c.cursor = body.cursor;
      if (!body.hasMore) break;
    }
  }));
  const started = performance.now();
  const until = started + DURATION_MS;
  await Promise.all(clients.map(async (c) => {
    const token = tokens.get(c.user);
    while (performance.now() < until) {
      const id = c.nextId++;
      const key = `${c.clientId}-${id}`;
      const push = await post(c.agent, url, '/sync/v1/push', token, {
        protocol: 1,
        clientId: c.clientId,
        mutations: [{ id, name: 'put', collection: 'messages', key, baseRev: 0, value: { subject: `Quarterly report ${key}`, from: 'alice@example.test', to: ['bob@example.test'], snippet: 'Please find attached the numbers for the last quarter, as discussed on Monday.', labels: ['INBOX', 'UNREAD'], date: 1764000000000 + id } }],
      });
      if (push.body.results?.[0]?.status !== 'applied') throw new Error(`push not applied: ${JSON.stringify(push.body).slice(0, 200)}`);
      pushMs.push(push.ms);
      const pull = await post(c.agent, url, '/sync/v1/pull', token, { protocol: 1, clientId: c.clientId, cursor: c.cursor, limit: 500 });
      pullMs.push(pull.ms);
      pulledChanges += pull.body.changes.length;
      c.cursor = pull.body.cursor;
    }
  }));
  const seconds = (performance.now() - started) / 1000;
  for (const c of clients) c.agent.destroy();
  const all = [...pushMs, ...pullMs];
  return {
    rps: all.length / seconds,
    mutations: pushMs.length / seconds,
    pulled: pulledChanges / seconds,
    p50: median(all),
    p99: quantile(all, 0.99),
    pushP99: quantile(pushMs, 0.99),
  };
}


const { StubProcess } = await tsImport('../testing/stub-process.ts', import.meta.url);
// Off: the per-user push limit (1200 a minute) is a guard the stub's tests check; the load here is
// its throughput, and on a fast machine 4 devices per user pass that limit within the runs.
const stub = new StubProcess({ args: ['--users', USER_NAMES.map((u) => `${u}:${u}`).join(','), '--push-rate', 'off', '--pull-rate', 'off'], onStderr: (l) => process.stderr.write(`[stub] ${l}\n`) });
const stubUrl = await stub.start();
const raw = await startRaw();
const idle = { outpost: rss(stub.pid).now, raw: rss(raw.pid).now };
const samples = { outpost: [], raw: [] };
let peak;
try {
  for (let run = 1; run <= RUNS; run++) {
    // Alternate the order so neither server always runs on a warmer (or more throttled) machine.
    for (const which of run % 2 ? ['outpost', 'raw'] : ['raw', 'outpost']) {
      const r = await load(which === 'outpost' ? stubUrl : raw.url);
      samples[which].push(r);
      console.log(`stub-load run ${run} ${which.padEnd(7)} ${r.rps.toFixed(0).padStart(6)} req/s  ${r.mutations.toFixed(0).padStart(5)} pushes/s  p50 ${r.p50.toFixed(1)} ms  p99 ${r.p99.toFixed(1)} ms`);
    }
  }
} finally {
  peak = { outpost: rss(stub.pid).peak, raw: rss(raw.pid).peak };
  raw.stop();
  await stub.dispose();
}

const pick = (which, key) => median(samples[which].map((s) => s[key]));
const row = (name, key, unit, digits = 0) => ({
  name: `stub load, ${CLIENTS} clients (${USERS} users × ${CLIENTS / USERS} devices), push + pull: ${name}`,
  browser: 'node',
  outpost: Number(pick('outpost', key).toFixed(digits)),
  raw: Number(pick('raw', key).toFixed(digits)),
  dexie: null,
  unit,
  runs: RUNS,
});
const MB = 2 ** 20;
const rows = [
  row('throughput (pushes + pulls)', 'rps', 'req/s'),
  row('mutations accepted', 'mutations', 'mutations/s'),
  row('changes delivered by pulls', 'pulled', 'changes/s'),
  row('latency p50 (push and pull)', 'p50', 'ms', 1),
  row('latency p99 (push and pull)', 'p99', 'ms', 1),
  row('push latency p99', 'pushP99', 'ms', 1),
  { name: `stub load, ${CLIENTS} clients: server RSS peak`, browser: 'node', outpost: Math.round(peak.outpost / MB), raw: Math.round(peak.raw / MB), dexie: null, unit: 'MiB', runs: 1 },
  { name: `stub load, ${CLIENTS} clients: server RSS before load`, browser: 'node', outpost: Math.round(idle.outpost / MB), raw: Math.round(idle.raw / MB), dexie: null, unit: 'MiB', runs: 1 },
];
mkdirSync(dirname(values.out), { recursive: true });
writeFileSync(values.out, JSON.stringify({ date: new Date().toISOString(), node: process.version, durationS: DURATION_MS / 1000, rows }, null, 2) + '\n');
console.table(rows.map((r) => ({ ...r, name: r.name.replace(/^stub load, \d+ clients[^:]*: /, '') })));
