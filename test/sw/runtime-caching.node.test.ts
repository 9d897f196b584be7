// cacheMedia in the fixture app's worker (Chromium, puppeteer-core): media the build does not
// know, served by the app's own origin, cached first so they show offline.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Browser, Page } from 'puppeteer-core';
import { StubProcess } from '../../testing/index.js';
import { appReady, controlled, eventually, openApp } from './browser.js';
import { serveFixtureApp, type ServedApp } from './served-app.js';

/** Whether `src` loads as an image in the page (a CORS request with `cors`). */
const showsImage = (page: Page, src: string, cors = false) =>
  page.evaluate(
    (src, cors) =>
      new Promise<boolean>((resolve) => {
        const img = new Image();
        if (cors) img.crossOrigin = 'anonymous';
        img.onload = () => resolve(true);
        img.onerror = () => resolve(false);
        img.src = src;
      }),
    src,
    cors,
  );

/** The URLs in the outpost-media cache. */
const mediaCached = (page: Page) => page.evaluate(async () => (await (await caches.open('outpost-media')).keys()).map((r) => r.url));

describe('media cache: the app origin’s own images (Chromium)', () => {
  let served: ServedApp;
  let stub: StubProcess;
  let url: string;
  let browser: Browser;

  before(async () => {
    ({ url, browser, stub } = served = await serveFixtureApp('outpost-media-', (dir) => {
      // Added after the build, so not precached: an attachment or avatar the server serves.
      mkdirSync(join(dir, 'media'));
      copyFileSync(join(dir, 'icons', 'icon-192.png'), join(dir, 'media', 'photo.png'));
    }));
  });
  after(() => served?.close());

  test('an image from the app’s origin seen online shows again offline', async () => {
    const page = await openApp(browser, `${url}/`);
    await controlled(page);
    assert.equal(await showsImage(page, '/media/photo.png'), true, 'the image loads online');
    await eventually(
      async () => ((await page.evaluate(async () => (await (await caches.open('outpost-media')).keys()).map((r) => new URL(r.url).pathname))).includes('/media/photo.png') ? true : undefined),
      'the image in the outpost-media cache',
      10_000,
    );
    await stub.kill();
    await page.reload();
    await appReady(page);
    assert.equal(await showsImage(page, '/media/photo.png'), true, 'the image loads offline');
    await page.close();
  });
});

describe('media cache: what it must not keep (Chromium)', () => {
  let served: ServedApp;
  let url: string;
  let browser: Browser;
  let media: Server;
  let mediaUrl: string;

  before(async () => {
    ({ url, browser } = served = await serveFixtureApp('outpost-media-kept-'));
    // Another origin's images, with CORS: one the server marks as never to be stored (a private
    // attachment), one cached as usual.
    const png = readFileSync(join(served.dir, 'icons', 'icon-192.png'));
    media = createServer((req, res) => {
      const headers = { 'content-type': 'image/png', 'access-control-allow-origin': '*' };
      res.writeHead(200, req.url === '/private.png' ? { ...headers, 'cache-control': 'no-store' } : headers).end(png);
    });
    await new Promise<void>((resolve) => media.listen(0, '127.0.0.1', resolve));
    mediaUrl = `http://127.0.0.1:${(media.address() as AddressInfo).port}`;
  });
  after(async () => {
    media?.closeAllConnections();
    await new Promise((resolve) => media?.close(resolve));
    await served?.close();
  });

  test('an image the server answers with Cache-Control: no-store is not kept, so it does not outlive the session offline', async () => {
    const page = await openApp(browser, `${url}/`);
    await controlled(page);
    assert.equal(await showsImage(page, `${mediaUrl}/private.png`, true), true, 'the private image loads online');
    assert.equal(await showsImage(page, `${mediaUrl}/public.png`, true), true);
    // Put after the private one's (a cache's writes run in order): once it is there, the other had its chance.
    await eventually(async () => ((await mediaCached(page)).includes(`${mediaUrl}/public.png`) ? true : undefined), 'the public image in outpost-media', 10_000);
    assert.deepEqual((await mediaCached(page)).filter((u) => u.includes('private')), []);
    media.closeAllConnections();
    await new Promise((resolve) => media.close(resolve));
    // A new document: the page's own list of images it has shown would answer the same URL again.
    await page.reload();
    await appReady(page);
    assert.equal(await showsImage(page, `${mediaUrl}/public.png`, true), true, 'the public image shows offline');
    assert.equal(await showsImage(page, `${mediaUrl}/private.png`, true), false, 'the private image is gone with the server');
    await page.close();
  });
});
