// Drives Debian's Chromium with puppeteer-core for tests that need more than a test page: closing
// every tab, CDP ServiceWorker and Page domains, several tabs of one app.
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import type { Change } from '../../runtime/protocol/index.js';

const CHROMIUM = process.env.CHROMIUM_BIN ?? '/usr/bin/chromium';
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-quic', '--no-first-run', '--no-default-browser-check'];

export function launchChromium(): Promise<Browser> {
  return puppeteer.launch({ executablePath: CHROMIUM, headless: true, args: ARGS });
}

// waitForFunction polls with requestAnimationFrame by default, which never fires in a background
// tab: the tests poll on a timer so a second tab of the app is checked too.

/** Opens the fixture app (or any Outpost app) and waits until it booted. */
export async function openApp(browser: Browser, url: string): Promise<Page> {
  const page = await browser.newPage();
  await page.goto(url);
  await appReady(page);
  return page;
}

export async function appReady(page: Page): Promise<void> {
  try {
    await page.waitForFunction(() => document.body.dataset.ready === 'true', { timeout: 20_000, polling: 100 });
  } catch (e) {
    const boot = await page.evaluate(() => document.body?.dataset.boot).catch(() => undefined);
    throw new Error(`${page.url()} did not boot (stopped at: ${boot ?? "before the app script ran"}): ${(e as Error).message}`, { cause: e });
  }
}

/** Waits until a service worker controls the page. */
export async function controlled(page: Page): Promise<void> {
  await page.waitForFunction(() => !!navigator.serviceWorker.controller, { timeout: 20_000, polling: 100 });
}

/** Polls `check` until it returns a value that is not undefined (or fails after `ms`). */
export async function eventually<T>(check: () => Promise<T | undefined>, what: string, ms = 20_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const value = await check().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error(`Timed out after ${ms} ms waiting for ${what}.`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** The server's copy of `collection/key` for alice, or undefined. */
export async function serverDoc(url: string, collection: string, key: string): Promise<Change | undefined> {
  const login = await fetch(`${url}/auth/v1/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ user: 'alice', password: 'alice' }) });
  const { token } = (await login.json()) as { token: string };
  let cursor: string | null = null;
  let found: Change | undefined;
  for (;;) {
    const res = await fetch(`${url}/sync/v1/pull`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ protocol: 1, clientId: 'test-reader', cursor, limit: 1000 }) });
    const page = (await res.json()) as { changes: Change[]; cursor: string; hasMore: boolean };
    for (const c of page.changes) if (c.collection === collection && c.key === key) found = c;
    cursor = page.cursor;
    if (!page.hasMore) return found;
  }
}
