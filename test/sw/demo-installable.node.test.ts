// The demo as `npm start` serves it (built by the test run's build stage): its service worker
// takes control and Chromium finds it installable (web manifest, icons, worker).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'puppeteer-core';
import { StubProcess } from '../../testing/index.js';
import { controlled, launchChromium } from './browser.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const built = `${root}dist/demo-app`;

describe('the built demo is an installable PWA (Chromium)', () => {
  let stub: StubProcess;
  let url: string;
  let browser: Browser;

  before(async () => {
    assert.ok(existsSync(`${built}/sw.js`) && existsSync(`${root}dist/demo-server/app.js`), 'run `npm run build` first (npm test does)');
    stub = new StubProcess({ args: ['--app', `${root}dist/demo-server/app.js`, '--seed', 'demo', '--seed-size', '20', '--static', built] });
    url = await stub.start();
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    await stub?.dispose();
  });

  test('Page.getInstallabilityErrors is empty once the demo worker controls the page', async () => {
    const page = await browser.newPage();
    await page.goto(`${url}/`);
    await controlled(page);
    const cdp = await page.createCDPSession();
    const { installabilityErrors } = (await cdp.send('Page.getInstallabilityErrors')) as { installabilityErrors: Array<{ errorId: string }> };
    assert.deepEqual(installabilityErrors.map((e) => e.errorId), []);
    const manifest = JSON.parse(readFileSync(`${built}/manifest.webmanifest`, 'utf8')) as { icons: Array<{ sizes: string; purpose?: string }>; display: string };
    assert.equal(manifest.display, 'standalone');
    assert.deepEqual(manifest.icons.map((i) => `${i.sizes}${i.purpose ? ` ${i.purpose}` : ''}`), ['192x192', '512x512', '512x512 maskable']);
    await page.close();
  });

  test('the demo worker precaches the hashed chunks and serves the shell for a deep link with the server down', async () => {
    const page = await browser.newPage();
    await page.goto(`${url}/`);
    await controlled(page);
    const assets = await page.evaluate(async () => {
      const urls: string[] = [];
      for (const name of await caches.keys()) for (const r of await (await caches.open(name)).keys()) urls.push(new URL(r.url).pathname);
      return urls.filter((u) => u.startsWith('/assets/'));
    });
    assert.ok(assets.length >= 1, 'hashed chunks are precached');
    await stub.kill();
    const res = await page.goto(`${url}/u/0/inbox`);
    assert.equal(res?.status(), 200);
    assert.ok(res?.fromServiceWorker(), 'the shell came from the service worker');
    // Nobody is signed in on this page: the router's guard sends it to the sign-in page, a lazy
    // chunk that must come from the precache too.
    await page.waitForFunction(() => !!document.querySelector('#app mail-sign-in')?.shadowRoot?.querySelector('h1'), { timeout: 15_000 });
    assert.equal(new URL(page.url()).pathname, '/signin');
    // A search for an address or a file name ends in a dotted segment, as a file's path does: the
    // demo's routes are all the app's (it links to no file of the server), so it opens offline too.
    for (const search of ['/u/0/search/from%3Aalice%40example.com', '/u/0/search/report.pdf']) {
      const found = await page.goto(`${url}${search}`).catch((e: Error) => assert.fail(`${search} did not open offline: ${e.message}`));
      assert.ok(found?.fromServiceWorker(), `${search}: the shell came from the service worker`);
    }
    await page.close();
    await stub.start();
  });
});
