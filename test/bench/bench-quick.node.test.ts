import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));

test('npm run bench -- --quick runs the store and sync benchmarks in both browsers, the stub benchmarks and the demo benchmarks and writes well-formed rows (timings unchecked)', () => {
  const out = `${root}.tmp/bench-quick-test.json`;
  rmSync(out, { force: true });
  const r = spawnSync(process.execPath, ['bench/run.mjs', '--quick', '--out', out], { cwd: root, encoding: 'utf8', timeout: 900_000 });
  assert.equal(r.status, 0, r.stderr);
  const rows = JSON.parse(readFileSync(out, 'utf8')) as Array<{ name: string; browser: string; section: string; outpost: number; raw: number | null; dexie?: number | null; unit: string; runs: number }>;
  for (const browser of ['chromium', 'firefox']) {
    const mine = rows.filter((x) => x.browser === browser);
    assert.ok(mine.filter((x) => x.section === 'store').length >= 8, `${browser}: store rows`);
    assert.ok(mine.some((x) => x.section === 'store' && x.name.startsWith('relabel ')), `${browser}: the relabel write beside raw and Dexie`);
    assert.ok(mine.some((x) => x.section === 'sync' && x.name.startsWith('initial sync') && typeof x.raw === 'number'), `${browser}: initial sync beside its floor`);
    assert.ok(mine.some((x) => x.section === 'sync' && x.name.includes('label changes in one sync.batch') && typeof x.raw === 'number'), `${browser}: the bulk label change beside its floor`);
    for (const x of mine) {
      // Store rows have all three sides; sync rows have a floor (raw) or none.
      const sides = x.section === 'store' ? (['outpost', 'raw', 'dexie'] as const) : (['outpost'] as const);
      for (const side of sides) assert.ok(typeof x[side] === 'number' && x[side]! >= 0, `${browser} ${x.name}: ${side} = ${x[side]}`);
      // Heap rows are in MB; everything else is a time.
      assert.ok(x.runs >= 1 && (x.unit === 'ms' || (x.unit === 'MB' && x.name.includes('heap'))), `${browser} ${x.name}: ${x.runs} runs of ${x.unit}`);
    }
  }
  assert.ok(rows.some((x) => x.name.startsWith('bundle: outpost core') && x.outpost > 0));
  // The stub rows: push throughput (50 clients) and the 200-client push + pull load, each beside the bare-http anchor.
  const stub = rows.filter((x) => x.section === 'stub');
  assert.ok(stub.some((x) => x.name.startsWith('stub push throughput')), 'stub push rows');
  const load = stub.filter((x) => x.name.startsWith('stub load, 200 clients'));
  assert.ok(load.some((x) => x.unit === 'req/s') && load.some((x) => x.unit === 'MiB'), 'stub load rows: throughput and memory');
  for (const x of stub) {
    // Failed-request counts, the cross-node poke and the CPU spent per push (where a push's time goes)
    // have nothing to stand beside; every other measure does.
    const anchored = x.unit !== 'requests' && !x.name.includes('cross-node poke') && !x.name.includes('CPU per push');
    assert.ok(typeof x.outpost === 'number' && (anchored ? typeof x.raw === 'number' : x.raw === null), `${x.name}: outpost ${x.outpost}, anchor ${x.raw}`);
  }
  assert.ok(stub.some((x) => x.name.startsWith('stub push throughput') && x.name.includes('PostgreSQL')), 'stub push rows on PostgreSQL');
  // The whole-app rows on the built demo: cold offline start beside the blank page, and each interaction.
  const app = rows.filter((x) => x.section === 'app');
  assert.ok(app.some((x) => x.name.startsWith('cold offline start') && typeof x.outpost === 'number' && typeof x.raw === 'number'), 'cold offline start beside the blank Lit page');
  for (const browser of ['chromium', 'firefox']) {
    for (const what of ['first sync after sign-in', 'longest main-thread task', 'open a thread', 'archive 1 thread', 'search from:', 'search to:', 'search subject:', 'search label:', 'search a plain word', 'threads selected']) {
      assert.ok(app.some((x) => x.browser === browser && x.name.includes(what) && typeof x.outpost === 'number'), `demo row in ${browser}: ${what}`);
    }
    assert.ok(app.filter((x) => x.browser === browser).every((x) => typeof (x as { browserVersion?: unknown }).browserVersion === 'string'), `${browser}: every demo row names the browser's version`);
  }
  assert.ok(app.some((x) => x.browser === 'chromium' && x.name.includes('JS heap') && x.unit === 'MB'), 'the JS heap after the first sync (Chromium)');
});
