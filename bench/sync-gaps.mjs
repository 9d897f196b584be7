#!/usr/bin/env node
// Where the demo's longest gaps between frames go during its first sync in Firefox (the demo
// bench's "longest main-thread task" row there, which has no Long Tasks API): signs in on a fresh
// profile under Firefox's own profiler, records every gap between animation frames of --min ms or
// more while the mailbox syncs with the inbox open, then prints the page's main thread in each of
// the --top longest gaps (gecko-profile.mjs: by category, label and JS function). A gap the
// thread spent idle is the machine or the browser's other threads, not the page's work.
//
// --unprofiled: the gaps only, without the profiler (it slows the page ~1.3× at a 1 ms interval).
//
//   node bench/sync-gaps.mjs [--size 20000] [--min 40] [--top 5] [--interval 1] [--unprofiled]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { tsImport } from 'tsx/esm/api';
import { buildDemo } from './app-builds.mjs';
import { fillSignIn, firstSyncDone, launch, probePage } from './browsers.mjs';
import { geckoProfileEnv, printGeckoProfile, readGeckoProfile } from './gecko-profile.mjs';

const root = new URL('..', import.meta.url).pathname;
const { values } = parseArgs({ options: { size: { type: 'string', default: '20000' }, min: { type: 'string', default: '40' }, top: { type: 'string', default: '5' }, interval: { type: 'string', default: '1' }, unprofiled: { type: 'boolean', default: false } } });
const SIZE = Number(values.size);
const { StubProcess } = await tsImport('../testing/stub-process.ts', import.meta.url);

/** Page source: every gap between animation frames of `min` ms or more, in `window.__gaps`. */
const GAPS = (min) => `(() => {
  const gaps = (window.__gaps = []);
  let last = performance.now();
  const tick = (now) => {
    if (now - last >= ${min}) gaps.push({ at: last, ms: now - last });
    last = now;
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
})();`;

const work = mkdtempSync(join(tmpdir(), 'outpost-sync-gaps-'));
const stub = new StubProcess({ args: ['--app', join(root, 'demo-app/server/app.ts'), '--seed', 'demo', '--seed-size', String(SIZE), '--static', join(work, 'demo')], dataDir: join(work, 'data'), onStderr: () => {} });
try {
  await buildDemo(join(work, 'demo'), { minify: false });
  const url = await stub.start();
  const file = join(work, 'gecko.json');
  const browser = await launch('firefox', join(work, 'profile'), { env: values.unprofiled ? undefined : geckoProfileEnv(file, { intervalMs: Number(values.interval), entries: 60_000_000 }) });
  const page = await probePage(browser);
  await page.goto(`${url}/signin`);
  const signIn = await fillSignIn(page);
  await page.evaluate(GAPS(Number(values.min)));
  const clicked = await page.evaluate(() => performance.now());
  await signIn.click();
  await firstSyncDone(page, SIZE);
  const { done, gaps, timeOrigin } = await page.evaluate(() => ({ done: performance.now(), gaps: window.__gaps, timeOrigin: performance.timeOrigin }));
  await browser.close();
  const during = gaps.filter((g) => g.at >= clicked).sort((a, b) => b.ms - a.ms);
  console.log(`first sync of ${SIZE}: ${Math.round(done - clicked)} ms; gaps ≥ ${values.min} ms between frames: ${during.length}`);
  console.log(`  longest: ${during.slice(0, 12).map((g) => `${Math.round(g.ms)} ms at +${((g.at - clicked) / 1000).toFixed(1)} s`).join(', ')}`);
  const profile = values.unprofiled ? undefined : readGeckoProfile(file);
  for (const g of profile ? during.slice(0, Number(values.top)) : []) {
    console.log(`\ngap of ${Math.round(g.ms)} ms at +${((g.at - clicked) / 1000).toFixed(1)} s:`);
    printGeckoProfile(profile, { timeOrigin, from: g.at, until: g.at + g.ms, site: url, top: 10, title: 'the gap', timeline: true });
  }
} finally {
  await stub.dispose();
  rmSync(work, { recursive: true, force: true });
}
