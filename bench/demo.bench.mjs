#!/usr/bin/env node
// Whole-app benchmarks on the demo mail client (Chromium over CDP, Firefox ESR over WebDriver BiDi,
// puppeteer-core), built by
// bench/app-builds.mjs and served by the real stub (in a child process, durable on disk) with the
// demo seed at --size messages per user:
//
// - first sync: sign-in click → all of alice's messages stored, with the UI live; the longest
//   main-thread task meanwhile (bench/longest-task.mjs: Long Tasks API in Chromium, the longest
//   gap between frames in Firefox) and the JS heap after it with the inbox open (Chromium: CDP,
//   after a collection; Firefox exposes no heap figure to the page or to BiDi);
// - cold offline start: the browser relaunched on the same profile with the stub killed (nothing
//   answers on the port, as offline), navigation start → first inbox rows painted; beside a blank
//   Lit page (bench/blank-app) built with the same service-worker blocks and started the same way;
// - interaction on the full mailbox: open a thread, star 1, label 1, archive 1 and 500 threads, search `from:`,
//   `to:`, `subject:`, `label:` and a plain word — from the trusted input event to the frame that
//   paints the result.
//
//   node bench/demo.bench.mjs [--size 50000] [--runs 5] [--many 500] [--many-timeout 300] [--step-timeout 120] [--browsers chromium,firefox] [--out file]
//
// Writes rows { name, browser, browserVersion, outpost, raw, dexie: null, unit, runs } (medians);
// raw is the anchor where there is one (the blank page), else null. Extra per-row fields: `samples`.
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { tsImport } from 'tsx/esm/api';
import { buildBlank, buildDemo } from './app-builds.mjs';
import { fillSignIn, launch as launchBrowser, probePage as probePageOf, storedMessages, waitFor } from './browsers.mjs';
import { firstRowsProbe, selectForLabel, selectNewest, storeRowsProbe } from './page-probe.mjs';
import { startLongestTask } from './longest-task.mjs';
import { median, p95 } from './stats.mjs';

const root = new URL('..', import.meta.url).pathname;
const { values } = parseArgs({ options: { size: { type: 'string', default: '50000' }, runs: { type: 'string', default: '5' }, many: { type: 'string', default: '500' }, 'many-timeout': { type: 'string', default: '300' }, 'step-timeout': { type: 'string', default: '120' }, browsers: { type: 'string', default: 'chromium' }, out: { type: 'string', default: join(root, 'bench/results/demo.json') } } });
const SIZE = Number(values.size);
const RUNS = Number(values.runs);
/** Samples of each one-thread action (archive, star, label 1): their target is a p95 as well as a median. */
const ONE_RUNS = RUNS * 4;
/** Conversations in the bulk archive, and how long (s) it may take before it is recorded as unfinished. */
const MANY = Number(values.many);
const MANY_TIMEOUT_MS = Number(values['many-timeout']) * 1000;
/** How long any other interaction may take before it is recorded as unfinished. */
const STEP_TIMEOUT_MS = Number(values['step-timeout']) * 1000;
const BROWSERS = values.browsers.split(',');

const { StubProcess } = await tsImport('../testing/stub-process.ts', import.meta.url);
const log = (...a) => console.log('demo-bench:', ...a);

const work = mkdtempSync(join(tmpdir(), 'outpost-bench-demo-'));
/** The browser under test (set per pass of the main loop below). */
let KIND = 'chromium';
// The driver's network events are off (see browsers.mjs `launch`, on both sides of every row).
const launch = (profile) => launchBrowser(KIND, profile, { timeoutMs: 600_000 });
const probePage = (browser, extra = '') => probePageOf(browser, extra, 600_000);

/** First visit: the app installs its service worker (and for the demo: sign-in and the first sync). */
async function firstVisit(url, profile, demo) {
  const browser = await launch(profile);
  try {
    const page = await probePage(browser);
    let syncMs = null;
    let longest = null;
    let heapMB = null;
    if (demo) {
      await page.goto(`${url}/signin`);
      const signIn = await fillSignIn(page);
      await page.evaluate(`window.__longest = (${startLongestTask})()`);
      const t0 = Date.now();
      await signIn.click();
      await waitFor(async () => (await storedMessages(page, 'alice')) >= SIZE, `alice's ${SIZE} messages in IndexedDB`);
      syncMs = Date.now() - t0;
      await page.evaluate(() => window.__bench.frameWhen(() => window.__bench.all('mail-thread-row').some(window.__bench.rendered)));
      // Sign-in stays in the page (no navigation), so the probe saw the whole sync.
      longest = await page.evaluate(() => window.__longest?.stop() ?? null);
      if (KIND === 'chromium') {
        const cdp = await page.createCDPSession();
        await cdp.send('HeapProfiler.collectGarbage');
        heapMB = Math.round(((await page.metrics()).JSHeapUsedSize / 2 ** 20) * 10) / 10;
        await cdp.detach();
      }
    } else {
      await page.goto(`${url}/`);
    }
    await waitFor(() => page.evaluate(() => !!navigator.serviceWorker.controller), 'the service worker to control the page', 60_000);
    // Let the worker finish precaching and the app settle before the profile is closed.
    await page.evaluate(() => navigator.serviceWorker.ready);
    await new Promise((r) => setTimeout(r, SIZE >= 10_000 ? 1000 : 200));
    return { syncMs, longest, heapMB };
  } finally {
    await browser.close();
  }
}

/**
 * One cold start: relaunch on the profile, open `path`, time to the first painted `tag` (and with
 * `fromStore`, to the demo's first rows read from its store rather than its snapshot).
 */
async function coldStart(url, profile, path, tag, fromStore = false) {
  const browser = await launch(profile);
  try {
    const page = await probePage(browser, firstRowsProbe(tag) + (fromStore ? storeRowsProbe() : ''));
    await page.goto(`${url}${path}`, { waitUntil: 'domcontentloaded' });
    const rows = await page.evaluate(() => window.__firstRows);
    const storeRows = fromStore ? await page.evaluate(() => window.__storeRows) : undefined;
    const nav = await page.evaluate(() => {
      const n = performance.getEntriesByType('navigation')[0];
      return { controlled: !!navigator.serviceWorker.controller, responseEnd: n?.responseEnd, domContentLoaded: n?.domContentLoadedEventEnd };
    });
    if (!nav.controlled) throw new Error(`${path}: the page was not served by the service worker`);
    return { rows, storeRows, ...nav };
  } finally {
    await browser.close();
  }
}

/** Interaction workloads on the demo, online, with the full mailbox in the store. */
async function interactions(url, profile) {
  const browser = await launch(profile);
  const out = { open: [], archive1: [], archive1Stored: [], star1: [], label1: [], archiveMany: [], archiveManyStored: [], search: [], searchTo: [], searchSubject: [], searchLabel: [], searchWord: [], unfinished: {} };
  try {
    const page = await probePage(browser);
    await page.goto(`${url}/u/0/inbox`);
    await page.evaluate(() => window.__bench.frameWhen(() => window.__bench.all('mail-thread-row').some(window.__bench.rendered)));
    // Let the first pull after the start settle (a small smoke run needs no wait).
    await new Promise((r) => setTimeout(r, SIZE >= 10_000 ? 2000 : 200));
    const inboxRows = () => page.evaluate(() => window.__bench.frameWhen(() => {
      const list = window.__bench.find('mail-thread-list');
      return list?.mailbox.kind === 'system' && window.__bench.all('mail-thread-row').some(window.__bench.rendered);
    }));
    /**
     * Clicks (a real, trusted click) the centre of the element `locate()` returns in the page, once
     * it stays put for two frames: a row scrolled into view can move when the virtualizer measures
     * the rows it just rendered, and a click at its first place could land on the row beside it.
     * A `locate` centres its row once (at the bottom a toast may cover it: a star click at 3k
     * pressed the toast's Undo), then leaves it where it is: centring it at every check hid such a
     * move (a star click of a full run, 01:20 UTC 2026-12-07, landed on the next row).
     */
    const clickOn = async (locate, arg) => {
      // A list still changing (the sync's echo of the last action read back into it) can move the
      // row under the pointer between the last check and the click: first wait until its rows
      // held for ten frames (at most 3 s). The time is taken from the click, not from here.
      await page.evaluate(() => {
        let last;
        let same = 0;
        const held = () => {
          const now = window.__bench.find('mail-thread-list')?.threads;
          same = now === last ? same + 1 : 0;
          last = now;
          return same >= 10;
        };
        return window.__bench.frameWhen(held, 3000).catch(() => {});
      });
      let box = await page.evaluate(locate, arg);
      for (let i = 0; i < 20 && box; i++) {
        await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
        const again = await page.evaluate(locate, arg);
        if (again && again.x === box.x && again.y === box.y) break;
        box = again;
      }
      if (!box) throw new Error(`demo bench: nothing to click (${locate.toString().slice(0, 80)})`);
      await page.mouse.click(box.x, box.y);
    };
    /** Arms a named check (page-probe.mjs `watch`) before the input it times; `timed` awaits it. */
    const watch = (check, arg, timeoutMs = STEP_TIMEOUT_MS) => page.evaluate((name, a, ms) => window.__bench.watch(name, a, ms), check, arg, timeoutMs);
    const archiveButton = () => {
      const b = window.__bench.all('button').find((x) => x.textContent.trim() === 'Archive' && x.closest('.toolbar'));
      const r = b?.getBoundingClientRect();
      return r && { x: r.x + r.width / 2, y: r.y + r.height / 2 };
    };
    // Checks are named (page-probe.mjs `checks`): they run in the page's rAF loop with their argument.
    const GONE = 'gone';
    const GONE_STORED = 'goneStored';

    // A measurement that does not finish within the step timeout is recorded as unfinished and ends
    // its kind (the app stays busy with it, so later samples would measure the backlog).
    const timed = async (kind, watching, timeoutMs = STEP_TIMEOUT_MS) => {
      try {
        const ms = await page.evaluate((id) => window.__bench.watches[id], watching);
        out[kind].push(ms);
        log(`${kind}: ${Math.round(ms)} ms`);
        return true;
      } catch (err) {
        if (!/frameWhen: timed out/.test(err.message)) throw err;
        out.unfinished[kind] = timeoutMs;
        log(`${kind}: unfinished after ${timeoutMs} ms`);
        return false;
      }
    };

    for (let i = 0; i < RUNS; i++) {
      // Open the thread in row i (click), then back to the inbox.
      const opened = await watch('threadOpen');
      await clickOn((n) => {
        const row = window.__bench.all('mail-thread-row')[n];
        window.__bench.centreOnce(row);
        const r = row?.getBoundingClientRect();
        return r && { x: r.x + r.width / 2, y: r.y + r.height / 2 };
      }, i);
      if (!(await timed('open', opened))) break;
      await page.evaluate(() => history.back());
      await inboxRows();
    }
    // Searches: type the query, press Enter. Each kind's query `i` comes from the listed threads.
    const searches = [
      // from:<first name> of a sender in the list (below).
      ['search', null],
      ['searchTo', () => 'to:alice'],
      ['searchSubject', (n) => `subject:${['invoice', 'budget', 'report', 'review', 'notes'][n % 5]}`],
      ['searchLabel', (n) => `label:${['work', 'travel', 'receipts'][n % 3]}`],
      ['searchWord', (n) => ['flight', 'hiring', 'security', 'holiday', 'conference'][n % 5]],
    ];
    for (const [kind, queryOf] of searches) {
      for (let i = 0; i < RUNS; i++) {
        const query = !queryOf
          ? await page.evaluate((n) => {
            const list = window.__bench.find('mail-thread-list');
            const names = list.threads.flatMap((t) => t.senders).filter((s) => s && s !== 'me');
            return `from:${names[(n * 7) % names.length].split(' ')[0].toLowerCase()}`;
          }, i)
          : queryOf(i);
        await clickOn(() => {
          const input = window.__bench.all('input').find((x) => x.type === 'search');
          const r = input?.getBoundingClientRect();
          return r && { x: r.x + r.width / 2, y: r.y + r.height / 2 };
        });
        await page.keyboard.type(query);
        const before = await page.evaluateHandle(() => window.__bench.find('mail-thread-list').threads);
        await page.evaluate((b) => (window.__bench.before = b), before);
        const searched = await watch('searched');
        await page.keyboard.press('Enter');
        const done = await timed(kind, searched);
        await before.dispose();
        if (!done) break;
        await page.evaluate(() => history.back());
        await inboxRows();
      }
    }
    for (let i = 0; i < ONE_RUNS; i++) {
      // Star one conversation: click the star of a listed, unstarred one (its row, scrolled into view).
      const id = await page.evaluate(() => window.__bench.find('mail-thread-list').threads.find((t) => !t.starred)?.threadId);
      if (!id) break;
      const starred = await watch('starred', [id, true]);
      const starredBefore = await page.evaluate(() => window.__bench.find('mail-thread-list').threads.filter((t) => t.starred).map((t) => t.threadId));
      await clickOn((tid) => {
        const row = window.__bench.all('mail-thread-row').find((r) => r.thread?.threadId === tid);
        window.__bench.centreOnce(row);
        const r = row?.shadowRoot.querySelector('.star')?.getBoundingClientRect();
        return r && { x: r.x + r.width / 2, y: r.y + r.height / 2 };
      }, id);
      if (!(await timed('star1', starred))) {
        // What the page showed instead, to tell a lost star from a click elsewhere.
        log(`star1: ${id} now ${await page.evaluate((tid, had) => {
          const list = window.__bench.find('mail-thread-list');
          const row = window.__bench.all('mail-thread-row').find((r) => r.thread?.threadId === tid);
          const now = list.threads.filter((t) => t.starred).map((t) => t.threadId);
          // Starred or unstarred since the click: another row's star took it, or none did.
          const moved = { starred: now.filter((t) => !had.includes(t)), unstarred: had.filter((t) => !now.includes(t)) };
          return JSON.stringify({ listed: list.threads.find((t) => t.threadId === tid)?.starred, row: row?.shadowRoot.querySelector('.row')?.dataset.starred, starredNow: now.length, moved, opened: location.pathname });
        }, id, starredBefore)}`);
        break;
      }
    }
    for (let i = 0; i < ONE_RUNS; i++) {
      // Label one conversation: select one without the first user label, then pick "Add <label>" in
      // the toolbar's Labels menu with the keyboard (focus it, ArrowDown: the change is the input).
      const target = await page.evaluate(selectForLabel);
      if (!target) break;
      const labeled = await watch('labeled', target);
      await page.keyboard.press('ArrowDown');
      if (!(await timed('label1', labeled))) break;
    }
    // Archives last: one that does not finish leaves the app busy for whatever would follow.
    let archived = true;
    for (let i = 0; i < ONE_RUNS && archived; i++) {
      // Archive one conversation: select it, click Archive.
      const one = await page.evaluate(async () => {
        const list = window.__bench.find('mail-thread-list');
        const id = list.threads[0].threadId;
        list.selection = new Set([id]);
        await list.updateComplete;
        return [id];
      });
      // The list takes the rows out before the write commits: also time the store catching up.
      const [gone, stored] = [await watch(GONE, one), await watch(GONE_STORED, one)];
      await clickOn(archiveButton);
      archived = await timed('archive1', gone);
      if (archived) archived = await timed('archive1Stored', stored);
    }
    for (let i = 0; i < Math.min(RUNS, 3) && archived; i++) {
      // The newest MANY conversations selected (as select-all selects what is listed), then Archive.
      // The list reads a page at a time: first list MANY (what scrolling down does), untimed.
      const many = await page.evaluate(selectNewest, MANY);
      if (!many.length) break;
      out.archiveManyCount = many.length;
      const [gone, stored] = [await watch(GONE, many, MANY_TIMEOUT_MS), await watch(GONE_STORED, many, MANY_TIMEOUT_MS)];
      await clickOn(archiveButton);
      archived = await timed('archiveMany', gone, MANY_TIMEOUT_MS);
      if (archived) archived = await timed('archiveManyStored', stored, MANY_TIMEOUT_MS);
    }
    return out;
  } finally {
    await browser.close();
  }
}

const rows = [];
let VERSION = '';
const row = (name, samples, anchor, unit = 'ms') => ({ name, browser: KIND, browserVersion: VERSION, outpost: samples.length ? Math.round(median(samples)) : null, raw: anchor?.length ? Math.round(median(anchor)) : null, dexie: null, unit, runs: samples.length, samples: samples.map(Math.round), ...(anchor?.length ? { anchorSamples: anchor.map(Math.round) } : {}) });
const started = Date.now();
const demoDir = join(work, 'demo');
const blankDir = join(work, 'blank');
await buildDemo(demoDir);
await buildBlank(blankDir);
const demoStub = new StubProcess({ args: ['--app', join(root, 'demo-app/server/app.ts'), '--seed', 'demo', '--seed-size', String(SIZE), '--static', demoDir], dataDir: join(work, 'demo-data'), onStderr: () => {} });
const blankStub = new StubProcess({ args: ['--static', blankDir], dataDir: join(work, 'blank-data'), onStderr: () => {} });
const errors = [];
const notes = [];
try {
 for (KIND of BROWSERS) {
  // Each browser its own profiles; the stubs keep their data (the first browser's archives only
  // move labels: the second syncs as many messages).
  const demoProfile = join(work, `demo-profile-${KIND}`);
  const blankProfile = join(work, `blank-profile-${KIND}`);
  mkdirSync(demoProfile);
  mkdirSync(blankProfile);
  const url = await demoStub.start();
  const blankUrl = await blankStub.start();
  log(`${KIND}: stub seeded with ${SIZE} messages per user, ${Math.round((Date.now() - started) / 1000)} s since the start (incl. builds)`);
  {
    const b = await launch(demoProfile);
    VERSION = await b.version();
    await b.close();
  }
  const first = await firstVisit(url, demoProfile, true);
  rows.push(row(`demo: first sync after sign-in, ${SIZE} messages (click → all stored, UI live)`, [first.syncMs]));
  if (first.longest) rows.push({ ...row(`demo: first sync of ${SIZE} with the inbox open: longest main-thread task (method: see row)`, [first.longest.ms]), method: first.longest.method });
  // Firefox exposes no JS heap figure to the page or to WebDriver BiDi: Chromium only.
  if (first.heapMB !== null) rows.push(row(`demo: JS heap after the first sync of ${SIZE}, inbox open, after a collection`, [first.heapMB], undefined, 'MB'));
  log(`${KIND}: first sync ${first.syncMs} ms, longest task ${JSON.stringify(first.longest)}, heap ${first.heapMB} MB`);
  await firstVisit(blankUrl, blankProfile, false);

  // Offline: both servers gone, nothing listens on their ports.
  await demoStub.kill();
  await blankStub.kill();
  const demo = [];
  const demoStore = [];
  const blank = [];
  const phases = { demo: { responseEnd: [], domContentLoaded: [] }, blank: { responseEnd: [], domContentLoaded: [] } };
  for (let i = 0; i < RUNS; i++) {
    // Alternate which app starts first, so neither always runs on a warmer machine.
    for (const which of i % 2 ? ['blank', 'demo'] : ['demo', 'blank']) {
      const r = which === 'demo' ? await coldStart(url, demoProfile, '/u/0/inbox', 'mail-thread-row', true) : await coldStart(blankUrl, blankProfile, '/', 'blank-row');
      (which === 'demo' ? demo : blank).push(r.rows);
      if (which === 'demo') demoStore.push(r.storeRows);
      phases[which].responseEnd.push(r.responseEnd);
      phases[which].domContentLoaded.push(r.domContentLoaded);
      log(`cold offline start ${which}: rows painted at ${Math.round(r.rows)} ms${which === 'demo' ? `, rows from the store at ${Math.round(r.storeRows)} ms` : ''} (response end ${Math.round(r.responseEnd)} ms, DOMContentLoaded ${Math.round(r.domContentLoaded)} ms)`);
    }
  }
  const phaseMedians = (p) => ({ responseEnd: Math.round(median(p.responseEnd)), domContentLoaded: Math.round(median(p.domContentLoaded)) });
  rows.push({ ...row(`cold offline start, ${SIZE}-message mailbox: navigation → first inbox rows painted (beside: blank Lit page, same SW)`, demo, blank), phases: { outpost: phaseMedians(phases.demo), raw: phaseMedians(phases.blank) } });
  // The rows above may be the last visit's snapshot (outpost/snapshot); these are the store's.
  rows.push(row(`cold offline start, ${SIZE}-message mailbox: navigation → first inbox rows read from the store painted (the row above may paint the last visit's snapshot first)`, demoStore, blank));

  await demoStub.start();
  try {
    const it = await interactions(url, demoProfile);
    // An unfinished kind has no median: `unfinishedAfterMs` says how long it ran (a lower bound).
    const irow = (kind, name) => {
      const r = row(name, it[kind]);
      if (it.unfinished[kind] === undefined) return r;
      notes.push(`${name}: unfinished after ${it.unfinished[kind]} ms`);
      return { ...r, outpost: null, unfinishedAfterMs: it.unfinished[kind] };
    };
    // The p95 of a kind's samples (their 95th percentile, nearest rank); none when it did not finish.
    const p95row = (kind, name) => {
      const r = row(name, it[kind]);
      return { ...r, outpost: it[kind].length && it.unfinished[kind] === undefined ? Math.round(p95(it[kind])) : null };
    };
    rows.push(irow('open', `interaction, ${SIZE} messages: open a thread (click → messages painted)`));
    rows.push(irow('search', `interaction, ${SIZE} messages: search from:<name> (Enter → results painted)`));
    rows.push(irow('searchTo', `interaction, ${SIZE} messages: search to:alice (Enter → results painted)`));
    rows.push(irow('searchSubject', `interaction, ${SIZE} messages: search subject:<word> (Enter → results painted)`));
    rows.push(irow('searchLabel', `interaction, ${SIZE} messages: search label:<user label> (Enter → results painted)`));
    rows.push(irow('searchWord', `interaction, ${SIZE} messages: search a plain word (Enter → results painted)`));
    rows.push(irow('archive1', `interaction, ${SIZE} messages: archive 1 thread (click → list painted without it)`));
    rows.push(p95row('archive1', `interaction, ${SIZE} messages: archive 1 thread (click → list painted without it), p95`));
    rows.push(irow('archive1Stored', `interaction, ${SIZE} messages: archive 1 thread (click → written, and the store's rows painted without it)`));
    rows.push(irow('star1', `interaction, ${SIZE} messages: star 1 thread (click on its star → row painted starred)`));
    rows.push(p95row('star1', `interaction, ${SIZE} messages: star 1 thread (click on its star → row painted starred), p95`));
    rows.push(irow('label1', `interaction, ${SIZE} messages: label 1 thread (Labels menu, ArrowDown → row painted with the label chip)`));
    rows.push(p95row('label1', `interaction, ${SIZE} messages: label 1 thread (Labels menu, ArrowDown → row painted with the label chip), p95`));
    rows.push({
      ...irow('archiveMany', `interaction, ${SIZE} messages: archive ${MANY} threads selected (click → list painted without them)`),
      ...(it.archiveManyCount !== undefined && it.archiveManyCount !== MANY ? { threads: it.archiveManyCount } : {}),
      ...(it.archiveManyCount === undefined ? { skipped: 'archive 1 did not finish' } : {}),
    });
    rows.push({
      ...irow('archiveManyStored', `interaction, ${SIZE} messages: archive ${MANY} threads selected (click → written, and the store's rows painted without them)`),
      ...(it.archiveManyCount === undefined ? { skipped: 'archive 1 did not finish' } : {}),
    });
    log('interactions', JSON.stringify(it));
  } catch (err) {
    // The demo UI is still changing: record what ran and say what did not.
    errors.push(`${KIND} interaction: ${err.message}`);
    console.error(`demo bench: ${KIND} interaction workloads failed: ${err.stack}`);
  }
  await demoStub.kill();
 }
} finally {
  await demoStub.dispose();
  await blankStub.dispose();
  rmSync(work, { recursive: true, force: true });
}
mkdirSync(dirname(values.out), { recursive: true });
writeFileSync(values.out, JSON.stringify({ date: new Date().toISOString(), size: SIZE, errors, notes, rows }, null, 2) + '\n');
console.table(rows.map(({ samples: _s, anchorSamples: _a, ...r }) => r));
log(`done in ${Math.round((Date.now() - started) / 1000)} s`);
if (errors.length) process.exitCode = 1;
