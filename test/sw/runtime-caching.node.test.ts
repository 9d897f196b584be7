// cacheMedia in the fixture app's worker (Chromium, puppeteer-core): media the build does not
// know, served by the app's own origin, cached first so they show offline.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'puppeteer-core';
import { StubProcess } from '../../testing/index.js';
import { appReady, controlled, eventually, openApp } from './browser.js';
import { serveFixtureApp, type ServedApp } from './served-app.js';

/** Whether `src` loads as an image in the page. */
const showsImage = (page: Page, src: string) =>
  page.evaluate(
    (src) =>
      new Promise<boolean>((resolve) => {
        const img = new Image();
        img.onload = () => resolve(true);
        img.onerror = () => resolve(false);
        img.src = src;
      }),
    src,
  );

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
