#!/usr/bin/env node
// `npm run test:packages`: what an app author does, from the packed tarballs. Packs every package
// of this repository, scaffolds an app with the packed create-outpost (as `npm create outpost`
// does), installs the tarballs into it from a fresh project, type-checks and builds it, serves it
// with the packed outpost-stub, visits it once in Chromium, stops the server and reloads (the app
// must start offline, signed in, with its data), follows the guide's next steps (a to-do added
// with the server down syncs once it is back; a second tab shares the changes), then runs the
// app's own tests (`npm test`).
// `npm test` runs it after the browser tests; the static checks of the same packages are
// test/create-outpost/packages.node.test.ts. Run `npm run build` first. KEEP=1 keeps the folder.
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import puppeteer from 'puppeteer-core';

const root = new URL('..', import.meta.url).pathname;
const CHROMIUM = process.env.CHROMIUM_BIN ?? '/usr/bin/chromium';
const work = mkdtempSync(join(outsideAnyProject(), 'outpost-packages-'));
const app = join(work, 'my-app');
const started = Date.now();
const step = (what) => console.log(`▶ ${what} (${((Date.now() - started) / 1000).toFixed(0)} s)`);
const sh = (cmd, args, cwd, env = {}) => execFileSync(cmd, args, { cwd, stdio: 'inherit', env: { ...process.env, ...env } });

/**
 * A temporary folder with no node_modules or package.json above it: Node, TypeScript and esbuild
 * look for packages in every parent folder, so an app made inside this repository (CI points
 * TMPDIR into it) would find what its own install lacks in the repository's node_modules.
 */
function outsideAnyProject() {
  const clean = (dir) => !['node_modules', 'package.json'].some((f) => existsSync(join(dir, f))) && (dirname(dir) === dir || clean(dirname(dir)));
  const found = [tmpdir(), '/tmp', '/var/tmp'].find((d) => existsSync(d) && clean(d));
  if (!found) throw new Error(`test:packages needs a temporary folder outside any npm project; ${tmpdir()}, /tmp and /var/tmp all have node_modules or package.json above them. Point TMPDIR elsewhere.`);
  return found;
}

/** Starts the app's own outpost-stub (from its node_modules) on `port` (0: a free one); resolves with its URL. */
function serve(data, port = 0) {
  const child = spawn(join(app, 'node_modules/.bin/outpost-stub'), ['--static', 'dist', '--port', String(port), '--data', data, '--users', 'alice:alice'], { cwd: app, stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    child.on('exit', (code) => reject(new Error(`outpost-stub exited (${code}) before listening`)));
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk) => {
      const m = /listening on (http:\/\/\S+)/.exec(chunk);
      if (m) resolve({ url: m[1], stop: () => new Promise((r) => (child.once('exit', r), child.kill('SIGTERM'))) });
    });
  });
}

/**
 * better-sqlite3's install script (prebuild-install) downloads a prebuilt binary from GitHub and
 * compiles from source with node-gyp when it cannot: minutes on 2 cores. An author's machine
 * downloads it; here GitHub is out of reach, so the binary this repository's own install produced
 * is offered as a local prebuild (prebuild-install's `local-prebuilds` setting, read from a
 * `.prebuild-installrc` above the app, which leaves the app and npm's config untouched), under the
 * name prebuild-install looks for. prebuild-install loads the binary before accepting it. If the
 * app resolves another version, no file matches and it compiles, as before: slower, never wrong.
 */
function offerLocalPrebuild() {
  const from = join(root, 'node_modules/better-sqlite3');
  if (!existsSync(join(from, 'build/Release/better_sqlite3.node'))) return 'missing here';
  const { version } = JSON.parse(readFileSync(join(from, 'package.json'), 'utf8'));
  const dir = join(work, 'prebuilds');
  mkdirSync(dir);
  const name = `better-sqlite3-v${version}-node-v${process.versions.modules}-${process.platform}-${process.arch}.tar.gz`;
  execFileSync('tar', ['-czf', join(dir, name), '-C', from, 'build/Release/better_sqlite3.node']);
  writeFileSync(join(work, '.prebuild-installrc'), `local-prebuilds=${dir}\n`);
  return version;
}

/**
 * Compiles a build script written against the installed outpost-build with the app's TypeScript:
 * the package's `types` must resolve, type its API (a wrong option is an error, so the types are
 * not `any`) and name the option types. The script is removed again: the app stays as scaffolded.
 */
function typeCheckBuildScript() {
  const file = join(app, 'outpost-build-types.check.ts');
  writeFileSync(
    file,
    `import { buildApp, buildServiceWorker, loadConfig, type AppBuildOptions, type WebManifest } from 'outpost-build';
const options: AppBuildOptions = await loadConfig({ root: '.' });
const manifest: WebManifest | undefined = options.manifest;
const built: { outDir: string; version: string; precached: { count: number } } = await buildApp({ ...options, manifest, dev: true });
const worker: Promise<{ count: number; size: number }> = buildServiceWorker({ entry: 'src/sw.ts', outDir: built.outDir });
// @ts-expect-error -- entry is a path
await buildApp({ entry: 42 });
export { worker };
`,
  );
  try {
    sh(join(app, 'node_modules/.bin/tsc'), ['--noEmit', '--strict', '--target', 'es2022', '--module', 'nodenext', '--moduleResolution', 'nodenext', '--skipLibCheck', '--ignoreConfig', file], app);
  } finally {
    rmSync(file);
  }
}

let server;
let browser;
try {
  for (const f of ['dist/runtime/index.js', 'server-stub/dist/server-stub/cli.js']) assert.ok(existsSync(join(root, f)), `${f} is missing: run npm run build first`);
  step('pack every package');
  sh('npm', ['pack', '--workspaces', '--include-workspace-root', '--pack-destination', work, '--silent'], root);
  const tarballs = Object.fromEntries(readdirSync(work).filter((f) => f.endsWith('.tgz')).map((f) => [f.replace(/-\d+\.\d+\.\d+\.tgz$/, ''), join(work, f)]));
  assert.deepEqual(Object.keys(tarballs).sort(), ['create-outpost', 'outpost', 'outpost-build', 'outpost-server']);

  step('npm create outpost (the packed create-outpost) my-app');
  sh('npm', ['exec', '--yes', `--package=${tarballs['create-outpost']}`, '--', 'create-outpost', 'my-app', '--no-install'], work);

  step('npm install, with the packed outpost, outpost-server and outpost-build');
  const prebuilt = offerLocalPrebuild();
  sh('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', tarballs.outpost, tarballs['outpost-server'], tarballs['outpost-build']], app);
  const installed = JSON.parse(readFileSync(join(app, 'node_modules/better-sqlite3/package.json'), 'utf8')).version;
  const compiled = existsSync(join(app, 'node_modules/better-sqlite3/build/Release/obj.target'));
  console.log(`  better-sqlite3 ${installed}: ${compiled ? `compiled from source (the local prebuild is ${prebuilt})` : 'the prebuilt binary was installed'}`);
  // npm skips install scripts that the app's allowScripts does not list (better-sqlite3's binary,
  // esbuild's): the starter must list every one its dependencies have.
  const unreviewed = JSON.parse(execFileSync('npm', ['install-scripts', 'ls', '--json'], { cwd: app, encoding: 'utf8' })).allowScripts;
  assert.deepEqual(unreviewed.map((p) => p.name), [], "install scripts the starter's allowScripts does not cover");
  // The browser package must not drag the server's native driver into an app's page dependencies.
  const why = JSON.parse(execFileSync('npm', ['explain', 'better-sqlite3', '--json'], { cwd: app, encoding: 'utf8' }));
  const dependents = why.flatMap((n) => n.dependents.map((d) => d.from.name));
  assert.deepEqual([...new Set(dependents)], ['outpost-server'], `better-sqlite3 is installed only for outpost-server (found: ${dependents.join(', ')})`);

  step("a TypeScript build script against outpost-build's types");
  typeCheckBuildScript();

  step('npm run typecheck; a build under a path of the site (--base), then npm run build');
  sh('npm', ['run', 'typecheck'], app);
  // The starter served under /my-app/: its own URLs, its worker's and the router's base follow.
  sh('npx', ['outpost', 'build', '--base', '/my-app/'], app);
  const based = readFileSync(join(app, 'dist/index.html'), 'utf8');
  for (const url of ['/my-app/manifest.webmanifest', '/my-app/icons/icon-192.png']) assert.ok(based.includes(`"${url}"`), `the built index.html links ${url}`);
  const entry = /<script type="module" src="([^"]+)"/.exec(based)?.[1] ?? '';
  assert.ok(entry.startsWith('/my-app/assets/'), `the entry is under the base: ${entry}`);
  assert.ok(readFileSync(join(app, 'dist', entry.slice('/my-app/'.length)), 'utf8').includes('"/my-app/"'), 'the page reads the base (import.meta.env.BASE_URL) for its worker and router');
  sh('npm', ['run', 'build'], app);

  step('one visit online, then the server stops and the app reloads');
  server = await serve(join(work, 'data'));
  browser = await puppeteer.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
  const page = await browser.newPage();
  await page.goto(server.url);
  await page.waitForFunction(() => document.querySelector('h1')?.textContent === 'To-dos', { timeout: 30_000, polling: 100 });
  const title = `Added online ${Date.now()}`;
  await page.type('input[name=title]', title);
  await page.click('form button');
  await page.waitForFunction((t) => [...document.querySelectorAll('li a')].some((a) => a.textContent === t), { timeout: 20_000, polling: 100 }, title);
  const badgeText = () => page.evaluate(() => document.querySelector('outpost-sync-status')?.shadowRoot?.querySelector('[part=label]')?.textContent ?? '(no badge)');
  const badge = (text) =>
    page.waitForFunction((t) => document.querySelector('outpost-sync-status')?.shadowRoot?.querySelector('[part=label]')?.textContent === t, { timeout: 30_000, polling: 100 }, text).catch(async (cause) => {
      throw new Error(`the sync badge never read "${text}" within 30 s; it reads "${await badgeText()}"`, { cause });
    });
  // Stop the server only once the to-do reached it, or it stays pending and the counts below are off by one.
  await badge('Up to date');
  await page.waitForFunction(() => !!navigator.serviceWorker.controller, { timeout: 30_000, polling: 100 });
  await server.stop();
  server = undefined;
  await page.reload();
  await page
    .waitForFunction((t) => document.querySelector('h1')?.textContent === 'To-dos' && [...document.querySelectorAll('li a')].some((a) => a.textContent === t), { timeout: 30_000, polling: 100 }, title)
    .catch((cause) => {
      throw new Error('the app did not start with the server down: no to-do list with the to-do added online after the reload', { cause });
    });
  console.log('  the app started with the server down, signed in, with its to-do');

  step("the guide's next steps: a to-do added with the server down waits, the server returns, a second tab");
  const offline = `Added offline ${Date.now()}`;
  await page.type('input[name=title]', offline);
  await page.click('form button');
  await badge('Server unreachable · 1 pending');
  server = await serve(join(work, 'data'), new URL(page.url()).port);
  await badge('Up to date');
  const second = await browser.newPage();
  await second.goto(server.url);
  const lists = (p, ...titles) => p.waitForFunction((ts) => ts.every((t) => [...document.querySelectorAll('li a')].some((a) => a.textContent === t)), { timeout: 30_000, polling: 100 }, titles);
  await lists(second, title, offline);
  const fromSecond = `Added in a second tab ${Date.now()}`;
  await second.type('input[name=title]', fromSecond);
  await second.click('form button');
  await lists(page, fromSecond);
  console.log('  the pending to-do synced when the server came back; a second tab shows and shares the changes');
  await browser.close();
  browser = undefined;
  await server.stop();
  server = undefined;

  step("the app's own tests: npm test");
  // No CHROME_PATH unless CHROMIUM_BIN names a browser elsewhere: the app's config finds the
  // installed Chromium itself, as a new author's must.
  sh('npm', ['test'], app, process.env.CHROMIUM_BIN ? { CHROME_PATH: CHROMIUM } : {});
  step('all passed');
} catch (err) {
  console.error(`✖ test:packages failed: ${err instanceof Error ? err.stack : err}\n  (folder: ${work}, kept)`);
  process.exitCode = 1;
} finally {
  await browser?.close();
  await server?.stop();
  if (!process.exitCode && !process.env.KEEP) rmSync(work, { recursive: true, force: true });
}
