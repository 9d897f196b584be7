#!/usr/bin/env node
// Where a push's time goes on the Node side: the SQLite stub under `--cpu-prof` while autocannon
// pushes one put per request (the load of stub-backends.bench.mjs), beside the bare http anchor
// measured in the same run. Prints throughput, the anchor ratio and, for each thread (the event
// loop, the SQLite writer thread), the heaviest functions (self time) and the stub's own functions
// (inclusive time). With `--db postgres://…` the stub runs on
// a fresh schema of that PostgreSQL (`--db-pool 20`), the anchor is `pgbench -N` (50 clients, the
// database `outpost_pgbench` that stub-backends.bench.mjs sets up) and the CPU of the stub's
// PostgreSQL backends per push is printed too.
//
//   node bench/profile-stub-push.mjs [--duration 5] [--connections 50] [--db postgres://…] [--out /tmp/stub.cpuprofile] [--no-profile]
import autocannon from 'autocannon';
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, statSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { tsImport } from 'tsx/esm/api';
import { startBarePushServer } from './bare-push-anchor.mjs';
import { bundleStub, cpuSeconds, onePutPush } from './push-load.mjs';

const { values } = parseArgs({
  options: {
    duration: { type: 'string', default: '5' },
    connections: { type: 'string', default: '50' },
    out: { type: 'string' },
    'no-profile': { type: 'boolean', default: false },
    'no-anchor': { type: 'boolean', default: false },
    // Another checkout's root (e.g. an older commit's `git archive`), to compare in the same conditions.
    source: { type: 'string' },
    db: { type: 'string' },
  },
});
const DURATION = Number(values.duration);
const CONNECTIONS = Number(values.connections);
const USERS = 200;
const users = Array.from({ length: USERS }, (_, i) => `u${i}`);

const APP_NAME = `outpost_profile_${process.pid}`;

/** CPU seconds of the stub's PostgreSQL backends (found by application_name), by pid. */
async function backendCpu(monitor) {
  const out = new Map();
  if (monitor) for (const { pid } of await monitor`SELECT pid FROM pg_stat_activity WHERE application_name = ${APP_NAME}`) out.set(pid, cpuSeconds(pid));
  return out;
}

async function load(url, tokens, pid, monitor) {
  let t = 0;
  const backends0 = await backendCpu(monitor);
  const cpu0 = cpuSeconds(pid);
  const loop0 = cpuSeconds(pid, true);
  const r = await autocannon({
    url: `${url}/sync/v1/push`,
    connections: CONNECTIONS,
    duration: DURATION,
    requests: [{ method: 'POST', setupRequest: (req) => ({ ...req, headers: { 'content-type': 'application/json', authorization: `Bearer ${tokens[t++ % tokens.length]}` }, body: onePutPush() }) }],
  });
  const cpu = cpuSeconds(pid) - cpu0;
  const loop = cpuSeconds(pid, true) - loop0;
  let backends = 0;
  for (const [p, t1] of await backendCpu(monitor)) backends += t1 - (backends0.get(p) ?? 0);
  return { backendPerRequestUs: (backends * 1e6) / r.requests.total, rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, failed: r.non2xx + r.errors, cpuPerRequestUs: (cpu * 1e6) / r.requests.total, loopPerRequestUs: (loop * 1e6) / r.requests.total };
}

// The stub bundled to plain JS (not minified, packages external) for the profile: under tsx every
// function of a module reports line 1, and tsx's loader thread shows up in the samples.
async function bundle() {
  const outdir = fileURLToPath(new URL(`../node_modules/.outpost-profile/cli-${process.pid}`, import.meta.url));
  process.once('exit', () => rmSync(outdir, { recursive: true, force: true }));
  return bundleStub(values.source ?? fileURLToPath(new URL('..', import.meta.url)), outdir);
}

async function startStub(profileDir) {
  const dataDir = mkdtempSync(join(tmpdir(), 'outpost-profile-'));
  let db;
  if (values.db) {
    const { freshDatabase } = await tsImport('../test/server-stub/postgres.ts', import.meta.url);
    db = await freshDatabase(values.db);
    const u = new URL(db.url);
    u.searchParams.set('application_name', APP_NAME);
    db.stubUrl = u.toString();
  }
  const cli = await bundle();
  const prof = profileDir ? ['--cpu-prof', '--cpu-prof-dir', profileDir] : [];
  const args = [...prof, cli, '--port', '0', '--data', dataDir, '--users', users.map((u) => `${u}:${u}`).join(','), '--push-rate', 'off', '--pull-rate', 'off', ...(db ? ['--db', db.stubUrl, '--db-pool', '20'] : [])];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise((resolve, reject) => {
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (d) => {
      const m = /listening on (http:\/\/\S+)/.exec(d);
      if (m) resolve(m[1]);
    });
    child.once('exit', (code) => reject(new Error(`stub exited ${code}`)));
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  return {
    url,
    pid: child.pid,
    /** Bytes of the write-ahead log now (it is reset, not truncated, after a full checkpoint). */
    walBytes: () => (db ? 0 : statSync(join(dataDir, 'outpost.sqlite-wal')).size),
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
      await db?.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Self and inclusive time per function of a .cpuprofile, in % of all samples. */
function summarise(file) {
  const profile = JSON.parse(readFileSync(file, 'utf8'));
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const self = new Map();
  const incl = new Map();
  const name = (n) => {
    const f = n.callFrame;
    const where = f.url ? `${f.url.replace(/^.*\/(node_modules\/(?!\.outpost-profile)|server-stub\/|runtime\/)/, '$1').replace(/^.*\.outpost-profile\/cli-\d+\//, 'stub/')}:${f.lineNumber + 1}` : '';
    return `${f.functionName || '(anonymous)'} ${where}`.trim();
  };
  let total = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    const dt = profile.timeDeltas[i + 1] ?? 0;
    total += dt;
    let node = byId.get(profile.samples[i]);
    const k = name(node);
    self.set(k, (self.get(k) ?? 0) + dt);
    const seen = new Set();
    while (node) {
      const key = name(node);
      if (!seen.has(key)) {
        seen.add(key);
        incl.set(key, (incl.get(key) ?? 0) + dt);
      }
      node = byId.get(parent.get(node.id));
    }
  }
  const pct = (v) => ((100 * v) / total).toFixed(1).padStart(5);
  console.log(`\nprofile ${file}: ${(total / 1e6).toFixed(1)} s sampled`);
  console.log('heaviest self time:');
  for (const [k, v] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 40)) console.log(`  ${pct(v)} %  ${k}`);
  console.log("inclusive time of the stub's own functions:");
  for (const [k, v] of [...incl].filter(([k]) => k.includes(' stub/')).sort((a, b) => b[1] - a[1]).slice(0, 40)) console.log(`  ${pct(v)} %  ${k}`);
}

const load0 = loadavg()[0];
let anchor;
if (!values['no-anchor'] && values.db) {
  const u = new URL(values.db);
  const env = { ...process.env, PGHOST: u.hostname, PGPORT: u.port || '5432', PGUSER: decodeURIComponent(u.username), PGPASSWORD: decodeURIComponent(u.password), PGDATABASE: 'outpost_pgbench' };
  const run = spawnSync('pgbench', ['-N', '-M', 'prepared', '-c', '50', '-j', '2', '-T', String(DURATION)], { env, encoding: 'utf8' });
  const tps = /tps = ([\d.]+)/.exec(run.stdout);
  if (!tps) throw new Error(`pgbench -N failed (run stub-backends.bench.mjs once to set up outpost_pgbench): ${run.stdout}${run.stderr}`);
  anchor = { rps: Number(tps[1]), name: 'pgbench -N' };
  console.log(`pgbench -N, 50 clients: ${anchor.rps.toFixed(0)} tps`);
} else if (!values['no-anchor']) {
  const raw = await startBarePushServer();
  anchor = { ...(await load(raw.url, ['-'], raw.pid)), name: 'bare http' };
  raw.stop();
  console.log(`bare http, ${CONNECTIONS} clients: ${anchor.rps.toFixed(0)} req/s  p50 ${anchor.p50} ms  p99 ${anchor.p99} ms  server CPU ${anchor.cpuPerRequestUs.toFixed(0)} µs/request (event loop ${anchor.loopPerRequestUs.toFixed(0)})`);
}
const profileDir = values['no-profile'] ? undefined : mkdtempSync(join(tmpdir(), 'outpost-cpuprof-'));
const stub = await startStub(profileDir);
const tokens = [];
for (const u of users) {
  const r = await fetch(`${stub.url}/auth/v1/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ user: u, password: u }) });
  tokens.push((await r.json()).token);
}
const { default: postgres } = await import('postgres');
const monitor = values.db ? postgres(values.db, { max: 1, onnotice: () => undefined }) : undefined;
const r = await load(stub.url, tokens, stub.pid, monitor);
await monitor?.end();
const walMiB = stub.walBytes() / 2 ** 20;
await stub.stop();
console.log(
  `${values.db ? 'PostgreSQL' : 'SQLite'} stub, ${CONNECTIONS} clients: ${r.rps.toFixed(0)} pushes/s  p50 ${r.p50} ms  p99 ${r.p99} ms  failed ${r.failed}  server CPU ${r.cpuPerRequestUs.toFixed(0)} µs/push (event loop ${r.loopPerRequestUs.toFixed(0)})` +
    (values.db ? `  its PostgreSQL backends ${r.backendPerRequestUs.toFixed(0)} µs/push` : '') +
    (anchor ? `  → ${(r.rps / anchor.rps).toFixed(3)}× ${anchor.name}` : ''),
);
if (!values.db) console.log(`write-ahead log after the load: ${walMiB.toFixed(1)} MiB`);
console.log(`load average (1 min): ${load0.toFixed(2)} before, ${loadavg()[0].toFixed(2)} after`);
if (profileDir) {
  // One profile per thread (CPU.<date>.<time>.<pid>.<thread id>.<n>.cpuprofile): the event loop's
  // (thread 0) first, then the SQLite writer thread's.
  const threadOf = (f) => Number(f.split('.').at(-3));
  const files = readdirSync(profileDir).filter((f) => f.endsWith('.cpuprofile')).sort((a, b) => threadOf(a) - threadOf(b)).map((f) => join(profileDir, f));
  for (const file of files) summarise(file);
  if (values.out) copyFileSync(files[0], values.out);
  rmSync(profileDir, { recursive: true, force: true });
}
