// The same-origin requests precacheAppShell's route for older builds' files leaves alone (Chromium,
// puppeteer-core): those an app's own route answers, and calls to the app's API.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'puppeteer-core';
import { buildFixtureApp } from './fixture-app.js';
import { appReady, controlled, openApp } from './browser.js';
import { HoldProxy } from './hold-proxy.js';
import { serveFixtureApp, serveFixtureAppHeld, type ServedApp } from './served-app.js';

interface FixtureWindow {
  app: { version: string; sw: { update(): Promise<boolean>; applyUpdate(): Promise<void> } };
}
declare const window: FixtureWindow & typeof globalThis;

describe('app routes: a route the app registers after precacheAppShell (Chromium)', () => {
  let served: ServedApp;
  let url: string;
  let browser: Browser;

  before(async () => ({ url, browser } = served = await serveFixtureApp('outpost-app-routes-', undefined, 'own-route.sw.ts')));
  after(() => served?.close());

  test('answers the requests it matches (the route for older builds’ files took them all, and sent them to the network)', async () => {
    const page = await openApp(browser, `${url}/`);
    await controlled(page);
    for (const path of ['/own/items', '/own/items.json']) {
      const answer = await page.evaluate(async (path) => {
        const res = await fetch(path);
        return `${res.status} ${await res.text()}`;
      }, path);
      assert.equal(answer, '200 answered by the app’s own route', path);
    }
    await page.close();
  });
});

describe('app routes: a call to the app’s API waiting on the server during an update (Chromium)', () => {
  let app: Awaited<ReturnType<typeof serveFixtureAppHeld>> | undefined;
  let dir: string;
  let proxy: HoldProxy;
  let browser: Browser;

  before(async () => ({ dir, proxy, browser } = app = await serveFixtureAppHeld('outpost-app-api-')));
  after(() => app?.close());

  test('does not hold the new version: applyUpdate reloads the tab on it (the worker proxied the call, and its pending fetch kept the old version active)', async () => {
    const page = await openApp(browser, `${proxy.url}/`);
    await controlled(page);
    // A long poll, or a slow export: the server answers it later.
    const held = proxy.holdWhen((path) => path === '/api/wait');
    await page.evaluate(() => void fetch('/api/wait').catch(() => undefined));
    await held;
    try {
      for (const f of readdirSync(dir)) rmSync(join(dir, f), { recursive: true, force: true });
      await buildFixtureApp(dir, 'v2');
      assert.equal(await page.evaluate(() => window.app.sw.update()), true, 'v2 waits');
      const reloaded = page.waitForNavigation({ timeout: 90_000 });
      await page.evaluate(() => window.app.sw.applyUpdate());
      await reloaded;
      await appReady(page);
      assert.equal(await page.evaluate(() => window.app.version), 'v2');
    } finally {
      proxy.release();
      await page.close();
    }
  });
});
