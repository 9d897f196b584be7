#!/usr/bin/env node
// `node scripts/mutants-sync.mjs [--browsers chromium,firefox] [--runs 100] [--only name]`: proves the
// sync convergence test can fail. Each mutant below breaks the engine or the stub in a way that
// loses or drops a change; the script patches the source in this checkout, runs the convergence
// test (no shrinking: the first failing run is enough), records the seed and how many runs it took,
// and restores the file, also on Ctrl-C. It exits non-zero if the test passes on any mutant.
// It edits files in place: do not run it while other tests run from the same checkout.
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const root = new URL('..', import.meta.url).pathname;
const { values } = parseArgs({
  options: {
    browsers: { type: 'string', default: 'chromium,firefox' },
    runs: { type: 'string', default: '100' },
    only: { type: 'string' },
  },
});

/** Each mutant: the source edits that make it (an exact text and what replaces it). */
const MUTANTS = [
  {
    name: 'engine-acks-5th-put-unsent',
    what: 'the engine acknowledges every 5th put as applied without ever sending it',
    edits: [
      {
        file: 'runtime/sync/cycle.ts',
        find: '      res = await push(c.url, { clientId: c.clientId, mutations: batch.map((e) => e.mutation) }, c.token);',
        replace: `      const g = globalThis;
      const skipped = new Set(batch.filter((e) => e.mutation.name === 'put' && (g.__mutantPuts = (g.__mutantPuts ?? 0) + 1) % 5 === 0).map((e) => e.mutation.id));
      const sent = batch.filter((e) => !skipped.has(e.mutation.id));
      const answered = sent.length ? await push(c.url, { clientId: c.clientId, mutations: sent.map((e) => e.mutation) }, c.token) : { results: [] };
      res = { ...answered, results: batch.map((e) => answered.results.find((r) => r.id === e.mutation.id) ?? { id: e.mutation.id, status: 'applied', rev: (e.mutation.baseRev ?? 0) + 1 }) };`,
      },
    ],
  },
  {
    name: 'stub-acks-7th-put-unwritten',
    what: 'the stub acknowledges every 7th put as applied without writing it',
    edits: [
      // Every push through the general path (the plain-writes fast path would write it).
      { file: 'server-stub/push-writes.ts', find: '  if (!storage.applyWrites) return undefined;', replace: '  return undefined;' },
      {
        file: 'server-stub/push.ts',
        find: "    case 'put':\n      return { id: m.id, status: 'applied', rev: await docs.write(user, m.collection, m.key, m.value) };",
        replace: "    case 'put':\n      if ((globalThis.__mutantPuts = (globalThis.__mutantPuts ?? 0) + 1) % 7 === 0) return { id: m.id, status: 'applied', rev: currentRev + 1 };\n      return { id: m.id, status: 'applied', rev: await docs.write(user, m.collection, m.key, m.value) };",
      },
    ],
  },
  {
    name: 'engine-403-final',
    what: "the engine treats a proxy's HTML 403 as final (drops the mutation)",
    edits: [
      {
        file: 'runtime/sync/transport.ts',
        find: '  if (!p) {\n',
        replace: "  if (s === 403) return new SyncRequestError('request-refused', `${where} (${said}).`, s);\n  if (!p) {\n",
      },
    ],
  },
];

const originals = new Map();
function restore() {
  for (const [file, text] of originals) writeFileSync(join(root, file), text);
  originals.clear();
}
process.on('SIGINT', () => (restore(), process.exit(130)));
process.on('SIGTERM', () => (restore(), process.exit(143)));

function apply(mutant) {
  for (const { file, find, replace } of mutant.edits) {
    const path = join(root, file);
    const text = originals.get(file) ?? readFileSync(path, 'utf8');
    const current = readFileSync(path, 'utf8');
    if (!current.includes(find)) throw new Error(`mutants: ${mutant.name}: ${file} no longer contains the text to patch:\n${find}\nUpdate the mutant in scripts/mutants-sync.mjs to the code as it is now.`);
    originals.set(file, text);
    writeFileSync(path, current.replace(find, replace));
  }
}

function convergence(browser) {
  return new Promise((resolve) => {
    const env = { ...process.env, OUTPOST_BROWSERS: browser, OUTPOST_SOAK_RUNS: values.runs, OUTPOST_SOAK_NO_SHRINK: '1', OUTPOST_TEST_FILES: 'test/runtime/sync/convergence.browser.test.ts' };
    const child = spawn(join(root, 'node_modules/.bin/web-test-runner'), ['--config', 'web-test-runner.config.mjs'], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('exit', (code) => resolve({ code, out }));
  });
}

const results = [];
for (const mutant of MUTANTS.filter((m) => !values.only || m.name === values.only)) {
  for (const browser of values.browsers.split(',')) {
    const started = Date.now();
    let outcome;
    try {
      apply(mutant);
      outcome = await convergence(browser);
    } finally {
      restore();
    }
    const failed = /Convergence failed \(seed (-?\d+), path (\S+)\) after (\d+) runs/.exec(outcome.out);
    const cause = /Cause: ([^\n]*)/.exec(outcome.out)?.[1];
    const seconds = Math.round((Date.now() - started) / 1000);
    const line = failed
      ? `killed: ${mutant.name} in ${browser}: failed at run ${failed[3]} (seed ${failed[1]}, path ${failed[2]}) — ${cause} [${seconds} s]`
      : outcome.code !== 0
        ? `killed?: ${mutant.name} in ${browser}: the session failed without a counterexample (exit ${outcome.code}) [${seconds} s]\n${outcome.out.slice(-3000)}`
        : `SURVIVED: ${mutant.name} in ${browser}: ${values.runs} runs passed [${seconds} s]`;
    console.log(`mutants: ${line}`);
    results.push({ mutant: mutant.name, browser, killed: !!failed });
  }
}
const survived = results.filter((r) => !r.killed);
console.log(`mutants: ${results.length - survived.length} of ${results.length} killed`);
process.exit(survived.length ? 1 : 0);
