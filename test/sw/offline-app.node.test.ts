// The service worker end to end in Chromium (puppeteer-core + CDP): an app built with the real
// build steps, served by the real stub. Firefox has no CDP ServiceWorker domain or Background
// Sync; docs/offline.md has the browser matrix.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'puppeteer-core';
import { StubProcess } from '../../testing/index.js';
import { buildFixtureApp } from './fixture-app.js';
import { appReady, controlled, eventually, launchChromium, openApp, serverDoc } from './browser.js';

interface FixtureWindow {
  app: {
    version: string;
    lazy: string;
    store: { collection(name: string): { count(): Promise<number>; get(key: string): Promise<unknown> } };
    sync: { put(c: string, v: object): Promise<{ id: number }>; status: { pending: number } };
    recover(error: unknown): Promise<boolean>;
    sw: { update(): Promise<boolean>; applyUpdate(): Promise<void>; requestBackgroundSync(): Promise<boolean>; version(): Promise<string | undefined> };
  };
}
declare const window: FixtureWindow & typeof globalThis;

const version = (page: Page) => page.evaluate(() => window.app.version);
const heading = (page: Page) => page.$eval('h1', (h) => h.textContent);
const precached = (page: Page) =>
  page.evaluate(async () => {
    const urls: string[] = [];
    for (const name of await caches.keys()) for (const r of await (await caches.open(name)).keys()) urls.push(new URL(r.url).pathname);
    return urls;
  });

/** Replaces the deployed build, as a deploy does: old files gone, new ones in place. */
async function deploy(dir: string, v: string, options: { killSwitch?: boolean } = {}) {
  if (!options.killSwitch) for (const f of readdirSync(dir)) rmSync(join(dir, f), { recursive: true, force: true });
  await buildFixtureApp(dir, v, options);
}

describe('service worker: an app built and served for real (Chromium)', () => {
  let dir: string;
  let stub: StubProcess;
  let url: string;
  let browser: Browser;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'outpost-sw-app-'));
    await deploy(dir, 'v1');
    stub = new StubProcess({ args: ['--static', dir] });
    url = await stub.start();
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    await stub?.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  test('after the first visit the app reloads and deep-links with the server down, lazy chunk included', async () => {
    const page = await openApp(browser, `${url}/`);
    await controlled(page);
    assert.equal(await page.evaluate(() => window.app.sw.version()), 'v1');
    await stub.kill();
    await page.reload();
    await appReady(page);
    assert.equal(await heading(page), 'Fixture v1 at /');
    await page.goto(`${url}/inbox/thread/42?q=x`);
    await appReady(page);
    assert.equal(await heading(page), 'Fixture v1 at /inbox/thread/42');
    assert.equal(await page.evaluate(() => window.app.lazy), 'lazy chunk loaded');
    await page.close();
    await stub.start();
  });

  test('Chromium finds the app installable (Page.getInstallabilityErrors is empty)', async () => {
    const page = await openApp(browser, `${url}/`);
    await controlled(page);
    const cdp = await page.createCDPSession();
    const { installabilityErrors } = (await cdp.send('Page.getInstallabilityErrors')) as { installabilityErrors: Array<{ errorId: string }> };
    assert.deepEqual(installabilityErrors.map((e) => e.errorId), []);
    await page.close();
  });

  test('an update from v1 to v2 (with an IndexedDB upgrade) and a pending change: every tab reloads on v2, the change reaches the server once, old precache entries go', async (t) => {
    const a = await openApp(browser, `${url}/`);
    const b = await openApp(browser, `${url}/settings`);
    t.after(() => Promise.all([a.close(), b.close()]));
    await controlled(a);
    await controlled(b);
    const v1Files = (await precached(a)).filter((p) => p.startsWith('/assets/'));
    assert.ok(v1Files.length >= 2, 'v1 precached its entry and lazy chunk');

    await stub.kill();
    await a.evaluate(() => window.app.sync.put('notes', { id: 'queued-during-deploy', text: 'written offline' }));
    assert.equal(await a.evaluate(() => window.app.store.collection('$outbox').count()), 1);

    await deploy(dir, 'v2');
    await stub.start();
    assert.equal(await a.evaluate(() => window.app.sw.update()), true, 'v2 waits');
    const reloaded = (tab: Page, name: string) =>
      // A deadline for a broken update (applyUpdate asks a waiting worker for up to a minute).
      tab.waitForNavigation({ timeout: 90_000 }).catch(async (e: Error) => {
        const state = await tab.evaluate(async () => ({ version: window.app.version, reg: await navigator.serviceWorker.getRegistration().then((r) => ({ active: r?.active?.state, waiting: r?.waiting?.state, installing: r?.installing?.state })), visibility: document.visibilityState })).catch(() => undefined);
        assert.fail(`tab ${name} did not reload on v2 (${JSON.stringify(state)}): ${e.message}`);
      });
    const reloadedA = reloaded(a, 'a');
    const reloadedB = reloaded(b, 'b');
    await a.evaluate(() => window.app.sw.applyUpdate());
    await Promise.all([reloadedA, reloadedB]);
    await appReady(a);
    await appReady(b);
    assert.deepEqual([await version(a), await version(b)], ['v2', 'v2']);
    assert.equal(await heading(b), 'Fixture v2 at /settings');
    // v2 upgraded IndexedDB (schema 2, a migration) although v1 tabs had it open: no deadlock.
    assert.equal(await a.evaluate(async () => ((await window.app.store.collection('settings').get('auth')) as { migratedBy?: string }).migratedBy), 'v2');

    const change = await eventually(() => serverDoc(url, 'notes', 'queued-during-deploy'), 'the queued change on the server');
    assert.equal(change.rev, 1, 'applied exactly once');
    await eventually(async () => ((await a.evaluate(() => window.app.store.collection('$outbox').count())) === 0 ? true : undefined), 'an empty outbox');

    // Both tabs run v2, so the files only v1 had leave the precache (chunks whose content did
    // not change keep their hashed name and stay).
    const v1Only = v1Files.filter((f) => !existsSync(join(dir, f)));
    assert.ok(v1Only.length >= 1, 'v2 changed at least the entry chunk');
    await eventually(async () => {
      const now = await precached(a);
      return v1Only.every((f) => !now.includes(f)) ? true : undefined;
    }, 'v1-only files to leave the precache');
  });

  test('with no page open, a Background Sync event makes the worker push the outbox, once', async () => {
    const page = await openApp(browser, `${url}/`);
    await controlled(page);
    await stub.kill();
    await page.evaluate(() => window.app.sync.put('notes', { id: 'pushed-by-worker', text: 'tab closed before sync' }));
    assert.equal(await page.evaluate(() => window.app.sw.requestBackgroundSync()), true, 'Chromium takes a Background Sync registration');
    await page.close();
    await stub.start();

    const blank = await browser.newPage();
    const cdp = await blank.createCDPSession();
    const registrations: Array<{ registrationId: string; scopeURL: string }> = [];
    cdp.on('ServiceWorker.workerRegistrationUpdated', (e: { registrations: Array<{ registrationId: string; scopeURL: string }> }) => registrations.push(...e.registrations));
    await cdp.send('ServiceWorker.enable');
    const reg = await eventually(async () => registrations.find((r) => r.scopeURL === `${url}/`), 'the app registration');
    assert.equal((await browser.pages()).filter((p) => p.url().startsWith(url)).length, 0, 'no page of the app is open');
    await cdp.send('ServiceWorker.dispatchSyncEvent', { origin: url, registrationId: reg.registrationId, tag: 'outpost-sync', lastChance: false });
    const change = await eventually(() => serverDoc(url, 'notes', 'pushed-by-worker'), 'the worker to push');
    assert.equal(change.rev, 1);
    // Opening the app again finds nothing left to push, and the server still has one copy.
    const again = await openApp(browser, `${url}/`);
    await eventually(async () => ((await again.evaluate(() => window.app.store.collection('$outbox').count())) === 0 ? true : undefined), 'an empty outbox');
    assert.equal((await serverDoc(url, 'notes', 'pushed-by-worker'))!.rev, 1);
    await again.close();
    await blank.close();
  });

  test('a lazy chunk gone after a deploy leads to one update-and-reload, then to the error instead of a reload loop', async () => {
    const page = await openApp(browser, `${url}/`);
    await controlled(page);
    const chunkError = () => window.app.recover(new TypeError('Failed to fetch dynamically imported module: /assets/chunk-GONE1234.js'));
    assert.equal(await page.evaluate(() => window.app.recover(new Error('some other failure'))), false, 'not a chunk error: no reload');
    const reloaded = page.waitForNavigation();
    await page.evaluate(chunkError).catch(() => undefined); // the reload may end the evaluation
    await reloaded;
    await appReady(page);
    assert.equal(await page.evaluate(chunkError), false, 'a second failure within a minute shows the error instead of reloading again');
    await page.close();
  });

  test('the kill switch unregisters the worker and clears its caches, keeping IndexedDB', async () => {
    const page = await openApp(browser, `${url}/`);
    await controlled(page);
    assert.ok((await precached(page)).length > 0);
    await deploy(dir, 'kill', { killSwitch: true });
    const reloaded = page.waitForNavigation();
    await page.evaluate(() => window.app.sw.update());
    await reloaded;
    await appReady(page);
    await eventually(async () => ((await page.evaluate(async () => (await navigator.serviceWorker.getRegistrations()).length)) === 0 ? true : undefined), 'the registration to go');
    assert.deepEqual(await page.evaluate(() => caches.keys()), []);
    assert.ok(await page.evaluate(() => window.app.store.collection('settings').get('auth')), 'IndexedDB kept the sign-in');
    assert.ok(await page.evaluate(() => window.app.store.collection('notes').get('pushed-by-worker')), 'IndexedDB kept the data');
    await page.close();
  });
});
