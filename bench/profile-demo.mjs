#!/usr/bin/env node
// CPU profile of one slow path of the demo (an unminified build, so names read), to find what the
// whole-app figures point at. Prints the functions with the most self time and writes the
// .cpuprofile (open it in Chromium DevTools → Performance).
//
//   node bench/profile-demo.mjs [--size 5000] [--action archive|start|open|search|label|star|sync] [--query flight] [--threads 20] [--transactions] [--inclusive] [--out .tmp/demo.cpuprofile]
//
// archive: select the newest --threads conversations, click Archive, profile until they are gone.
// start: reload the inbox (online, service worker in control), profile until the first rows paint.
// open: click the second listed conversation, profile until its messages paint.
// search: type --query in the search box, profile from Enter until the results paint.
// sync: sign in and profile the first sync with the inbox open; also prints the longest busy
// stretches of the main thread (runs of non-idle samples, ≈ long tasks) with what ran in each.
// --trace (with sync): also records a Chromium trace and prints the main thread's tasks ≥ 50 ms
// with the trace events (script, GC, style, layout…) and the sampled functions inside each.
// label / star: the demo bench's label 1 and star 1 thread, profiled until the row paints.
// --inclusive: also prints the functions with the most inclusive time (what ran under what).
// --transactions (archive, open, search, label, star): also prints the page's IndexedDB transactions from the input to
// the paint, created → complete (ms after the input), mode and stores: what waited for what (a
// read-only transaction created after a read-write one over the same stores runs after it commits).
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import puppeteer from 'puppeteer-core';
import { tsImport } from 'tsx/esm/api';
import { buildDemo } from './app-builds.mjs';
import { PAGE_KIT, firstRowsProbe, selectForLabel, selectNewest } from './page-probe.mjs';
import { startLongestTask } from './longest-task.mjs';
import { TRACE_CATEGORIES, longTasks, printInclusive, printLongTasks } from './trace-tasks.mjs';

/** Prints the longest runs of non-idle samples (≈ main-thread tasks) and the top self time in each. */
function printBusy(profile, byId) {
  const stretches = [];
  let cur;
  let t = profile.startTime;
  for (let i = 0; i < profile.samples.length; i++) {
    t += profile.timeDeltas[i] ?? 0;
    const n = byId.get(profile.samples[i]);
    const idle = n.callFrame.functionName === '(idle)';
    if (!idle) {
      cur ??= { start: t, end: t, self: new Map() };
      cur.end = t;
      const f = n.callFrame;
      const key = `${f.functionName || '(anonymous)'} ${f.url.split('/').pop()}:${f.lineNumber + 1}`;
      cur.self.set(key, (cur.self.get(key) ?? 0) + (profile.timeDeltas[i + 1] ?? 0) / 1000);
    } else if (cur) {
      stretches.push(cur);
      cur = undefined;
    }
  }
  if (cur) stretches.push(cur);
  stretches.sort((a, b) => b.end - b.start - (a.end - a.start));
  console.log(`busy stretches ≥ 50 ms: ${stretches.filter((s) => s.end - s.start >= 50_000).length}`);
  for (const s of stretches.slice(0, 8)) {
    console.log(`  ${((s.end - s.start) / 1000).toFixed(0)} ms at +${((s.start - profile.startTime) / 1e6).toFixed(1)} s:`);
    for (const [k, v] of [...s.self].sort((a, b) => b[1] - a[1]).slice(0, 8)) console.log(`    ${v.toFixed(1).padStart(7)} ms  ${k}`);
  }
}

/** Page source: records each IndexedDB transaction's creation, end, mode and stores in `window.__tx`. */
const TRANSACTION_LOG = `(() => {
  const log = (window.__tx = []);
  const transaction = IDBDatabase.prototype.transaction;
  IDBDatabase.prototype.transaction = function (names, mode, options) {
    const tx = transaction.call(this, names, mode, options);
    const e = { stores: [].concat(names).join(','), mode: mode ?? 'readonly', created: performance.now() };
    log.push(e);
    tx.addEventListener('complete', () => (e.end = performance.now()));
    tx.addEventListener('abort', () => ((e.end = performance.now()), (e.aborted = true)));
    return tx;
  };
})();`;

const root = new URL('..', import.meta.url).pathname;
const { values } = parseArgs({ options: { size: { type: 'string', default: '5000' }, action: { type: 'string', default: 'archive' }, threads: { type: 'string', default: '20' }, query: { type: 'string', default: 'flight' }, trace: { type: 'boolean', default: false }, transactions: { type: 'boolean', default: false }, inclusive: { type: 'boolean', default: false }, out: { type: 'string', default: join(root, '.tmp/demo.cpuprofile') } } });
const SIZE = Number(values.size);
const { StubProcess } = await tsImport('../testing/stub-process.ts', import.meta.url);

const work = mkdtempSync(join(tmpdir(), 'outpost-profile-demo-'));
const site = join(work, 'demo');
await buildDemo(site, { minify: false });
const stub = new StubProcess({ args: ['--app', join(root, 'demo-app/server/app.ts'), '--seed', 'demo', '--seed-size', String(SIZE), '--static', site], dataDir: join(work, 'data'), onStderr: () => {} });
const url = await stub.start();
const browser = await puppeteer.launch({ executablePath: process.env.CHROMIUM_BIN ?? '/usr/bin/chromium', headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'], protocolTimeout: 900_000 });
try {
  const page = await browser.newPage();
  await page.setViewport({ width: 1280, height: 800 });
  page.setDefaultTimeout(900_000);
  await page.evaluateOnNewDocument(PAGE_KIT + firstRowsProbe('mail-thread-row') + (values.transactions ? TRANSACTION_LOG : ''));
  await page.goto(`${url}/signin`);
  await page.locator('>>> mail-sign-in >>> input[name=user]').fill('alice');
  await page.locator('>>> mail-sign-in >>> input[name=password]').fill('alice');
  const cdp = await page.createCDPSession();
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: values.action === 'sync' ? 1000 : 200 });
  if (values.action === 'sync') {
    await page.evaluate(`window.__longest = (${startLongestTask})()`);
    if (values.trace) await page.tracing.start({ categories: TRACE_CATEGORIES });
    await cdp.send('Profiler.start');
  }
  const t0 = Date.now();
  await page.locator('>>> mail-sign-in >>> button').click();
  // All of alice's messages stored (the demo seeds --size per user). The other actions wait for
  // it too: the progress bar goes once the list can show, while pages still arrive, and an
  // archive profiled then measured the sync's page writes queued before the list's read.
  {
    await page.waitForFunction(async (size) => {
      const info = (await indexedDB.databases()).find((d) => d.name?.includes('alice') && d.name.includes('mail'));
      if (!info) return false;
      const db = await new Promise((resolve) => { const r = indexedDB.open(info.name); r.onsuccess = () => resolve(r.result); });
      try {
        if (!db.objectStoreNames.contains('messages')) return false;
        return (await new Promise((resolve) => { const r = db.transaction('messages').objectStore('messages').count(); r.onsuccess = () => resolve(r.result); })) >= size;
      } finally {
        db.close();
      }
    }, { polling: 500 }, SIZE);
  }
  // The first sync is done when the progress bar is gone and the list holds every inbox thread.
  await page.waitForFunction(() => !window.__bench.find('outpost-sync-progress')?.shadowRoot?.querySelector('progress'), { polling: 500 });
  await page.evaluate(() => window.__firstRows);
  let ms;
  if (values.action === 'sync') {
    ms = Date.now() - t0;
    console.log(`longest task (page probe): ${JSON.stringify(await page.evaluate(() => window.__longest.stop()))}`);
  } else await new Promise((r) => setTimeout(r, 3000));
  if (values.action === 'sync') {
    // Profiling since the click.
  } else if (values.action === 'open') {
    // Open the second listed conversation (a real click), profile until its messages paint.
    const box = await page.evaluate(() => {
      const r = window.__bench.all('mail-thread-row')[1].getBoundingClientRect();
      return { x: r.x + r.width / 2, y: r.y + r.height / 2 };
    });
    await page.evaluate(() => window.__tx?.splice(0));
    const opened = await page.evaluate(() => window.__bench.watch('threadOpen'));
    await cdp.send('Profiler.start');
    await page.mouse.click(box.x, box.y);
    ms = await page.evaluate((id) => window.__bench.watches[id], opened);
  } else if (values.action === 'search') {
    const box = await page.evaluate(() => {
      const r = window.__bench.all('input').find((x) => x.type === 'search').getBoundingClientRect();
      return { x: r.x + r.width / 2, y: r.y + r.height / 2 };
    });
    await page.mouse.click(box.x, box.y);
    await page.keyboard.type(values.query);
    const before = await page.evaluateHandle(() => window.__bench.find('mail-thread-list').threads);
    await page.evaluate((b) => (window.__bench.before = b), before);
    await page.evaluate(() => window.__tx?.splice(0));
    const searched = await page.evaluate(() => window.__bench.watch('searched'));
    await cdp.send('Profiler.start');
    await page.keyboard.press('Enter');
    ms = await page.evaluate((id) => window.__bench.watches[id], searched);
  } else if (values.action === 'label' || values.action === 'star') {
    // As demo.bench.mjs: label = select a conversation without the first user label, focus the
    // toolbar's Labels menu, ArrowDown; star = click the star of a listed conversation.
    const target = values.action === 'star'
      ? await page.evaluate(() => {
          const row = window.__bench.all('mail-thread-row').find((r) => r.thread && !r.thread.starred);
          const r = row.shadowRoot.querySelector('.star').getBoundingClientRect();
          return { check: 'starred', arg: [row.thread.threadId, true], x: r.x + r.width / 2, y: r.y + r.height / 2 };
        })
      : { check: 'labeled', arg: await page.evaluate(selectForLabel) };
    await page.evaluate(() => window.__tx?.splice(0));
    const painted = await page.evaluate(({ check, arg }) => window.__bench.watch(check, arg), target);
    await cdp.send('Profiler.start');
    if (values.action === 'star') await page.mouse.click(target.x, target.y);
    else await page.keyboard.press('ArrowDown');
    ms = await page.evaluate((id) => window.__bench.watches[id], painted);
  } else if (values.action === 'start') {
    await cdp.send('Profiler.start');
    await page.reload({ waitUntil: 'domcontentloaded' });
    ms = await page.evaluate(() => window.__firstRows);
  } else {
    const ids = await page.evaluate(selectNewest, Number(values.threads));
    const box = await page.evaluate(() => {
      const r = window.__bench.all('button').find((x) => x.textContent.trim() === 'Archive' && x.closest('.toolbar')).getBoundingClientRect();
      return { x: r.x + r.width / 2, y: r.y + r.height / 2 };
    });
    await page.evaluate(() => window.__tx?.splice(0));
    const gone = await page.evaluate((a) => window.__bench.watch('gone', a, 900_000), ids);
    await cdp.send('Profiler.start');
    await page.mouse.click(box.x, box.y);
    ms = await page.evaluate((id) => window.__bench.watches[id], gone);
  }
  const { profile } = await cdp.send('Profiler.stop');
  const trace = values.action === 'sync' && values.trace ? JSON.parse(Buffer.from(await page.tracing.stop()).toString()) : undefined;
  if (trace) writeFileSync(values.out.replace(/\.cpuprofile$/, '') + '.trace.json', JSON.stringify(trace));
  mkdirSync(dirname(values.out), { recursive: true });
  writeFileSync(values.out, JSON.stringify(profile));
  // Self time per function: samples × their intervals, summed by node.
  const self = new Map();
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  for (let i = 0; i < profile.samples.length; i++) {
    const n = byId.get(profile.samples[i]);
    const f = n.callFrame;
    const key = `${f.functionName || '(anonymous)'} ${f.url.split('/').pop()}:${f.lineNumber + 1}`;
    self.set(key, (self.get(key) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
  }
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  if (values.action === 'sync') printBusy(profile, byId);
  if (trace) printLongTasks(longTasks(trace.traceEvents ?? trace, { profile }));
  console.log(`${values.action} (${SIZE} messages): ${Math.round(ms)} ms to the painted result; profile ${Math.round(total)} ms → ${values.out}`);
  if (values.transactions) {
    // Those created before the paint; their times from the input event.
    const log = await page.evaluate((painted) => window.__tx.map((e) => ({ ...e, created: e.created - window.__bench.lastInput, end: e.end === undefined ? undefined : e.end - window.__bench.lastInput })).filter((e) => e.created <= painted), ms);
    console.log(`IndexedDB transactions created from the input to the paint at ${Math.round(ms)} ms (created → complete, ms after the input):`);
    for (const e of log) console.log(`  ${e.created.toFixed(0).padStart(6)} → ${e.end === undefined ? ' (open)' : e.end.toFixed(0).padStart(6)}${e.aborted ? ' aborted' : ''}  ${e.mode.padEnd(9)} ${e.stores}`);
  }
  for (const [k, v] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 25)) console.log(`${v.toFixed(0).padStart(7)} ms ${((v / total) * 100).toFixed(1).padStart(5)} %  ${k}`);
  if (values.inclusive) printInclusive(profile);
} finally {
  await browser.close();
  await stub.dispose();
  rmSync(work, { recursive: true, force: true });
}
