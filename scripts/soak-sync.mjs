// `npm run test:soak -- [--runs 5000] [--per-session 100] [--seed N --path P]`: the sync convergence
// property for many runs, split into web-test-runner sessions short enough for its 300 s limit,
// each with a fresh seed. Prints runs and failures (with a replay command for each failure).
import { spawn } from 'node:child_process';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '2000' },
    'per-session': { type: 'string', default: '100' },
    seed: { type: 'string' },
    path: { type: 'string' },
  },
});
const total = Number(values.runs);
const perSession = Number(values['per-session']);
if (!(total > 0) || !(perSession > 0)) throw new Error(`soak: --runs and --per-session take positive numbers (got ${values.runs}, ${values['per-session']}).`);

function session(runs, seed, path) {
  return new Promise((resolve) => {
    const env = { ...process.env, OUTPOST_SOAK_RUNS: String(runs), OUTPOST_TEST_FILES: 'test/runtime/sync/convergence.browser.test.ts' };
    if (seed !== undefined) env.OUTPOST_SOAK_SEED = String(seed);
    if (path !== undefined) env.OUTPOST_SOAK_PATH = path;
    const child = spawn('npx', ['web-test-runner', '--config', 'web-test-runner.config.mjs'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('exit', (code) => resolve({ code, out }));
  });
}

let runs = 0;
let failures = 0;
const replays = [];
const sessions = values.seed ? 1 : Math.ceil(total / perSession);
for (let i = 0; i < sessions; i++) {
  const n = values.seed ? 1 : Math.min(perSession, total - i * perSession);
  const { code, out } = await session(n, values.seed, values.path);
  // One line per browser: "convergence: runs=N failures=F seed=S" (each browser logs it twice at most).
  const lines = [...new Set(out.match(/convergence: runs=\d+ failures=\d+ seed=-?\d+/g) ?? [])];
  for (const line of lines) {
    const [, r, f] = /runs=(\d+) failures=(\d+)/.exec(line);
    runs += Number(r);
    failures += Number(f);
  }
  for (const m of out.matchAll(/Replay: (npm run test:soak -- --seed -?\d+ --path \S+)/g)) replays.push(m[1]);
  if (code !== 0 && !lines.some((l) => /failures=[1-9]/.test(l))) {
    failures++;
    replays.push(`(session ${i + 1} failed without a counterexample; its output follows)\n${out.slice(-4000)}`);
  }
  console.log(`soak: session ${i + 1}/${sessions}: runs so far ${runs}, failures ${failures}`);
}
console.log(`soak: runs=${runs} failures=${failures}`);
for (const r of replays) console.log(`soak: replay ${r}`);
process.exit(failures ? 1 : 0);
