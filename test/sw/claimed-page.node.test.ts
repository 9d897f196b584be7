// A page loaded on one version and taken over by the next before its ServiceWorkerClient started
// (another tab applied the update while this one booted), in Chromium (puppeteer-core). The boot
// waits at its sign-in request on a gate the test opens, so the take-over lands in that window
// every run.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'puppeteer-core';
import { buildFixtureApp } from './fixture-app.js';
import { appReady, controlled, eventually, openApp } from './browser.js';
import { serveFixtureApp, type ServedApp } from './served-app.js';

interface FixtureWindow {
  app: { version: string; store: { collection(name: string): { delete(key: string): Promise<void> } } };
  openGate(): void;
}
declare const window: FixtureWindow & typeof globalThis;

/** The version the worker controlling `page` reports. */
const controllerVersion = (page: Page) =>
  page.evaluate(
    () =>
      new Promise<string | undefined>((resolve) => {
        const sw = navigator.serviceWorker.controller;
        if (!sw) return resolve(undefined);
        const { port1, port2 } = new MessageChannel();
        port1.onmessage = (e: MessageEvent<{ version?: string }>) => resolve(e.data.version);
        sw.postMessage({ type: 'OUTPOST_GET_VERSION' }, [port2]);
      }),
  );

describe('a page taken over by the next version while it boots (Chromium)', () => {
  let served: ServedApp;
  let url: string;
  let browser: Browser;

  before(async () => ({ url, browser } = served = await serveFixtureApp('outpost-claimed-')));
  after(() => served?.close());

  test('reloads onto the new version rather than telling it that it is ready (the new worker then deleted the old build’s files under a page still running it)', async () => {
    const page = await openApp(browser, `${url}/`);
    await controlled(page);
    // The next boot signs in again: its request waits for the gate, before the client starts.
    await page.evaluate(() => window.app.store.collection('settings').delete('auth'));
    const { identifier } = await page.evaluateOnNewDocument(() => {
      const gate = new Promise((resolve) => (window.openGate = () => resolve(undefined)));
      const fetch = window.fetch;
      window.fetch = (input, init) => (String(input).includes('/auth/v1/login') ? gate.then(() => fetch(input, init)) : fetch(input, init));
    });
    for (const f of readdirSync(served.dir)) rmSync(join(served.dir, f), { recursive: true, force: true });
    await buildFixtureApp(served.dir, 'v2');

    await page.reload({ waitUntil: 'domcontentloaded' });
    await page.removeScriptToEvaluateOnNewDocument(identifier);
    await eventually(async () => ((await page.evaluate(() => document.body.dataset.boot)) === 'creating sync' ? true : undefined), 'the boot to reach the gate');
    assert.equal(await page.$eval('h1', (h) => h.textContent), 'Fixture v1 at /', 'the page boots on v1');
    // What another tab's applyUpdate does: v2 installs, is told to take over, and controls this page.
    await page.evaluate(async () => {
      const reg = (await navigator.serviceWorker.getRegistration())!;
      await reg.update();
      const next = reg.installing ?? reg.waiting;
      // No named function in here: the test's transform would wrap it in a helper the page lacks.
      while (next?.state === 'installing') await new Promise((resolve) => next.addEventListener('statechange', resolve, { once: true }));
      const taken = new Promise((resolve) => navigator.serviceWorker.addEventListener('controllerchange', resolve, { once: true }));
      // Asked again while it waits, as applyUpdate does (a message to a starting worker can be
      // dropped). Nothing is sent to v1 meanwhile: each message to it put off the activation.
      do next?.postMessage({ type: 'SKIP_WAITING' });
      while (!(await Promise.race([taken.then(() => true), new Promise((resolve) => setTimeout(resolve, 2000, false))])));
    });
    assert.equal(await controllerVersion(page), 'v2', 'v2 controls the page');

    const reloaded = page.waitForNavigation({ timeout: 30_000 }).then(() => true, () => false);
    await page.evaluate(() => window.openGate());
    assert.ok(await reloaded, 'the page, still running v1, reloads');
    await appReady(page);
    assert.equal(await page.evaluate(() => window.app.version), 'v2');
    await page.close();
  });
});
