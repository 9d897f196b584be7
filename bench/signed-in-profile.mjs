// A browser profile holding the built demo signed in and synced, for the tools that relaunch the
// browser on it for cold offline starts (trace-start.mjs, ab-start.mjs): the stub is started on
// the site, alice signs in, and once her mailbox is stored and the service worker controls the
// page the browser and the stub are closed — nothing answers on the site's port after.
import { join } from 'node:path';
import puppeteer from 'puppeteer-core';
import { tsImport } from 'tsx/esm/api';
import { PAGE_KIT } from './page-probe.mjs';

const { StubProcess } = await tsImport('../testing/stub-process.ts', import.meta.url);
const { tolerateScreenOrientation } = await tsImport('../testing/firefox-esr.ts', import.meta.url);

/**
 * Launches Debian's Chromium or Firefox ESR headless on `profile`, with the driver's network
 * events off unless `networkEvents` (demo.bench.mjs `DRIVER` says why), and `env` added to the
 * browser's environment.
 */
export const launch = (browser, profile, { networkEvents = false, env } = {}) =>
  browser === 'firefox'
    ? puppeteer.launch({ browser: 'firefox', executablePath: process.env.FIREFOX_BIN ?? '/usr/bin/firefox-esr', headless: true, userDataDir: profile, protocolTimeout: 900_000, networkEnabled: networkEvents, env: { ...process.env, ...env } })
    : puppeteer.launch({ executablePath: process.env.CHROMIUM_BIN ?? '/usr/bin/chromium', headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run'], userDataDir: profile, protocolTimeout: 900_000, networkEnabled: networkEvents, env: { ...process.env, ...env } });

/** The browser's page, 1280×800, with the probe kit and `extra` page source installed. */
export async function probePage(browser, extra = '') {
  const page = tolerateScreenOrientation((await browser.pages())[0] ?? (await browser.newPage()));
  await page.setViewport({ width: 1280, height: 800 });
  page.setDefaultTimeout(900_000);
  await page.evaluateOnNewDocument(PAGE_KIT + extra);
  return page;
}

/**
 * Serves the built demo at `site` from a stub seeded with `size` messages per user (data in
 * `dir`), signs alice in on a browser profile in `dir` and waits for her first sync. Resolves to
 * the site's URL and the profile, with the stub stopped.
 */
export async function signedInProfile({ root, site, dir, size, browser }) {
  const stub = new StubProcess({ args: ['--app', join(root, 'demo-app/server/app.ts'), '--seed', 'demo', '--seed-size', String(size), '--static', site], dataDir: join(dir, 'data'), onStderr: () => {} });
  const url = await stub.start();
  const profile = join(dir, 'profile');
  const b = await launch(browser, profile);
  try {
    const page = await probePage(b);
    await page.goto(`${url}/signin`);
    // Polled, not puppeteer's locators (in Firefox ESR 140 those wait on frames and time out) nor
    // waitForFunction (it compiles its predicate with Function(), which the demo's CSP blocks).
    const until = async (check, what, ms) => {
      for (const end = Date.now() + ms; !(await page.evaluate(check).catch(() => false)); await new Promise((r) => setTimeout(r, 250))) {
        if (Date.now() > end) throw new Error(`signed-in profile: timed out after ${ms} ms waiting for ${what}`);
      }
    };
    const element = async (selector) => {
      for (const end = Date.now() + 60_000; Date.now() < end; await new Promise((r) => setTimeout(r, 250))) {
        const found = await page.$(selector);
        if (found) return found;
      }
      throw new Error(`signed-in profile: no ${selector} after 60 s`);
    };
    await (await element('>>> mail-sign-in >>> input[name=user]')).type('alice');
    await (await element('>>> mail-sign-in >>> input[name=password]')).type('alice');
    await (await element('>>> mail-sign-in >>> button')).click();
    // Synced: the progress bar is gone and the service worker controls the page.
    await until(() => !!window.__bench.find('mail-thread-row') && !window.__bench.find('outpost-sync-progress')?.shadowRoot?.querySelector('progress'), 'the first sync', 900_000);
    await until(() => !!navigator.serviceWorker.controller, 'the service worker to control the page', 60_000);
    // Let the worker finish precaching and the app settle before the profile is closed.
    await new Promise((r) => setTimeout(r, 2000));
  } finally {
    await b.close();
    await stub.kill();
  }
  return { url, profile };
}
