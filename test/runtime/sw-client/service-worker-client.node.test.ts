// ServiceWorkerClient in the fixture app, in Chromium (puppeteer-core): what it keeps alive, read
// from the page's heap (CDP Runtime.queryObjects collects garbage before it counts).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, JSHandle, Page } from 'puppeteer-core';
import { controlled, eventually, openApp } from '../../sw/browser.js';
import { buildFixtureApp } from '../../sw/fixture-app.js';
import { serveFixtureApp, type ServedApp } from '../../sw/served-app.js';

interface Watchable {
  constructor: new (options: object) => Watchable;
}
declare const window: { app: { store: object; sync: Watchable; sw: EventTarget & { offlineReady: boolean; watch(sync: Watchable): () => void; update(): Promise<boolean> } }; announced: number };

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

describe('ServiceWorkerClient: one version after another (Chromium)', () => {
  let served: ServedApp;
  let url: string;
  let browser: Browser;

  before(async () => ({ url, browser } = served = await serveFixtureApp('outpost-sw-client-updates-')));
  after(() => served?.close());

  /** Replaces the deployed build with version `v`. */
  async function deploy(v: string) {
    for (const f of readdirSync(served.dir)) rmSync(join(served.dir, f), { recursive: true, force: true });
    await buildFixtureApp(served.dir, v);
  }

  test('a newer version replacing the one that waits is announced too (update-available fired once per tab, so a banner put off with Later never came back)', async () => {
    const page = await openApp(browser, `${url}/`);
    await controlled(page);
    await page.evaluate(() => {
      window.announced = 0;
      window.app.sw.addEventListener('update-available', () => window.announced++);
    });
    await deploy('v2');
    assert.equal(await page.evaluate(() => window.app.sw.update()), true, 'v2 waits');
    await eventually(async () => ((await page.evaluate(() => window.announced)) === 1 ? true : undefined), 'v2 announced');
    // The user chose Later; v3 (say, the one the server asks for with a 426) replaces v2.
    await deploy('v3');
    assert.equal(await page.evaluate(() => window.app.sw.update()), true, 'v3 waits');
    await eventually(async () => ((await page.evaluate(() => window.announced)) === 2 ? true : undefined), 'v3 announced');
    await page.close();
  });
});

describe('ServiceWorkerClient: offline-ready (Chromium)', () => {
  let served: ServedApp;
  let url: string;
  let browser: Browser;

  before(async () => ({ url, browser } = served = await serveFixtureApp('outpost-sw-client-ready-')));
  after(() => served?.close());

  test('is reported once the worker controls the page, and not for a kill switch, which installs and then removes itself (the app said it works offline, and did not)', async () => {
    const first = await openApp(browser, `${url}/`);
    await controlled(first);
    await eventually(async () => ((await first.evaluate(() => window.app.sw.offlineReady)) ? true : undefined), 'offline-ready on the first visit');
    await first.evaluate(async () => {
      for (const reg of await navigator.serviceWorker.getRegistrations()) await reg.unregister();
    });
    await first.close();

    // A visit while the kill switch is deployed: it installs, activates, and unregisters.
    await buildFixtureApp(served.dir, 'kill', { killSwitch: true });
    const page = await openApp(browser, `${url}/`);
    await eventually(async () => ((await page.evaluate(async () => (await navigator.serviceWorker.getRegistrations()).length)) === 0 ? true : undefined), 'the kill switch to unregister');
    // And its worker gone from the page's registration object: each state it went through (activated too) has been reported to the page.
    await eventually(async () => ((await page.evaluate(() => { const r = (window.app.sw as unknown as { registration: ServiceWorkerRegistration }).registration; return !r.installing && !r.waiting && !r.active; })) ? true : undefined), 'the kill switch worker to be gone');
    assert.equal(await page.evaluate(() => !!navigator.serviceWorker.controller), false);
    assert.equal(await page.evaluate(() => window.app.sw.offlineReady), false, 'not offline-ready: no worker serves the app');
    await page.close();
  });
});

describe('ServiceWorkerClient: offline-ready with a worker that does not claim the page (Chromium)', () => {
  let served: ServedApp;
  let url: string;
  let browser: Browser;

  before(async () => ({ url, browser } = served = await serveFixtureApp('outpost-sw-client-no-claim-', undefined, 'no-claim.sw.ts')));
  after(() => served?.close());

  test('is reported once the first worker is active: the app starts offline from the next load, though this page stays uncontrolled', async () => {
    const page = await openApp(browser, `${url}/`);
    await eventually(async () => ((await page.evaluate(async () => (await navigator.serviceWorker.getRegistration())?.active?.state)) === 'activated' ? true : undefined), 'the worker to activate');
    assert.equal(await page.evaluate(() => !!navigator.serviceWorker.controller), false, 'not claimed');
    await eventually(async () => ((await page.evaluate(() => window.app.sw.offlineReady)) ? true : undefined), 'offline-ready on the first visit');
    await page.close();
  });
});
