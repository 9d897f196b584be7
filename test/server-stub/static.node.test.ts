import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'node:http';
import { startStub } from '../../server-stub/index.js';
// @ts-expect-error -- build scripts are plain JavaScript without declarations.
import { PRECACHED_TYPES, HASHED_OUTPUT } from '../../build-tools/service-worker.js';
import { HASHED } from '../../server-stub/static.js';

function site() {
  const dir = mkdtempSync(join(tmpdir(), 'outpost-static-'));
  mkdirSync(join(dir, 'assets'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>app</title>');
  writeFileSync(join(dir, 'sw.js'), 'self.x=1');
  writeFileSync(join(dir, 'assets/main-ABCD2345.js'), 'export {}');
  writeFileSync(join(dir, 'secret-outside.txt'), 'no');
  return dir;
}

/** A raw GET that keeps `..` segments as typed (fetch would normalise them away). */
function rawGet(url: string, path: string, accept = 'text/html', headers: Record<string, string> = {}): Promise<{ status: number; body: string; headers: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}${path}`, { headers: { accept, ...headers } }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode!, body, headers: res.headers }));
    });
    req.on('error', reject);
    req.end();
  });
}

test('static hosting serves hashed assets immutable and HTML/sw.js no-cache with correct MIME types', async (t) => {
  const stub = await startStub({ port: 0, dataDir: ':memory:', staticDir: site() });
  t.after(() => stub.close());
  const asset = await fetch(`${stub.url}/assets/main-ABCD2345.js`);
  assert.equal(asset.status, 200);
  assert.match(asset.headers.get('content-type')!, /^text\/javascript/);
  assert.match(asset.headers.get('cache-control')!, /immutable/);
  const sw = await fetch(`${stub.url}/sw.js`);
  assert.equal(sw.headers.get('cache-control'), 'no-cache');
  assert.equal(sw.headers.get('service-worker-allowed'), '/');
  const html = await fetch(`${stub.url}/`);
  assert.match(html.headers.get('content-type')!, /^text\/html/);
  assert.equal(html.headers.get('cache-control'), 'no-cache');
});

test('static hosting falls back to index.html for client-side routes but 404s missing files', async (t) => {
  const stub = await startStub({ port: 0, dataDir: ':memory:', staticDir: site() });
  t.after(() => stub.close());
  const deep = await fetch(`${stub.url}/u/0/inbox/thread-1`, { headers: { accept: 'text/html' } });
  assert.equal(deep.status, 200);
  assert.match(await deep.text(), /<title>app<\/title>/);
  const missing = await fetch(`${stub.url}/assets/missing-ZZZZ9999.js`);
  assert.equal(missing.status, 404);
  assert.equal((await missing.json()).error.code, 'not-found');
});

test('static hosting answers a page load of a client-side route whose last segment looks like a file (a search for report.pdf) with index.html; a missing script loaded by a page stays a 404', async (t) => {
  const stub = await startStub({ port: 0, dataDir: ':memory:', staticDir: site() });
  t.after(() => stub.close());
  // As a browser sends a navigation (fetch() may not set Sec-Fetch-*: the raw request does).
  const page = await rawGet(stub.url, '/u/0/search/report.pdf', 'text/html,application/xhtml+xml', { 'sec-fetch-mode': 'navigate', 'sec-fetch-dest': 'document' });
  assert.equal(page.status, 200);
  assert.match(page.body, /<title>app<\/title>/);
  const script = await rawGet(stub.url, '/assets/missing-ZZZZ9999.js', '*/*', { 'sec-fetch-mode': 'cors', 'sec-fetch-dest': 'script' });
  assert.equal(script.status, 404);
});

test('static hosting never serves files outside its folder, however the path is spelled', async (t) => {
  const dir = site();
  const stub = await startStub({ port: 0, dataDir: ':memory:', staticDir: join(dir, 'assets') });
  t.after(() => stub.close());
  for (const path of ['/../secret-outside.txt', '/%2e%2e/secret-outside.txt', '/..%2fsecret-outside.txt', '/%2e%2e%2fsecret-outside.txt']) {
    const res = await rawGet(stub.url, path, '*/*');
    assert.notEqual(res.body, 'no', `${path} leaked a file outside the static folder`);
  }
});

test('GET /healthz answers { ok: true }', async (t) => {
  const stub = await startStub({ port: 0, dataDir: ':memory:' });
  t.after(() => stub.close());
  const res = await fetch(`${stub.url}/healthz`);
  assert.deepEqual(await res.json(), { ok: true });
});

test('static hosting sends each type the build precaches with its own content type; wasm instantiates streaming', async (t) => {
  const dir = site();
  const expected: Record<string, RegExp> = {
    avif: /^image\/avif$/,
    woff: /^font\/woff$/,
    ttf: /^font\/ttf$/,
    otf: /^font\/otf$/,
    xml: /^application\/xml/,
    mjs: /^text\/javascript/,
    wasm: /^application\/wasm$/,
  };
  // The smallest WebAssembly module: its magic number and version.
  const wasm = Buffer.from([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]);
  for (const type of PRECACHED_TYPES as string[]) writeFileSync(join(dir, `file.${type}`), type === 'wasm' ? wasm : 'x');
  const stub = await startStub({ port: 0, dataDir: ':memory:', staticDir: dir });
  t.after(() => stub.close());
  assert.match(stub.url, /^http:\/\/127\.0\.0\.1:/);
  const generic: string[] = [];
  for (const type of PRECACHED_TYPES as string[]) {
    const res = await fetch(`${stub.url}/file.${type}`);
    assert.equal(res.status, 200, type);
    await res.arrayBuffer();
    const contentType = res.headers.get('content-type') ?? '';
    // Were application/octet-stream for avif, woff, ttf, otf and xml, which nosniff keeps as such.
    if (contentType === 'application/octet-stream') generic.push(type);
    if (expected[type]) assert.match(contentType, expected[type], type);
  }
  assert.deepEqual(generic, [], 'sent as application/octet-stream');
  const { instance } = await WebAssembly.instantiateStreaming(fetch(`${stub.url}/file.wasm`));
  assert.ok(instance instanceof WebAssembly.Instance);
});

test("static hosting sends only esbuild's hashed outputs immutable, not public files that merely look hashed", async (t) => {
  const dir = site();
  mkdirSync(join(dir, 'fonts'));
  const files = ['fonts/NotoSans-SEMIBOLD.woff2', 'banner-20241201.png', 'assets/logo-20241201.png', 'assets/chunk-QWERTY23.js', 'assets/sub/main-ABCD2345.js'];
  mkdirSync(join(dir, 'assets/sub'));
  for (const f of files) writeFileSync(join(dir, f), 'x');
  const stub = await startStub({ port: 0, dataDir: ':memory:', staticDir: dir });
  t.after(() => stub.close());
  const cacheControl = async (path: string) => {
    const res = await fetch(`${stub.url}/${path}`);
    await res.arrayBuffer();
    assert.equal(res.status, 200, path);
    return res.headers.get('cache-control');
  };
  // Were immutable: an edited font or banner under the same name stayed stale in browsers for a year.
  for (const f of ['fonts/NotoSans-SEMIBOLD.woff2', 'banner-20241201.png', 'assets/logo-20241201.png', 'assets/sub/main-ABCD2345.js']) assert.equal(await cacheControl(f), 'no-cache', f);
  for (const f of ['assets/chunk-QWERTY23.js', 'assets/main-ABCD2345.js']) assert.match((await cacheControl(f))!, /immutable/, f);
});

test("the server's immutable files are the build's unrevisioned precache entries (two copies of one rule)", () => {
  // server-stub cannot import outpost-build: the two rules must agree on every kind of name.
  const paths = ['assets/main-ABCD2345.js', 'assets/chunk-QWERTY23.js', 'assets/logo-MZXW6YTB.png', 'assets/styles-ABCDEFGH.css', 'assets/logo-20241201.png', 'assets/main-abcd2345.js', 'assets/main-ABCD234.js', 'assets/sub/main-ABCD2345.js', 'fonts/NotoSans-SEMIBOLD.woff2', 'banner-20241201.png', 'main-ABCD2345.js', 'index.html'];
  const build = paths.filter((p) => (HASHED_OUTPUT as RegExp).test(p));
  assert.deepEqual(build, ['assets/main-ABCD2345.js', 'assets/chunk-QWERTY23.js', 'assets/logo-MZXW6YTB.png', 'assets/styles-ABCDEFGH.css']);
  assert.deepEqual(paths.filter((p) => HASHED.test(`/${p}`)), build);
});
