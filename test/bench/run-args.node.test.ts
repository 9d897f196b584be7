import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const bench = (...args: string[]) => spawnSync(process.execPath, ['bench/run.mjs', ...args], { cwd: root, encoding: 'utf8', timeout: 30_000 });

test('npm run bench refuses a mistyped flag, browser, page or --page-opts with the usage instead of starting a run', () => {
  for (const [args, says] of [
    [['--pagse', 'sync'], /Unknown option '--pagse'/],
    [['--browsers', 'chrome'], /unknown browser 'chrome'.*chromium and\/or firefox/],
    [['--pages', 'stores'], /unknown page 'stores'.*store and\/or sync/],
    [['--pages', 'store', '--page-opts', '{reads:true}'], /--page-opts is not JSON/],
  ] as const) {
    const r = bench(...args);
    assert.equal(r.status, 2, `${args.join(' ')}: exit ${r.status}, ${r.stdout}${r.stderr}`);
    assert.match(r.stderr, says);
    assert.doesNotMatch(r.stdout, /bench:/, 'nothing ran');
  }
});

test('npm run bench -- --help prints the flags and runs nothing', () => {
  const r = bench('--help');
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^usage: npm run bench .*--quick.*--out.*--browsers.*--pages.*--page-opts.*--docs-from/);
});
