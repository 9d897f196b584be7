// cacheMedia in the fixture app's worker (Chromium, puppeteer-core): media the build does not
// know, served by the app's own origin, cached first so they show offline.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'puppeteer-core';
import { StubProcess } from '../../testing/index.js';
import { buildFixtureApp } from './fixture-app.js';
import { appReady, controlled, eventually, launchChromium, openApp } from './browser.js';

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
  let dir: string;
  let stub: StubProcess;
  let url: string;
  let browser: Browser;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'outpost-media-'));
    await buildFixtureApp(dir, 'v1');
    // Added after the build, so not precached: an attachment or avatar the server serves.
    mkdirSync(join(dir, 'media'));
    copyFileSync(join(dir, 'icons', 'icon-192.png'), join(dir, 'media', 'photo.png'));
    stub = new StubProcess({ args: ['--static', dir] });
    url = await stub.start();
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    await stub?.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

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
