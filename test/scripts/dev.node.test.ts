// `npm run dev` (scripts/dev.mjs) on an origin whose browser last ran a production build.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { eventually, freshPage, launchChromium, signIn, startDemoServer } from '../demo-app/e2e-kit.js';

const root = new URL('../..', import.meta.url).pathname;

test('npm run dev after a production build on the same origin: the tab drops the precached shell, runs the dev build and signs in against the seeded server code; live reload moves off port + 1 when another program holds it', async (t) => {
  const prod = await startDemoServer();
  const browser = await launchChromium();
  const tmp = mkdtempSync(join(tmpdir(), 'outpost-dev-'));
  let dev: ReturnType<typeof spawn> | undefined = undefined;
  t.after(async () => {
    await browser.close();
    await prod.dispose();
    if (dev && dev.exitCode === null) {
      const exited = new Promise((r) => dev!.once('exit', r));
      dev.kill('SIGTERM');
      await exited;
    }
    rmSync(tmp, { recursive: true, force: true });
  });

  // The production build, visited until its worker controls the tab and has precached the shell.
  const page = await freshPage(browser);
  await page.goto(`${prod.url}/signin`);
  await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));
  await eventually(() => page.evaluate(() => (navigator.serviceWorker.controller ? true : undefined)), 'the production worker to control the tab');
  assert.ok((await page.evaluate(() => caches.keys())).length > 0, 'the production worker precached the shell');
  await prod.kill();

  // Port + 1, where live reload would go, held by another program (on a busy machine it may be).
  const holder = createServer();
  await new Promise<void>((resolve) => holder.once('error', () => resolve()).listen(prod.port + 1, '127.0.0.1', resolve));
  t.after(() => new Promise<void>((resolve) => (holder.listening ? holder.close(() => resolve()) : resolve())));

  // Dev on the same port (same origin); its own output and data folders.
  dev = spawn(process.execPath, [join(root, 'scripts/dev.mjs'), '--port', String(prod.port), '--data', join(tmp, 'data'), '--out', join(tmp, 'out'), '--seed-size', '5'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  dev.stdout!.setEncoding('utf8').on('data', (s: string) => (output += s));
  dev.stderr!.setEncoding('utf8').on('data', (s: string) => (output += s));
  await eventually(async () => (/listening on/.test(output) ? true : dev!.exitCode !== null ? Promise.reject(new Error(output)) : undefined), `npm run dev to serve on ${prod.url}`, 60_000);
  const devEntry = /<script type="module" src="([^"]+)"/.exec(readFileSync(join(tmp, 'out/demo-app/index.html'), 'utf8'))![1];
  // The dev build's live-reload URL names a port other than the held one, and it streams changes.
  const reloadUrl = /http:\/\/127\.0\.0\.1:(\d+)\/esbuild/.exec(readFileSync(join(tmp, 'out/demo-app', devEntry), 'utf8'));
  assert.ok(reloadUrl, 'the dev entry holds its live-reload URL');
  assert.notEqual(Number(reloadUrl[1]), prod.port + 1);
  const events = new AbortController();
  const stream = await fetch(reloadUrl[0], { headers: { accept: 'text/event-stream' }, signal: events.signal });
  assert.equal(stream.headers.get('content-type'), 'text/event-stream');
  events.abort();

  // The old worker answers this navigation from its precache; the dev origin's /sw.js retires it.
  await page.goto(`${prod.url}/signin`);
  await eventually(async () => {
    const state = await page.evaluate(async () => ({
      controlled: !!navigator.serviceWorker.controller,
      registrations: (await navigator.serviceWorker.getRegistrations()).length,
      caches: (await caches.keys()).length,
      entry: document.querySelector('script[type=module]')?.getAttribute('src'),
    }));
    if (!state.controlled && state.registrations === 0 && state.caches === 0 && state.entry === devEntry) return true;
    // Retried; the last one is in the timeout's message (what the tab still had).
    throw new Error(`the tab has ${JSON.stringify(state)}, the dev entry is ${devEntry}`);
  }, 'the tab to run the dev build with no worker and no precache', 90_000);
  // The dev server runs the app's server code and seed: alice signs in and her inbox has mail.
  await signIn(page, prod.url, 'alice');
  assert.deepEqual(page.errors, []);
});
