// The precache across a deploy, with the new version's install slowed by a proxy (Chromium,
// puppeteer-core): what the running version deletes must never be the new version's files.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'puppeteer-core';
import type { StubProcess } from '../../testing/index.js';
import { buildFixtureApp } from './fixture-app.js';
import { appReady, controlled, eventually, openApp } from './browser.js';
import { HoldProxy } from './hold-proxy.js';
import { serveFixtureApp, serveFixtureAppHeld, type ServedApp } from './served-app.js';

interface FixtureWindow {
  app: { version: string; sw: { applyUpdate(): Promise<void>; version(): Promise<string | undefined> } };
}
declare const window: FixtureWindow & typeof globalThis;

/** The precache keys (path and revision query) of the build in `dir`, read from its sw.js. */
function precacheKeys(dir: string): string[] {
  const sw = readFileSync(join(dir, 'sw.js'), 'utf8');
  const keys = [...sw.matchAll(/\{"revision":(null|"[^"]*"),"url":"([^"]+)"\}/g)].map(([, rev, url]) => `/${url}${rev === 'null' ? '' : `?__WB_REVISION__=${JSON.parse(rev)}`}`);
  assert.ok(keys.length >= 3, `read the precache manifest from sw.js (found ${keys.length} entries)`);
  return keys;
}

const cachedKeys = (page: Page) =>
  page.evaluate(async () => {
    const keys: string[] = [];
    for (const name of await caches.keys()) for (const r of await (await caches.open(name)).keys()) keys.push(new URL(r.url).pathname + new URL(r.url).search);
    return keys;
  });

describe('precache: a deploy while the app is open (Chromium)', () => {
  let app: Awaited<ReturnType<typeof serveFixtureAppHeld>> | undefined;
  let dir: string;
  let stub: StubProcess;
  let proxy: HoldProxy;
  let browser: Browser;

  before(async () => ({ dir, stub, proxy, browser } = app = await serveFixtureAppHeld('outpost-precache-')));
  after(() => app?.close());

  test('a page ready on the running version while the next one installs leaves the next one its files: the app then starts offline on it', async () => {
    const url = proxy.url;
    const page = await openApp(browser, `${url}/`);
    await controlled(page);
    const v1 = precacheKeys(dir);
    for (const f of readdirSync(dir)) rmSync(join(dir, f), { recursive: true, force: true });
    await buildFixtureApp(dir, 'v2');
    const v2 = precacheKeys(dir);
    // The install fetches what v1 lacks, one file at a time: hold the second, so the first is cached.
    const fresh = new Set(v2.filter((k) => !v1.includes(k)).map((k) => k.split('?')[0]));
    assert.ok(fresh.size >= 2, 'v2 has at least two new files (its entry chunk, index.html)');
    let seen = 0;
    const held = proxy.holdWhen((path) => fresh.has(path) && ++seen === 2);
    // Not awaited: the update's promise may wait for the install, which the proxy holds.
    await page.evaluate(() => void navigator.serviceWorker.getRegistration().then((r) => r!.update()));
    await held;

    // A page's CLIENT_READY (it runs v1) reaches v1 meanwhile: its start raced the install, or the
    // message waited for the worker to start. (A page that starts now waits for the install: its
    // registration is the job after it.)
    await page.evaluate(() => navigator.serviceWorker.controller!.postMessage({ type: 'OUTPOST_CLIENT_READY' }));
    // Answered after CLIENT_READY (one page's messages arrive in order): v1 has handled it.
    assert.equal(await page.evaluate(() => window.app.sw.version()), 'v1');
    proxy.release();
    await eventually(() => page.evaluate(async () => ((await navigator.serviceWorker.getRegistration())?.waiting ? true : undefined)), 'v2 to wait');

    const reloaded = page.waitForNavigation({ timeout: 90_000 });
    await page.evaluate(() => window.app.sw.applyUpdate());
    await reloaded;
    await appReady(page);
    assert.equal(await page.evaluate(() => window.app.version), 'v2');
    const cached = await cachedKeys(page);
    assert.deepEqual(v2.filter((k) => !cached.includes(k)), [], 'every file of v2 is in the precache');

    await stub.kill();
    await page.goto(`${url}/inbox`);
    await appReady(page);
    assert.equal(await page.$eval('h1', (h) => h.textContent), 'Fixture v2 at /inbox');
    await page.close();
  });
});

describe('precache: the pages it waits for (Chromium)', () => {
  let served: ServedApp;
  let url: string;
  let browser: Browser;

  before(async () => ({ url, browser } = served = await serveFixtureApp('outpost-precache-pages-')));
  after(() => served?.close());

  test('the worker forgets a closed page once another page says it is ready (it kept every page id for its life)', async () => {
    const first = await openApp(browser, `${url}/`);
    await controlled(first);
    const target = await browser.waitForTarget((t) => t.type() === 'service_worker' && t.url().endsWith('/sw.js'));
    // DevTools attached also keeps the worker (and its memory) alive between the steps.
    const worker = await target.createCDPSession();
    const run = async <T>(expression: string): Promise<T> => ((await worker.send('Runtime.evaluate', { expression, awaitPromise: true, returnByValue: true })).result.value as T);
    /** Whether a Set in the worker's heap holds `id` (queryObjects collects garbage first). */
    const held = async (id: string) => {
      const { result } = await worker.send('Runtime.evaluate', { expression: 'Set.prototype' });
      const { objects } = await worker.send('Runtime.queryObjects', { prototypeObjectId: result.objectId! });
      const { result: found } = await worker.send('Runtime.callFunctionOn', { objectId: objects.objectId!, functionDeclaration: 'function (id) { return this.some((s) => s.has(id)); }', arguments: [{ value: id }], returnByValue: true });
      await worker.send('Runtime.releaseObject', { objectId: objects.objectId! });
      return found.value as boolean;
    };
    const idOf = (path: string) => run<string | undefined>(`clients.matchAll({ type: 'window' }).then((all) => all.find((c) => new URL(c.url).pathname === '${path}')?.id)`);

    const closing = await openApp(browser, `${url}/closing`);
    const closingId = await eventually(() => idOf('/closing'), 'the worker to see the page');
    await eventually(async () => ((await held(closingId)) ? true : undefined), 'the page’s CLIENT_READY to reach the worker');
    await closing.close();
    const next = await openApp(browser, `${url}/next`);
    await eventually(async () => ((await held(closingId)) ? undefined : true), 'the worker to forget the closed page');
    await next.close();
    await first.close();
  });
});

describe('precache: navigations to files (Chromium)', () => {
  let served: ServedApp;
  let url: string;
  let browser: Browser;

  before(async () => {
    ({ url, browser } = served = await serveFixtureApp('outpost-precache-files-', (dir) => {
      // A file the server serves beside the app (an export, an attachment), not in the build.
      mkdirSync(join(dir, 'files'));
      writeFileSync(join(dir, 'files', 'report.txt'), 'the report');
    }));
  });
  after(() => served?.close());

  test('a link to a file the server serves opens the file, not the app shell; an app route (a deep link) still gets the shell', async () => {
    const page = await openApp(browser, `${url}/`);
    await controlled(page);
    const file = await page.goto(`${url}/files/report.txt`);
    assert.equal(await file!.text(), 'the report');
    assert.equal(file!.fromServiceWorker(), false, 'the worker left it to the network');
    const route = await page.goto(`${url}/inbox/thread/42`);
    assert.equal(route!.fromServiceWorker(), true, 'the shell from the worker');
    await appReady(page);
    // The deny-lists see the path and the query: a sync route with a query is the server's still.
    const health = await page.goto(`${url}/healthz?probe=1`);
    assert.equal(health!.fromServiceWorker(), false, 'the sync server answers its route');
    await page.close();
  });

  test('offline, an app route whose query holds a path with a dot (a shared link) opens the app: the dot is not a file extension', async () => {
    const page = await openApp(browser, `${url}/`);
    await controlled(page);
    await served.stub.kill();
    try {
      // A share target's or a redirect's parameter: before, the worker left it to the network, and the browser showed its offline page.
      const shared = await page.goto(`${url}/share?url=https://example.com/posts/hello.html&next=/files/a.b`);
      assert.equal(shared!.fromServiceWorker(), true, 'the shell from the worker');
      await appReady(page);
      assert.equal(await page.$eval('h1', (h) => h.textContent), 'Fixture v1 at /share');
    } finally {
      await served.stub.start();
      await page.close();
    }
  });
});

describe('precache: an older build’s files, and what is not one (Chromium)', () => {
  let served: ServedApp;
  let url: string;
  let browser: Browser;

  before(async () => {
    ({ url, browser } = served = await serveFixtureApp('outpost-precache-query-', (dir) => {
      // An image the server serves beside the app (an avatar, an attachment), not in the build.
      mkdirSync(join(dir, 'files'));
      writeFileSync(join(dir, 'files', 'photo.png'), readFileSync(join(dir, 'icons', 'icon-512.png')));
    }));
  });
  after(() => served?.close());

  test('a request with a query the precache does not hold (a cache-busting `?t=`) gets the server’s answer, not another cached copy of the path', async () => {
    const page = await openApp(browser, `${url}/`);
    await controlled(page);
    // An image the app shows, kept by the media cache; then the server's copies change (a deploy).
    await page.evaluate(() => new Promise((resolve, reject) => Object.assign(new Image(), { onload: resolve, onerror: reject, src: '/files/photo.png' })));
    await eventually(async () => ((await cachedKeys(page)).includes('/files/photo.png') ? true : undefined), 'the media cache to keep the image');
    const manifest = JSON.parse(readFileSync(join(served.dir, 'manifest.webmanifest'), 'utf8')) as { name: string };
    writeFileSync(join(served.dir, 'manifest.webmanifest'), JSON.stringify({ ...manifest, name: 'Changed' }));
    writeFileSync(join(served.dir, 'files', 'photo.png'), readFileSync(join(served.dir, 'icons', 'icon-192.png')));
    writeFileSync(join(served.dir, 'icons', 'icon-192.png'), readFileSync(join(served.dir, 'icons', 'icon-512.png')));

    // An app polling for a new deploy: the precache held the path with its revision.
    assert.equal(await page.evaluate(async () => ((await (await fetch(`/manifest.webmanifest?t=${Date.now()}`)).json()) as { name: string }).name), 'Changed');
    // The media cache held the path without the query; the precache, the icon with its revision.
    const size = (src: string) => page.evaluate((s) => new Promise<number>((resolve, reject) => Object.assign(new Image(), { onload(this: HTMLImageElement) { resolve(this.naturalWidth); }, onerror: reject, src: s })), src);
    assert.equal(await page.evaluate(async () => (await createImageBitmap(await (await fetch('/files/photo.png?fresh')).blob())).width), 192, 'a fetch() of the image gets the server’s');
    assert.equal(await size('/icons/icon-192.png?v=2'), 512, 'an <img> with a new query gets the server’s');
    // The build's own files, asked for as they are, still come from the precache.
    assert.equal(await page.evaluate(async () => ((await (await fetch('/manifest.webmanifest')).json()) as { name: string }).name), manifest.name);
    await page.close();
  });
});
