// An app built with `outpost build --base /my-app/` and served under that path (not at the site's
// root), opened in Chromium (puppeteer-core), then started again with the server gone.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createReadStream, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'puppeteer-core';
// @ts-expect-error -- build scripts are plain JavaScript without declarations.
import { ICONS, writeIcons } from '../../scripts/make-icons.mjs';
import { appReady, controlled, launchChromium, openApp } from './browser.js';

const CLI = fileURLToPath(new URL('../../build-tools/cli.js', import.meta.url));
const FIXTURE = fileURLToPath(new URL('../fixtures/base-app/', import.meta.url));
const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.webmanifest': 'application/manifest+json', '.png': 'image/png' };

/**
 * Serves `dir` under `/my-app/` only, as a host that puts the app beside others does: a path
 * without an extension gets index.html, anything outside /my-app/ is a 404 (and recorded).
 */
function serveUnderBase(dir: string): { server: Server; outside: string[] } {
  const outside: string[] = [];
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    if (!path.startsWith('/my-app/') || path.includes('..')) {
      if (path !== '/favicon.ico') outside.push(path);
      res.writeHead(404).end();
      return;
    }
    let file = join(dir, path.slice('/my-app/'.length));
    if (!existsSync(file) || statSync(file).isDirectory()) {
      if (extname(path)) return void res.writeHead(404).end();
      file = join(dir, 'index.html');
    }
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-cache' });
    createReadStream(file).pipe(res);
  });
  return { server, outside };
}

describe('outpost build --base: an app served under a path of the site (Chromium)', () => {
  let app: string;
  let browser: Browser;
  let server: Server;
  let outside: string[];
  let url: string;

  before(async () => {
    app = mkdtempSync(join(tmpdir(), 'outpost-base-'));
    writeIcons(join(app, 'public/icons'));
    const config = {
      root: FIXTURE,
      html: 'index.html',
      entry: 'main.ts',
      serviceWorker: 'base.sw.ts',
      publicDir: join(app, 'public'),
      outDir: join(app, 'dist'),
      conditions: ['outpost-source'],
      preload: ['lazy.ts'],
      manifest: { name: 'Base fixture', short_name: 'Base', theme_color: '#000000', background_color: '#ffffff', icons: ICONS },
    };
    writeFileSync(join(app, 'outpost.config.js'), `export default ${JSON.stringify(config)};\n`);
    await promisify(execFile)(process.execPath, [CLI, 'build', '--base', '/my-app'], { cwd: app });
    ({ server, outside } = serveUnderBase(join(app, 'dist')));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve));
    rmSync(app, { recursive: true, force: true });
  });

  test('the page, its chunks, the manifest and the worker are all under the base; offline, a deep link starts the app', async () => {
    const dist = join(app, 'dist');
    const html = readFileSync(join(dist, 'index.html'), 'utf8');
    // Were `/assets/…` (the host's root: another app's files, or a 404) and a manifest scoped to `/`.
    assert.match(html, /<script type="module" src="\/my-app\/assets\/main-[A-Z2-7]{8}\.js">/);
    assert.match(html, /<link rel="modulepreload" href="\/my-app\/assets\/[^"]+\.js" \/>/);
    assert.match(html, /<link rel="manifest" href="\/my-app\/manifest\.webmanifest">/);
    const manifest = JSON.parse(readFileSync(join(dist, 'manifest.webmanifest'), 'utf8')) as { start_url: string; scope: string; icons: Array<{ src: string }> };
    assert.deepEqual([manifest.start_url, manifest.scope], ['/my-app/', '/my-app/']);
    assert.match(readFileSync(join(dist, 'sw.js'), 'utf8'), /\.base="\/my-app\/"/, 'import.meta.env.BASE_URL in the worker');
    assert.ok(manifest.icons.every((i) => i.src.startsWith('/my-app/icons/')), manifest.icons.map((i) => i.src).join(', '));

    const page = await openApp(browser, `${url}/my-app/`);
    await controlled(page);
    assert.equal(await page.evaluate(() => document.body.dataset.base), '/my-app/', 'import.meta.env.BASE_URL in the page');
    const registration = await page.evaluate(async () => {
      const r = (await navigator.serviceWorker.getRegistration())!;
      return { scope: new URL(r.scope).pathname, script: new URL(r.active!.scriptURL).pathname };
    });
    assert.deepEqual(registration, { scope: '/my-app/', script: '/my-app/sw.js' });
    assert.deepEqual(outside, [], 'nothing was asked for outside /my-app/');

    // The server gone: the navigation to a deep link gets the shell from the precache (the worker
    // looked for /index.html, which the precache did not hold), and its files load from there too.
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    const response = await page.goto(`${url}/my-app/inbox/42`);
    assert.equal(response!.fromServiceWorker(), true);
    await appReady(page);
    assert.equal(await page.$eval('h1', (h) => h.textContent), 'Lazy chunk at /my-app/inbox/42');
    await page.close();
  });
});
