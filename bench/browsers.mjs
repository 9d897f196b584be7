// How the whole-app benchmarks and their tools (demo.bench.mjs, trace-start.mjs, ab-start.mjs,
// sync-gaps.mjs) drive Debian's Chromium and Firefox ESR: one launch, one probed page, polling
// waits that work in both (puppeteer's locators time out in Firefox ESR 140, and `waitForFunction`
// compiles its predicate with Function(), which the demo's CSP blocks), and the demo's sign-in.
import puppeteer from 'puppeteer-core';
import { tsImport } from 'tsx/esm/api';
import { PAGE_KIT } from './page-probe.mjs';

const { tolerateScreenOrientation } = await tsImport('../testing/firefox-esr.ts', import.meta.url);

const CHROMIUM = process.env.CHROMIUM_BIN ?? '/usr/bin/chromium';
const FIREFOX = process.env.FIREFOX_BIN ?? '/usr/bin/firefox-esr';
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-quic', '--no-first-run', '--no-default-browser-check'];

/**
 * Launches `kind` ('chromium' or 'firefox') headless on `profile`, `env` added to its environment.
 * The driver's network events are off unless `networkEvents`: nothing here reads them, and with
 * them each request of the page is also reported to puppeteer (WebDriver BiDi network events,
 * observed on Firefox's parent main thread; CDP's Network domain in Chromium), work a person's
 * browser never does, which weighs on the demo's 17 start files more than on the blank page's few
 * (docs/benchmarks.md, 2026-12-06 evening).
 */
export const launch = (kind, profile, { networkEvents = false, env, timeoutMs = 900_000 } = {}) => {
  const driver = { headless: true, userDataDir: profile, protocolTimeout: timeoutMs, networkEnabled: networkEvents, env: { ...process.env, ...env } };
  return kind === 'firefox' ? puppeteer.launch({ ...driver, browser: 'firefox', executablePath: FIREFOX }) : puppeteer.launch({ ...driver, executablePath: CHROMIUM, args: ARGS });
};

/** A page of `browser`, 1280×800, with the probe kit installed (and `extra` source after it). */
export async function probePage(browser, extra = '', timeoutMs = 900_000) {
  const page = tolerateScreenOrientation((await browser.pages())[0] ?? (await browser.newPage()));
  await page.setViewport({ width: 1280, height: 800 });
  page.setDefaultTimeout(timeoutMs);
  await page.evaluateOnNewDocument(PAGE_KIT + extra);
  return page;
}

/** Resolves once `check()` (node-side) resolves truthy, polled every 250 ms; throws after `ms`. */
export async function waitFor(check, what, ms = 900_000) {
  const until = Date.now() + ms;
  for (;;) {
    if (await check().catch(() => false)) return;
    if (Date.now() > until) throw new Error(`bench: timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** The element `selector` matches (`>>>` pierces shadow roots), once it exists (polled, 60 s). */
export async function element(page, selector) {
  let found = null;
  await waitFor(async () => (found = await page.$(selector)) !== null, selector, 60_000);
  return found;
}

/**
 * Types `user`'s demo credentials (the demo's password is the user name) into the sign-in form of
 * `page` and resolves to its button: the caller clicks it, after arming what it measures.
 */
export async function fillSignIn(page, user = 'alice') {
  await (await element(page, '>>> mail-sign-in >>> input[name=user]')).type(user);
  await (await element(page, '>>> mail-sign-in >>> input[name=password]')).type(user);
  return element(page, '>>> mail-sign-in >>> button');
}

/** Page-side (`page.evaluate`): the demo's progress bar is gone and the inbox shows rows. */
const syncShown = () => !window.__bench.find('outpost-sync-progress')?.shadowRoot?.querySelector('progress') && window.__bench.all('mail-thread-row').some(window.__bench.rendered);

/** Messages stored in the page's IndexedDB database whose name mentions `user`. */
export function storedMessages(page, user) {
  return page.evaluate(async (u) => {
    const info = (await indexedDB.databases()).find((d) => d.name?.includes(u) && d.name.includes('mail'));
    if (!info) return 0;
    const db = await new Promise((resolve, reject) => {
      const r = indexedDB.open(info.name);
      r.onsuccess = () => resolve(r.result);
      r.onerror = () => reject(r.error);
    });
    try {
      if (!db.objectStoreNames.contains('messages')) return 0;
      return await new Promise((resolve) => {
        const r = db.transaction('messages').objectStore('messages').count();
        r.onsuccess = () => resolve(r.result);
      });
    } finally {
      db.close();
    }
  }, user);
}

/**
 * Waits until the demo's first sync of `size` messages for `user` is done: all stored, the
 * progress bar gone and rows shown. Rows and no bar alone come with the first pulled page, before
 * the bar shows, so the count is what says the sync ended.
 */
export async function firstSyncDone(page, size, user = 'alice', ms = 900_000) {
  await waitFor(async () => (await storedMessages(page, user)) >= size && (await page.evaluate(syncShown)), `${user}'s ${size} messages stored and the progress bar gone`, ms);
}
