// recoverFromStaleChunk in the fixture app, in Chromium (puppeteer-core), in a tab no service
// worker serves (a first visit, or a browser without one): there a reload needs the server, and
// without it lands on the browser's error page, ending the app.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'puppeteer-core';
import { StubProcess } from '../../../testing/index.js';
import { appReady, controlled, openApp } from '../../sw/browser.js';
import { buildFixtureApp } from '../../sw/fixture-app.js';
import { HoldProxy } from '../../sw/hold-proxy.js';
import { serveFixtureApp, type ServedApp } from '../../sw/served-app.js';

declare const window: { app: { version: string; recover(error: unknown): Promise<boolean> } };

/** A real failed `import()` of a chunk the server does not have, handed to recoverFromStaleChunk. */
const importGone = () => import(`/assets/chunk-GONE${Date.now()}.js`).then(() => 'loaded', (e: unknown) => window.app.recover(e));
/** A real failed `fetch()` of data, handed to recoverFromStaleChunk. */
const fetchData = () => fetch('/api/data.json').then(() => 'fetched', (e: unknown) => window.app.recover(e));

describe('recoverFromStaleChunk without a service worker serving the tab (Chromium)', () => {
  let served: ServedApp;
  let stub: StubProcess;
  let url: string;
  let browser: Browser;

  before(async () => ({ url, browser, stub } = served = await serveFixtureApp('outpost-stale-chunk-')));
  after(() => served?.close());

  async function openUnserved(): Promise<Page> {
    const page = await browser.newPage();
    await page.setBypassServiceWorker(true);
    await page.goto(`${url}/`);
    await appReady(page);
    assert.equal(await page.evaluate(() => !!navigator.serviceWorker.controller), false, 'no worker serves the tab');
    return page;
  }

  test('offline, a chunk or data that fails to load leaves the app running (no reload), and back online a chunk error reloads once', async () => {
    const page = await openUnserved();
    await page.setOfflineMode(true);
    assert.equal(await page.evaluate(importGone), false, 'a chunk that fails offline: no reload');
    assert.equal(await page.evaluate(fetchData), false, 'a failed fetch of data is no chunk error');
    assert.equal(await page.evaluate(() => document.body.dataset.ready), 'true', 'the app still runs');

    await page.setOfflineMode(false);
    const reloaded = page.waitForNavigation();
    await page.evaluate(importGone).catch(() => undefined); // the reload may end the evaluation
    await reloaded;
    await appReady(page);
    await page.close();
  });

  test('with the server down (the device online), a chunk that fails to load leaves the app running', async () => {
    const page = await openUnserved();
    await stub.kill();
    try {
      assert.equal(await page.evaluate(() => navigator.onLine), true);
      assert.equal(await page.evaluate(importGone), false, 'no reload onto the browser’s error page');
      assert.equal(await page.evaluate(() => document.body.dataset.ready), 'true', 'the app still runs');
    } finally {
      await stub.start();
    }
    await page.close();
  });

  test('with no worker registered at all (a browser without them, an app that registers none) and the server down, a chunk that fails to load leaves the app running', async () => {
    const page = await openUnserved();
    await page.evaluate(async () => {
      for (const reg of await navigator.serviceWorker.getRegistrations()) await reg.unregister();
    });
    await stub.kill();
    try {
      // Before, there was no update check to probe the server with: the tab reloaded onto the browser's error page.
      assert.equal(await page.evaluate(importGone), false, 'no reload onto the browser’s error page');
      assert.equal(await page.evaluate(() => document.body.dataset.ready), 'true', 'the app still runs');
    } finally {
      await stub.start();
    }
    await page.close();
  });
});

describe('recoverFromStaleChunk with a worker, a deploy later (Chromium)', () => {
  let served: ServedApp;
  let proxy: HoldProxy;

  before(async () => {
    served = await serveFixtureApp('outpost-stale-chunk-sw-');
    proxy = new HoldProxy(() => served.stub.url);
    await proxy.start();
  });
  after(async () => {
    await proxy?.close();
    await served?.close();
  });

  /** The files of the build in `dir`, as its sw.js's precache manifest names them. */
  const files = (dir: string) => [...readFileSync(join(dir, 'sw.js'), 'utf8').matchAll(/"url":"([^"]+)"/g)].map(([, url]) => `/${url}`);

  test('reloads onto the new version once it installed and took over, not while it still downloads (the tab reloaded onto the old version)', async () => {
    const page = await openApp(served.browser, `${proxy.url}/`);
    await controlled(page);
    const v1 = files(served.dir);
    for (const f of readdirSync(served.dir)) rmSync(join(served.dir, f), { recursive: true, force: true });
    await buildFixtureApp(served.dir, 'v2');
    // A slow network: the new version's install waits on one of its files until the test says so.
    const fresh = new Set(files(served.dir).filter((f) => !v1.includes(f)));
    const held = proxy.holdWhen((path) => fresh.has(path));

    const reloaded = page.waitForNavigation({ timeout: 60_000 });
    const recovering = page.evaluate(importGone).catch(() => undefined); // the reload may end the evaluation
    await held;
    proxy.release();
    await reloaded;
    await recovering;
    await appReady(page);
    assert.equal(await page.evaluate(() => window.app.version), 'v2');
    await page.close();
  });
});
