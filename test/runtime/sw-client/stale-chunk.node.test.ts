// recoverFromStaleChunk in the fixture app, in Chromium (puppeteer-core), in a tab no service
// worker serves (a first visit, or a browser without one): there a reload needs the server, and
// without it lands on the browser's error page, ending the app.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'puppeteer-core';
import { StubProcess } from '../../../testing/index.js';
import { appReady } from '../../sw/browser.js';
import { serveFixtureApp, type ServedApp } from '../../sw/served-app.js';

declare const window: { app: { recover(error: unknown): Promise<boolean> } };

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
