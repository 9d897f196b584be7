#!/usr/bin/env node
// `npm test`: typecheck, lint, build, Node tests, browser tests in Chromium and Firefox, the packages.
// Ends with one plain line for the whole suite: `N passed, N failed, N skipped`.
// `--only node|browser|packages|static` runs one stage; extra arguments after `--` go to that stage.
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, openSync, mkdirSync, readFileSync, readdirSync, statSync, rmSync, existsSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const tmp = join(root, '.tmp');
mkdirSync(tmp, { recursive: true });
const args = process.argv.slice(2);
const only = args.includes('--only') ? args[args.indexOf('--only') + 1] : undefined;
const totals = { passed: 0, failed: 0, skipped: 0 };
/** Failed tests by name, printed again at the very end: CI shows only the log's tail. */
const failures = [];
let stageFailed = false;

function run(label, cmd, cmdArgs, env = {}) {
  console.log(`\n▶ ${label}`);
  const r = spawnSync(cmd, cmdArgs, { stdio: 'inherit', cwd: root, env: { ...process.env, ...env } });
  if (r.status !== 0) {
    console.error(`✖ ${label} failed (exit ${r.status ?? r.signal})`);
    stageFailed = true;
  }
  return r.status === 0;
}

/** Like {@link run}, in the background: output goes to `logFile` and is printed when it ends. */
function runInBackground(label, cmd, cmdArgs, logFile, when = 'output follows the browser tests') {
  console.log(`\n▶ ${label} (in the background; ${when})`);
  // The child writes to the file itself, as it goes: the stages that follow run with spawnSync,
  // which blocks this process's event loop, so output piped through here reached the file only
  // after the browser tests (a stage could not be watched while it ran).
  const log = openSync(logFile, 'w');
  const child = spawn(cmd, cmdArgs, { cwd: root, env: process.env, stdio: ['ignore', log, log] });
  closeSync(log);
  return new Promise((resolve) => {
    child.on('close', (code, signal) => {
      console.log(`\n▶ ${label} (output)`);
      process.stdout.write(readFileSync(logFile, 'utf8'));
      if (code !== 0) {
        console.error(`✖ ${label} failed (exit ${code ?? signal})`);
        stageFailed = true;
      }
      resolve();
    });
  });
}

function files(dir, suffix) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return files(path, suffix);
    return name.endsWith(suffix) ? [path] : [];
  });
}

function addCounts(file, label) {
  if (!existsSync(file)) {
    console.error(`✖ ${label}: no results were written (${file}); counting the stage as one failure.`);
    totals.failed++;
    return;
  }
  const c = JSON.parse(readFileSync(file, 'utf8'));
  totals.passed += c.passed;
  totals.failed += c.failed;
  totals.skipped += c.skipped;
  failures.push(...(c.failures ?? []));
  console.log(`  ${label}: ${c.passed} passed, ${c.failed} failed, ${c.skipped} skipped${c.browsers ? ` (${c.browsers.join(', ')})` : ''}`);
  if (c.slowest?.length) console.log(`  ${label}, slowest files: ${c.slowest.map((f) => `${f.file} ${(f.ms / 1000).toFixed(0)} s`).join('; ')}`);
}

const npx = (bin) => join(root, 'node_modules/.bin', bin);

// Typecheck, lint and build are each mostly one single-threaded process (tsc, eslint, tsc again
// for the declarations): side by side they take about the time of the longest, not the sum.
const first = [];
// better-sqlite3 compiles from source where no prebuilt binary is reachable (CI reaches npm and
// Debian only): about two minutes of one core. `.ci/run` installs with --ignore-scripts, and the
// install scripts run here, beside the stages that do not need them.
if (!existsSync(join(root, 'node_modules/better-sqlite3/build/Release/better_sqlite3.node'))) {
  first.push(runInBackground('install scripts (npm rebuild better-sqlite3 esbuild)', 'npm', ['rebuild', '--foreground-scripts', 'better-sqlite3', 'esbuild'], join(tmp, 'rebuild.log'), 'beside typecheck, lint and build'));
}
if (!only || only === 'static') {
  first.push(runInBackground('typecheck', 'npm', ['run', '--silent', 'typecheck'], join(tmp, 'typecheck.log'), 'beside lint and build'));
  first.push(runInBackground('lint', 'npm', ['run', '--silent', 'lint'], join(tmp, 'lint.log'), 'beside typecheck and build'));
}
if (!only || only === 'build') first.push(runInBackground('build', process.execPath, [join(root, 'scripts/build.mjs')], join(tmp, 'build.log'), 'beside typecheck and lint'));
await Promise.all(first);

// The Node tests and the browser tests run side by side (each is mostly one process waiting on
// browsers and the stub). The Node tests' output is kept and printed after the browser tests so
// the two logs do not interleave.
const nodeOut = join(tmp, 'node-summary.json');
const nodeLog = join(tmp, 'node-tests.log');
let nodeStage;
if (!only || only === 'node') {
  const nodeTests = files(join(root, 'test'), '.node.test.ts');
  rmSync(nodeOut, { force: true });
  const args = [
    '--import', 'tsx',
    // Resolve `outpost/*` self-imports to the TypeScript sources, like the build and wtr do.
    '--conditions=outpost-source',
    '--test',
    '--test-concurrency=1',
    '--test-reporter=spec', '--test-reporter-destination=stdout',
    '--test-reporter=./scripts/node-counting-reporter.mjs', `--test-reporter-destination=${nodeOut}`,
    ...nodeTests,
  ];
  if (only === 'node') run('node tests', process.execPath, args);
  else nodeStage = runInBackground('node tests', process.execPath, args, nodeLog);
}

if (!only || only === 'browser') {
  const out = join(tmp, 'wtr-summary.json');
  rmSync(out, { force: true });
  run('browser tests', npx('web-test-runner'), ['--config', 'web-test-runner.config.mjs'], { OUTPOST_WTR_SUMMARY: out });
  addCounts(out, 'browser');
}

// The packed packages, installed into a fresh app that is built, started offline and tested
// (scripts/test-packages.mjs): one check, run once the browsers are free, beside the Node tests.
if (!only || only === 'packages') {
  if (run('packages (packed, installed, scaffolded, built, offline, tested)', process.execPath, [join(root, 'scripts/test-packages.mjs')])) totals.passed++;
  else totals.failed++;
}

if (nodeStage) await nodeStage;
if (!only || only === 'node') addCounts(nodeOut, 'node');

const failed = totals.failed + (stageFailed && totals.failed === 0 ? 1 : 0);
if (failures.length) console.log(`\nFailed:\n${failures.map((f) => `  ✖ ${f}`).join('\n')}`);
console.log(`\n${totals.passed} passed, ${failed} failed, ${totals.skipped} skipped`);
process.exit(stageFailed || failed ? 1 : 0);
