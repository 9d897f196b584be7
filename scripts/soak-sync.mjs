// `npm run test:soak -- [--runs 2000] [--browsers chromium,firefox] [--per-session 50] [--parallel 1]
// [--seed N --path P]`: the sync convergence property for `--runs` runs in each browser, split into
// web-test-runner sessions short enough for its 300 s limit, each with a fresh seed (drawn here and
// printed as the session starts, so even a session stopped from outside can be replayed: `--seed S
// --runs N` runs that session again, `--seed S --path P` one run of it); `--parallel` sessions at a
// time (each its own browser, stub and ports). Prints runs and failures per browser (with a replay
// command and the cause for each failure) and the wall time.
import { spawn } from 'node:child_process';
import { parseArgs } from 'node:util';
import { freePort } from './free-port.mjs';

// Seeds are 32-bit signed: `--seed -704470361`, as the test prints it, would read as an option.
const args = [];
for (const a of process.argv.slice(2)) args.push(/^-\d+$/.test(a) && args.at(-1) === '--seed' ? `${args.pop()}=${a}` : a);
const { values } = parseArgs({
  args,
  options: {
    runs: { type: 'string', default: '2000' },
    browsers: { type: 'string', default: 'chromium,firefox' },
    'per-session': { type: 'string', default: '50' },
    parallel: { type: 'string', default: '1' },
    seed: { type: 'string' },
    path: { type: 'string' },
  },
});
const total = Number(values.runs);
const perSession = Number(values['per-session']);
const parallel = Number(values.parallel);
const browsers = values.browsers.split(',').filter(Boolean);
if (!(total > 0) || !(perSession > 0) || !(parallel > 0)) throw new Error(`soak: --runs, --per-session and --parallel take positive numbers (got ${values.runs}, ${values['per-session']}, ${values.parallel}).`);
if (!browsers.every((b) => b === 'chromium' || b === 'firefox')) throw new Error(`soak: --browsers takes chromium and/or firefox, comma-separated (got '${values.browsers}').`);

async function session(browser, runs, seed, path) {
  // A port of its own: parallel sessions would race for web-test-runner's default one.
  const port = await freePort();
  return new Promise((resolve) => {
    const env = { ...process.env, OUTPOST_BROWSERS: browser, OUTPOST_SOAK_RUNS: String(runs), OUTPOST_TEST_FILES: 'test/runtime/sync/convergence.browser.test.ts' };
    if (seed !== undefined) env.OUTPOST_SOAK_SEED = String(seed);
    if (path !== undefined) env.OUTPOST_SOAK_PATH = path;
    const child = spawn('npx', ['web-test-runner', '--config', 'web-test-runner.config.mjs', '--port', String(port)], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('exit', (code) => resolve({ code, out }));
  });
}

const started = Date.now();
const totals = Object.fromEntries(browsers.map((b) => [b, { runs: 0, failures: 0, sessions: 0 }]));
const replays = [];
// Every session to run, browsers interleaved so a stopped soak has figures for each.
const queue = [];
const sessions = values.seed ? 1 : Math.ceil(total / perSession);
for (let i = 0; i < sessions; i++) {
  // A replay of a path is one run; of a seed alone, the session's runs again.
  for (const browser of browsers) queue.push({ browser, n: values.path ? 1 : values.seed ? total : Math.min(perSession, total - i * perSession), i });
}
const newSeed = () => (Math.random() * 0x100000000) | 0;

async function worker() {
  for (let job = queue.shift(); job; job = queue.shift()) {
    const seed = values.seed ?? String(newSeed());
    console.log(`soak: ${job.browser} session ${job.i + 1} starts: seed=${seed} runs=${job.n}${values.path ? ` path=${values.path}` : ''}`);
    const { code, out } = await session(job.browser, job.n, seed, values.path);
    const t = totals[job.browser];
    t.sessions++;
    // "convergence: runs=N failures=F seed=S" (the runner may print a browser's log twice).
    const lines = [...new Set(out.match(/convergence: runs=\d+ failures=\d+ seed=-?\d+/g) ?? [])];
    for (const line of lines) {
      const [, r, f] = /runs=(\d+) failures=(\d+)/.exec(line);
      t.runs += Number(r);
      t.failures += Number(f);
    }
    // Each failure's replay command, with its cause (a hung run names the step it was stuck on).
    const failures = new Map();
    for (const m of out.matchAll(/Cause: ([^\n]*)[\s\S]*?Replay: (npm run test:soak -- --seed -?\d+ --path \S+)/g)) failures.set(m[2], m[1]);
    for (const m of out.matchAll(/Replay: (npm run test:soak -- --seed -?\d+ --path \S+)/g)) if (!failures.has(m[1])) failures.set(m[1], '(cause not printed)');
    for (const [replay, cause] of failures) {
      replays.push(`${replay} --browsers ${job.browser}\n      cause: ${cause}`);
      console.log(`soak: ${job.browser} session ${job.i + 1} (seed ${seed}) failed: ${cause}\n  replay: ${replay} --browsers ${job.browser}`);
    }
    // A failing run reports itself before shrinking (its first cause; a shrunk one may fail
    // otherwise), and a slow run its slowest step: also what is left of a session stopped meanwhile.
    for (const m of new Set(out.match(/convergence: run \d+ (?:failed|took)[^\n]*/g) ?? [])) console.log(`soak: ${job.browser} session ${job.i + 1} (seed ${seed}): ${m}`);
    if (code !== 0 && !lines.some((l) => /failures=[1-9]/.test(l))) {
      t.failures++;
      const again = `npm run test:soak -- --seed ${seed} --runs ${job.n} --browsers ${job.browser}${values.path ? ` --path ${values.path}` : ''}`;
      replays.push(`${again}\n      (session ${job.i + 1} failed without a counterexample; the end of its output follows)\n${out.slice(-4000)}`);
      console.log(`soak: ${job.browser} session ${job.i + 1} (seed ${seed}) failed without a counterexample (exit ${code}); replay the session: ${again}; the end of its output:\n${out.slice(-2000)}`);
    }
    const minutes = ((Date.now() - started) / 60000).toFixed(1);
    console.log(`soak: ${job.browser} session ${t.sessions}/${sessions}: runs so far ${t.runs}, failures ${t.failures} (${minutes} min)`);
  }
}
await Promise.all(Array.from({ length: parallel }, worker));

for (const [browser, t] of Object.entries(totals)) console.log(`soak: ${browser} runs=${t.runs} failures=${t.failures}`);
console.log(`soak: wall ${((Date.now() - started) / 1000).toFixed(0)} s`);
for (const r of replays) console.log(`soak: replay ${r}`);
process.exit(Object.values(totals).some((t) => t.failures) ? 1 : 0);
