#!/usr/bin/env node
// A/B of the demo's cold offline start between checkouts of this repository (say a worktree at
// main and one with a change): each checkout's demo is built with its own build steps and signed
// in on a profile of its own, then the browser is relaunched on the profiles in turn, alternating
// which goes first, --runs times. Prints each start and the medians: first rows painted (maybe
// the snapshot), the store's rows painted, DOMContentLoaded. A difference that a loaded machine
// hides in five starts shows in forty (each takes about a second).
//
// --driver-network both measures each checkout with the driver's network events on and off too.
//
//   node bench/ab-start.mjs --dirs /path/a,/path/b [--size 2000] [--runs 20] [--browser firefox|chromium] [--driver-network off|on|both]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { parseArgs } from 'node:util';
import { firstRowsProbe, storeRowsProbe } from './page-probe.mjs';
import { launch, probePage } from './browsers.mjs';
import { signedInProfile } from './signed-in-profile.mjs';
import { median } from './stats.mjs';

const { values } = parseArgs({ options: { dirs: { type: 'string' }, size: { type: 'string', default: '2000' }, runs: { type: 'string', default: '20' }, browser: { type: 'string', default: 'chromium' }, 'driver-network': { type: 'string', default: 'off' } } });
const dirs = values.dirs?.split(',').filter(Boolean) ?? [];
const modes = { off: [false], on: [true], both: [false, true] }[values['driver-network']];
if (!modes) throw new Error(`ab-start: --driver-network is off, on or both, not '${values['driver-network']}'`);
if (dirs.length * modes.length < 2) throw new Error('ab-start: --dirs needs two or more checkouts, comma-separated, e.g. --dirs /work/main,/tmp/wt-change (or one with --driver-network both)');

const work = mkdtempSync(join(tmpdir(), 'outpost-ab-start-'));
try {
  const variants = [];
  for (const [i, root] of dirs.entries()) {
    const dir = join(work, String(i));
    const site = join(dir, 'site');
    const { buildDemo } = await import(join(root, 'bench/app-builds.mjs'));
    await buildDemo(site);
    const { url, profile } = await signedInProfile({ root, site, dir, size: Number(values.size), browser: values.browser });
    for (const networkEvents of modes) variants.push({ name: `${i}:${basename(root)}${networkEvents ? ' (network events)' : ''}`, url, profile, networkEvents, rows: [], store: [], dcl: [] });
  }
  for (let run = 0; run < Number(values.runs); run++) {
    for (const v of run % 2 ? [...variants].reverse() : variants) {
      const browser = await launch(values.browser, v.profile, { networkEvents: v.networkEvents });
      try {
        const page = await probePage(browser, firstRowsProbe('mail-thread-row') + storeRowsProbe());
        await page.goto(`${v.url}/u/0/inbox`, { waitUntil: 'domcontentloaded' });
        const r = await page.evaluate(async () => ({ rows: await window.__firstRows, store: await window.__storeRows, dcl: performance.getEntriesByType('navigation')[0].domContentLoadedEventEnd, controlled: !!navigator.serviceWorker.controller }));
        if (!r.controlled) throw new Error(`ab-start: ${v.name}'s start was not served by its service worker`);
        v.rows.push(r.rows);
        v.store.push(r.store);
        v.dcl.push(r.dcl);
        console.log(`${run} ${v.name}: rows ${Math.round(r.rows)} ms, store rows ${Math.round(r.store)}, DOMContentLoaded ${Math.round(r.dcl)}`);
      } finally {
        await browser.close();
      }
    }
  }
  for (const v of variants) console.log(`${v.name}: rows median ${Math.round(median(v.rows))} ms (${v.rows.map(Math.round).sort((a, b) => a - b).join(' ')}), store rows ${Math.round(median(v.store))}, DOMContentLoaded ${Math.round(median(v.dcl))}`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
