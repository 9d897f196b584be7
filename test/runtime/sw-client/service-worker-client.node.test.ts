// ServiceWorkerClient in the fixture app, in Chromium (puppeteer-core): what it keeps alive, read
// from the page's heap (CDP Runtime.queryObjects collects garbage before it counts).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, JSHandle, Page } from 'puppeteer-core';
import { openApp } from '../../sw/browser.js';
import { serveFixtureApp, type ServedApp } from '../../sw/served-app.js';

interface Watchable {
  constructor: new (options: object) => Watchable;
}
declare const window: { app: { store: object; sync: Watchable; sw: { watch(sync: Watchable): () => void } } };

/** How many objects with `prototype` the page's heap holds once garbage is collected. */
async function live(page: Page, prototype: JSHandle): Promise<number> {
  const objects = await page.queryObjects(prototype);
  try {
    return await objects.evaluate((list) => list.length);
  } finally {
    await objects.dispose();
  }
}

describe('ServiceWorkerClient in an app (Chromium)', () => {
  let served: ServedApp;
  let url: string;
  let browser: Browser;

  before(async () => ({ url, browser } = served = await serveFixtureApp('outpost-sw-client-')));
  after(() => served?.close());

  test('a sync engine whose watch() was stopped is let go (the client kept every engine it ever watched)', async () => {
    const page = await openApp(browser, `${url}/`);
    const engine = await page.evaluateHandle(() => Object.getPrototypeOf(window.app.sync) as object);
    const engines = await live(page, engine);
    // An engine watched then stopped, as an app does on a sign-out or an account switch.
    await page.evaluate(() => {
      const engine = new window.app.sync.constructor({ store: window.app.store, url: location.origin, auth: {}, collections: {} });
      window.app.sw.watch(engine)();
    });
    assert.equal(await live(page, engine), engines, 'no engine more than before');
    await page.close();
  });
});
