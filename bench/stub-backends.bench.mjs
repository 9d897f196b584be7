#!/usr/bin/env node
// The stub's storage backends under push load, in one run beside two anchors: the bare http server
// of stub-push.bench.mjs (the ceiling of this machine and load generator) and `pgbench -N` against
// the same PostgreSQL server (what the database does with a push-sized transaction, no HTTP).
//
//   node bench/stub-backends.bench.mjs [--duration 5] [--pg postgres://…] [--out file] [--quick]
//
// `--quick` (npm run bench -- --quick, a smoke run): a small pgbench table, 5 poke samples.
//
// Targets: SQLite with group commit, PostgreSQL with one node, PostgreSQL with two nodes (load split
// evenly, one autocannon per node), each at 50 and 200 clients; one put per push, 200 users (pushes
// of one user serialise on its row, so the load is spread like real traffic). Then the cross-node
// poke latency: a stream on node B, a push on node A, time until B's poke arrives.
//
// Two more anchors split a push's cost: pgbench running the push's own statement
// (`outpost_push_writes`, what a lone one-put push asks of the database; and `outpost_push_batch`
// with 16 pushes per call, what the group commit asks) beside `pgbench -N`, and the CPU
// each side spent per push (the stub's Node process from /proc, its PostgreSQL backends when /proc
// shows them), figures that hold up on a loaded machine where throughput does not.
//
// Writes rows { name, browser: 'node', outpost, raw, unit, runs } to bench/results/stub-backends.json
// (`raw` is the anchor named in the row) for the bench harness to merge into latest.json.
import autocannon from 'autocannon';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { tsImport } from 'tsx/esm/api';
import { startBarePushServer } from './bare-push-anchor.mjs';
import { onePutPush } from './push-load.mjs';
import { median, p95 } from './stats.mjs';

const { values } = parseArgs({
  options: {
    duration: { type: 'string', default: '5' },
    quick: { type: 'boolean', default: false },
    pg: { type: 'string', default: process.env.OUTPOST_TEST_PG_URL || 'postgres://outpost:outpost@127.0.0.1:5432/outpost' },
    out: { type: 'string', default: new URL('./results/stub-backends.json', import.meta.url).pathname },
  },
});
const DURATION = Number(values.duration);
const USERS = 200;
// Connections per node: two nodes and pgbench's 50 stay within the shared cluster's 100.
const POOL = 20;
const { StubProcess } = await tsImport('../testing/stub-process.ts', import.meta.url);
const { freshDatabase } = await tsImport('../test/server-stub/postgres.ts', import.meta.url);
const { migrate } = await tsImport('../server-stub/storage/postgres-schema.ts', import.meta.url);
const { default: postgres } = await import('postgres');
// The stubs' connections carry this name, so their backends can be told from other sessions.
const APP_NAME = `outpost_bench_${process.pid}`;
const CLK_TCK = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout) || 100;
const users = Array.from({ length: USERS }, (_, i) => `u${i}`);
const usersArg = users.map((u) => `${u}:${u}`).join(',');

async function startRaw() {
  const { url, stop } = await startBarePushServer();
  return { urls: [url], tokens: ['-'], stop: async () => void stop() };
}

async function loginAll(url) {
  const tokens = [];
  for (const u of users) {
    const r = await fetch(`${url}/auth/v1/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ user: u, password: u }) });
    tokens.push((await r.json()).token);
  }
  return tokens;
}

/** CPU seconds a process has used (user + system), or undefined when /proc does not show it. */
function cpuSeconds(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLK_TCK;
  } catch {
    return undefined;
  }
}

/** CPU of the stubs' processes and of their PostgreSQL backends, to diff around a load. */
async function cpuOf(target, monitor) {
  const stub = target.nodes.reduce((sum, n) => sum + (cpuSeconds(n.pid) ?? NaN), 0);
  const backends = new Map();
  if (monitor) for (const { pid } of await monitor`SELECT pid FROM pg_stat_activity WHERE application_name = ${APP_NAME}`) backends.set(pid, cpuSeconds(pid));
  return { stub, backends };
}

/** Per-push CPU in ms between two {@link cpuOf} readings; backends undefined when /proc hides them. */
function cpuPerPush(before, after, pushes) {
  let backends = 0;
  for (const [pid, t] of after.backends) {
    if (t === undefined) return { stub: ((after.stub - before.stub) / pushes) * 1000, backends: undefined };
    backends += t - (before.backends.get(pid) ?? 0); // a connection opened during the load counts from 0
  }
  return { stub: ((after.stub - before.stub) / pushes) * 1000, backends: after.backends.size ? (backends / pushes) * 1000 : undefined };
}

async function startStubs(count, db) {
  if (db) {
    const u = new URL(db);
    u.searchParams.set('application_name', APP_NAME);
    db = u.toString();
  }
  const args = ['--users', usersArg, '--push-rate', 'off', '--pull-rate', 'off', ...(db ? ['--db', db, '--db-pool', String(POOL)] : [])];
  const nodes = Array.from({ length: count }, () => new StubProcess({ args, onStderr: (l) => process.stderr.write(`[stub] ${l}\n`) }));
  const urls = [];
  for (const n of nodes) urls.push(await n.start());
  return { urls, tokens: await loginAll(urls[0]), stop: async () => Promise.all(nodes.map((n) => n.dispose())), nodes };
}

/** Load split evenly over the target's nodes; throughput summed, latency percentiles of the slowest node. */
async function load(target, connections) {
  let t = 0;
  const results = await Promise.all(
    target.urls.map((url) =>
      autocannon({
        url: `${url}/sync/v1/push`,
        connections: Math.ceil(connections / target.urls.length),
        duration: DURATION,
        requests: [{ method: 'POST', setupRequest: (req) => ({ ...req, headers: { 'content-type': 'application/json', authorization: `Bearer ${target.tokens[t++ % target.tokens.length]}` }, body: onePutPush() }) }],
      }),
    ),
  );
  // Counted, not fatal: under overload a 503 (storage busy) is an answer too; the row reports them.
  const failed = results.reduce((s, r) => s + r.non2xx + r.errors, 0);
  return { failed, pushes: results.reduce((s, r) => s + r.requests.total, 0), rps: results.reduce((s, r) => s + r.requests.average, 0), p50: Math.max(...results.map((r) => r.latency.p50)), p99: Math.max(...results.map((r) => r.latency.p99)) };
}

function pgbench(url, clients) {
  const u = new URL(url);
  const env = { ...process.env, PGHOST: u.hostname, PGPORT: u.port || '5432', PGUSER: decodeURIComponent(u.username), PGPASSWORD: decodeURIComponent(u.password), PGDATABASE: 'outpost_pgbench' };
  spawnSync('createdb', [], { env, stdio: 'ignore' });
  const init = spawnSync('pgbench', ['-i', '-q', '-s', values.quick ? '1' : '10'], { env, encoding: 'utf8' });
  if (init.status !== 0) throw new Error(`pgbench -i failed: ${init.stderr}`);
  return runPgbench(['-N'], clients, env, 'pgbench -N');
}

/**
 * pgbench's tps for `args` with `clients` clients over --duration. pgbench prints no tps when its
 * clients take the whole run to connect (a loaded machine: CI saw 0 transactions in 6 s at load
 * 30), so then it runs a fixed count of transactions per client, which always ends with a tps.
 */
function runPgbench(args, clients, env, what) {
  const common = [...args, '-M', 'prepared', '-c', String(clients), '-j', '2'];
  for (const limit of [['-T', String(Math.max(DURATION, values.quick ? 1 : 2))], ['-t', '20']]) {
    const run = spawnSync('pgbench', [...common, ...limit], { env, encoding: 'utf8' });
    const tps = /tps = ([\d.]+)/.exec(run.stdout);
    if (tps) return Number(tps[1]);
    if (limit[0] === '-t') throw new Error(`${what} failed (exit ${run.status ?? run.signal}): ${run.stdout}${run.stderr}`);
  }
}

/**
 * pgbench running what a one-put push asks of the database — `SELECT outpost_push_writes(…)` (or,
 * with `batch`, `outpost_push_batch` of that many pushes of consecutive users) for a
 * new client of one of 200 users, a ~330-byte document — in a fresh schema: the database's side of
 * a push without Node, HTTP or the load generator, comparable to pgbench -N.
 */
async function pgbenchPush(url, clients, batch = 0) {
  const db = await freshDatabase(url);
  try {
    const sql = postgres(db.url, { max: 1, onnotice: () => undefined });
    await migrate(sql);
    await sql.end();
    const value = `'${JSON.stringify(JSON.parse(onePutPush()).mutations[0].value).replaceAll("'", "''")}'`;
    const script = join(tmpdir(), `outpost-push-${process.pid}.sql`);
    // batch > 0: one outpost_push_batch call of `batch` pushes of consecutive users (ascending, as
    // the stub orders a batch), each a new client's one put — what the stub's group commit sends.
    const fill = (v, type) => `array_fill(${v}::${type}, ARRAY[${batch}])`;
    const series = (expr) => `ARRAY(SELECT ${expr} FROM generate_series(0, ${batch - 1}) AS g)`;
    writeFileSync(
      script,
      `\\set u random(0, ${USERS - 1 - Math.max(batch - 1, 0)})\n\\set n random(1, 2000000000)\n` +
        (batch
          ? `SELECT outpost_push_batch(${fill(Date.now(), 'bigint')}, ${series("'u' || (:u + g)")}, ${fill('NULL', 'text')}, ${series("'bench-' || :n || '-' || :client_id || '-' || g")}, ` +
            `${fill(1, 'bigint')}, ${fill(1, 'bigint')}, ${fill(1, 'int')}, ${fill("'messages'", 'text')}, ${series("'m' || :n || '-' || :client_id || '-' || g")}, ${fill(0, 'bigint')}, ${fill(value, 'text')});\n`
          : `SELECT outpost_push_writes('u' || :u, 'bench-' || :n || '-' || :client_id, 1, 1, ARRAY['messages'], ARRAY['m' || :n || '-' || :client_id], ARRAY[0::bigint], ARRAY[${value}], ${Date.now()});\n`),
    );
    const u = new URL(db.url);
    const env = { ...process.env, PGHOST: u.hostname, PGPORT: u.port || '5432', PGUSER: decodeURIComponent(u.username), PGPASSWORD: decodeURIComponent(u.password), PGDATABASE: u.pathname.slice(1), PGOPTIONS: `-c search_path=${u.searchParams.get('search_path')}` };
    return runPgbench(['-n', '-f', script], clients, env, 'pgbench of outpost_push_writes');
  } finally {
    await db.drop();
  }
}

async function pokeLatency(pgUrl, samples = 40) {
  const db = await freshDatabase(pgUrl);
  const target = await startStubs(2, db.url);
  try {
    const [a, b] = target.urls;
    const token = target.tokens[0];
    const res = await fetch(`${b}/sync/v1/events`, { headers: { authorization: `Bearer ${token}` } });
    const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    const nextPoke = async () => {
      for (;;) {
        const end = buffer.indexOf('\n\n');
        if (end >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          if (block.includes('event: poke')) return;
          continue;
        }
        const { value, done } = await reader.read();
        if (done) throw new Error('stream ended');
        buffer += value;
      }
    };
    await nextPoke();
    const times = [];
    for (let i = 1; i <= samples; i++) {
      const started = performance.now();
      const poked = nextPoke();
      await fetch(`${a}/sync/v1/push`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ protocol: 1, clientId: 'poker', mutations: [{ id: i, name: 'put', collection: 'n', key: `k${i}`, baseRev: 0, value: {} }] }) });
      await poked;
      times.push(performance.now() - started);
    }
    await reader.cancel();
    return { p50: median(times), p95: p95(times) };
  } finally {
    await target.stop();
    await db.drop();
  }
}

const rows = [];
const load0 = loadavg()[0];
const raw = await startRaw();
const anchors = {};
for (const c of [50, 200]) anchors[c] = await load(raw, c);
await raw.stop();
// The shared cluster allows 100 connections: pgbench runs with 50 clients, the anchor for both rows.
const pgbenchTps = { 50: pgbench(values.pg, 50) };
pgbenchTps[200] = pgbenchTps[50];
const pushTps = await pgbenchPush(values.pg, 50);
// The stub's group commit: 16 pushes per call, 4 calls in flight (its default for --db-pool 20).
const BATCH = 16;
const batchPushes = (await pgbenchPush(values.pg, 4, BATCH)) * BATCH;
console.log(
  `anchor bare http: 50 → ${anchors[50].rps.toFixed(0)} req/s, 200 → ${anchors[200].rps.toFixed(0)}; pgbench -N, 50 clients: ${pgbenchTps[50]} tps; pgbench of the push statement, 50 clients: ${pushTps} tps; ` +
    `of outpost_push_batch, ${BATCH} pushes per call, 4 clients: ${batchPushes.toFixed(0)} pushes/s`,
);
rows.push({ name: 'database side of a one-put push (pgbench running outpost_push_writes), 50 clients (anchor: pgbench -N, 50 clients)', browser: 'node', outpost: Math.round(pushTps), raw: Math.round(pgbenchTps[50]), unit: 'tps', runs: 1 });
rows.push({ name: `database side of one-put pushes in group commit (pgbench running outpost_push_batch, ${BATCH} pushes per call, 4 clients) (anchor: pgbench -N, 50 clients)`, browser: 'node', outpost: Math.round(batchPushes), raw: Math.round(pgbenchTps[50]), unit: 'pushes/s', runs: 1 });
const monitor = postgres(values.pg, { max: 1, onnotice: () => undefined });

for (const [label, nodes, pg] of [['SQLite (group commit)', 1, false], ['PostgreSQL, 1 node', 1, true], ['PostgreSQL, 2 nodes', 2, true]]) {
  const db = pg ? await freshDatabase(values.pg) : undefined;
  const target = await startStubs(nodes, db?.url);
  try {
    for (const c of [50, 200]) {
      let before;
      let r;
      for (let attempt = 0; ; attempt++) {
        before = await cpuOf(target, pg && monitor);
        r = await load(target, c);
        // A run so short (--duration 1) on a machine so loaded that no push completed has no
        // per-push figure: run it again, at most twice.
        if (r.pushes > 0 || attempt === 2) break;
      }
      const cpu = cpuPerPush(before, await cpuOf(target, pg && monitor), r.pushes);
      console.log(
        `${label.padEnd(24)} ${String(c).padStart(3)} clients: ${r.rps.toFixed(0).padStart(6)} pushes/s  p50 ${r.p50} ms  p99 ${r.p99} ms  failed ${r.failed}` +
          `  CPU per push: stub ${cpu.stub.toFixed(2)} ms${cpu.backends === undefined ? '' : `, its PostgreSQL backends ${cpu.backends.toFixed(2)} ms`}`,
      );
      rows.push({ name: `stub server CPU per push, ${label}, ${c} clients (Node process${nodes > 1 ? 'es' : ''})`, browser: 'node', outpost: Math.round(cpu.stub * 100) / 100, raw: null, unit: 'ms', runs: 1 });
      if (cpu.backends !== undefined) rows.push({ name: `stub PostgreSQL backend CPU per push, ${label}, ${c} clients`, browser: 'node', outpost: Math.round(cpu.backends * 100) / 100, raw: null, unit: 'ms', runs: 1 });
      const anchorRps = pg ? pgbenchTps[c] : anchors[c].rps;
      rows.push({ name: `stub push throughput, ${label}, ${c} clients, 1 put per push (anchor: ${pg ? `pgbench -N, 50 clients` : 'bare http'})`, browser: 'node', outpost: Math.round(r.rps), raw: Math.round(anchorRps), unit: 'req/s', runs: 1 });
      rows.push({ name: `stub push p50 latency, ${label}, ${c} clients (anchor: bare http)`, browser: 'node', outpost: r.p50, raw: anchors[c].p50, unit: 'ms', runs: 1 });
      rows.push({ name: `stub push p99 latency, ${label}, ${c} clients (anchor: bare http)`, browser: 'node', outpost: r.p99, raw: anchors[c].p99, unit: 'ms', runs: 1 });
      rows.push({ name: `stub push failed requests, ${label}, ${c} clients`, browser: 'node', outpost: r.failed, raw: null, unit: 'requests', runs: 1 });
    }
  } finally {
    await target.stop();
    await db?.drop();
  }
}
await monitor.end();
const poke = await pokeLatency(values.pg, values.quick ? 5 : 40);
console.log(`cross-node poke: p50 ${poke.p50.toFixed(1)} ms, p95 ${poke.p95.toFixed(1)} ms`);
rows.push({ name: 'stub cross-node poke latency p50, PostgreSQL, push on node A → poke on node B', browser: 'node', outpost: Math.round(poke.p50 * 10) / 10, raw: null, unit: 'ms', runs: 1 });
rows.push({ name: 'stub cross-node poke latency p95, PostgreSQL, push on node A → poke on node B', browser: 'node', outpost: Math.round(poke.p95 * 10) / 10, raw: null, unit: 'ms', runs: 1 });
const loadAfter = loadavg()[0];
console.log(`load average (1 min): ${load0.toFixed(2)} before, ${loadAfter.toFixed(2)} after`);
mkdirSync(dirname(values.out), { recursive: true });
writeFileSync(values.out, JSON.stringify({ recordedAt: new Date().toISOString(), loadAverage: { before: load0, after: loadAfter }, rows }, null, 2) + '\n');
console.log(`wrote ${values.out}`);
