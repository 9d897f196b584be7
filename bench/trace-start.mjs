#!/usr/bin/env node
// Where the demo's cold offline start goes: the built demo (unminified, so names read) signed in
// and synced once, then the browser relaunched on its profile with the stub killed, --runs times.
// Each start prints a timeline from navigation (ms): the module and chunk fetches (served by the
// service worker), every IndexedDB open and transaction from its creation to `complete`, and the
// frame that first paints a row — what waited for what.
//
// With --profile (Chromium), each start is also CPU-profiled: how much of the time to the rows the
// main thread was busy, and with what JS; with --trace (Chromium), traced: the main thread's tasks
// to the rows, and the trace events inside them by self time (compile, script, style, layout…);
// with --gecko-profile (Firefox), run under Firefox's own profiler: the page's main thread to the
// rows by category, label and JS function (gecko-profile.mjs; every figure ~3× slow under it).
//
//   node bench/trace-start.mjs [--size 10000] [--runs 3] [--browser chromium|firefox] [--profile [--inclusive] | --trace | --gecko-profile] [--keep]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { buildDemo } from './app-builds.mjs';
import { geckoProfileEnv, printGeckoProfile } from './gecko-profile.mjs';
import { firstRowsProbe, storeRowsProbe } from './page-probe.mjs';
import { launch, probePage } from './browsers.mjs';
import { signedInProfile } from './signed-in-profile.mjs';
import { TRACE_CATEGORIES, longTasks, printInclusive } from './trace-tasks.mjs';

const root = new URL('..', import.meta.url).pathname;
const { values } = parseArgs({ options: { size: { type: 'string', default: '10000' }, runs: { type: 'string', default: '3' }, browser: { type: 'string', default: 'chromium' }, profile: { type: 'boolean', default: false }, trace: { type: 'boolean', default: false }, inclusive: { type: 'boolean', default: false }, 'gecko-profile': { type: 'boolean', default: false }, keep: { type: 'boolean', default: false } } });
const SIZE = Number(values.size);
if (values['gecko-profile'] && values.browser !== 'firefox') throw new Error('trace-start: --gecko-profile profiles Firefox; add --browser firefox (or use --profile for Chromium)');

/** Page source: logs IndexedDB opens and transactions (created → complete) in `window.__idb`. */
const IDB_LOG = `(() => {
  const log = (window.__idb = []);
  const open = IDBFactory.prototype.open;
  IDBFactory.prototype.open = function (name, version) {
    const request = open.call(this, name, version);
    const e = { what: 'open ' + name + (version ? ' v' + version : ''), created: performance.now() };
    log.push(e);
    request.addEventListener('success', () => (e.end = performance.now()));
    request.addEventListener('error', () => ((e.end = performance.now()), (e.failed = true)));
    return request;
  };
  const transaction = IDBDatabase.prototype.transaction;
  IDBDatabase.prototype.transaction = function (names, mode, options) {
    const tx = transaction.call(this, names, mode, options);
    const e = { what: (mode ?? 'readonly') + ' ' + [].concat(names).join(','), created: performance.now() };
    log.push(e);
    tx.addEventListener('complete', () => (e.end = performance.now()));
    tx.addEventListener('abort', () => ((e.end = performance.now()), (e.failed = true)));
    return tx;
  };
})();`;


/** Main-thread time from navigation to `until` ms: busy vs idle, and the top self time. */
function printProfile(profile, until, timeOrigin) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map();
  // Profile timestamps are µs on the monotonic clock; timeOrigin is ms on the wall clock: use the
  // first sample as navigation's neighbourhood instead, counting only samples within `until` ms of it.
  let t = profile.startTime;
  let idle = 0;
  let busy = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    t += profile.timeDeltas[i] ?? 0;
    if ((t - profile.startTime) / 1000 > until) break;
    const d = (profile.timeDeltas[i + 1] ?? 0) / 1000;
    const f = byId.get(profile.samples[i]).callFrame;
    const name = `${f.functionName || '(anonymous)'} ${f.url.split('/').pop()}:${f.lineNumber + 1}`;
    if (f.functionName === '(idle)') idle += d;
    else busy += d;
    self.set(name, (self.get(name) ?? 0) + d);
  }
  console.log(`  main thread to the rows: busy ${Math.round(busy)} ms, idle ${Math.round(idle)} ms (from the profile's start, just before navigation; timeOrigin ${Math.round(timeOrigin)})`);
  for (const [k, v] of [...self].filter(([k]) => !k.startsWith('(idle)')).sort((a, b) => b[1] - a[1]).slice(0, 12)) console.log(`    ${v.toFixed(1).padStart(6)} ms  ${k}`);
  if (values.inclusive) printInclusive(profile, until);
}

/** The main thread's tasks from navigation to the rows (`until` ms): their total and what ran inside, by self time. */
function printTrace(all, until) {
  // The page's renderer: the process that parsed the inbox's HTML (a relaunch has other renderers).
  const pid = all.find((e) => e.name === 'ParseHTML' && String(e.args?.beginData?.url ?? '').includes('/u/0/'))?.pid;
  const events = pid === undefined ? all : all.filter((e) => e.pid === pid);
  const nav = events.find((e) => e.name === 'navigationStart' || e.name === 'NavigationTiming')?.ts ?? events.find((e) => e.name === 'TracingStartedInBrowser')?.ts;
  const tasks = longTasks(events, { minMs: 0, origin: nav }).filter((t) => t.at >= 0 && t.at * 1000 <= until);
  const by = new Map();
  for (const t of tasks) for (const [k, v] of t.by) by.set(k, (by.get(k) ?? 0) + v);
  const total = tasks.reduce((sum, t) => sum + t.ms, 0);
  console.log(`  main-thread tasks to the rows: ${tasks.length}, ${Math.round(total)} ms in all (longest ${Math.round(Math.max(0, ...tasks.map((t) => t.ms)))} ms)`);
  for (const [k, v] of [...by].sort((a, b) => b[1] - a[1]).slice(0, 14)) console.log(`    ${v.toFixed(1).padStart(6)} ms  ${k}`);
}

const work = mkdtempSync(join(tmpdir(), 'outpost-trace-start-'));
try {
  const site = join(work, 'demo');
  await buildDemo(site, { minify: false });
  const { url, profile } = await signedInProfile({ root, site, dir: work, size: SIZE, browser: values.browser });
  for (let run = 1; run <= Number(values.runs); run++) {
    const geckoFile = values['gecko-profile'] ? join(work, `gecko-${run}.json`) : undefined;
    const browser = await launch(values.browser, profile, { env: geckoFile && geckoProfileEnv(geckoFile) });
    const p = await probePage(browser, firstRowsProbe('mail-thread-row') + storeRowsProbe() + IDB_LOG);
    const cdp = values.profile ? await p.createCDPSession() : undefined;
    if (cdp) {
      await cdp.send('Profiler.enable');
      await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
      await cdp.send('Profiler.start');
    }
    if (values.trace) await p.tracing.start({ categories: TRACE_CATEGORIES });
    await p.goto(`${url}/u/0/inbox`, { waitUntil: 'domcontentloaded' });
    const rows = await p.evaluate(() => window.__firstRows);
    if (values.trace) printTrace(JSON.parse(new TextDecoder().decode(await p.tracing.stop())).traceEvents, rows);
    if (cdp) printProfile((await cdp.send('Profiler.stop')).profile, rows, await p.evaluate(() => performance.timeOrigin));
    const events = await p.evaluate(() => {
      const n = performance.getEntriesByType('navigation')[0];
      const out = [
        { at: n.responseEnd, what: 'document response end' },
        { at: n.domContentLoadedEventEnd, what: 'DOMContentLoaded' },
        ...performance.getEntriesByType('resource').filter((r) => r.initiatorType !== 'fetch').map((r) => ({ at: r.startTime, end: r.responseEnd, what: `fetch ${new URL(r.name).pathname}` })),
        ...window.__idb.map((e) => ({ at: e.created, end: e.end, what: `${e.what}${e.failed ? ' (failed)' : ''}` })),
      ];
      return out.sort((a, b) => a.at - b.at);
    });
    const storeRows = await p.evaluate(() => window.__storeRows);
    console.log(`\n${values.browser} cold start ${run}: rows painted at ${Math.round(rows)} ms, rows from the store at ${Math.round(storeRows)} ms`);
    for (const e of events.filter((x) => x.at <= rows + 50)) console.log(`  ${String(Math.round(e.at)).padStart(5)} → ${e.end === undefined ? ' open' : String(Math.round(e.end)).padStart(5)}  ${e.what}`);
    const timeOrigin = await p.evaluate(() => performance.timeOrigin);
    // Firefox writes the profile as it quits.
    await browser.close();
    if (geckoFile) printGeckoProfile(geckoFile, { timeOrigin, until: rows, site: url });
  }
} finally {
  if (values.keep) console.log(`kept ${work} (the built demo: ${join(work, 'demo')})`);
  else rmSync(work, { recursive: true, force: true });
}
