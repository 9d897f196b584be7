// The offline build steps: the service worker's injected precache manifest, its size limit and
// the web manifest's icon checks.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runInNewContext } from 'node:vm';
// @ts-expect-error -- build scripts are plain JavaScript without declarations.
import { buildServiceWorker, writeWebManifest } from '../../build-tools/index.js';
// @ts-expect-error -- build scripts are plain JavaScript without declarations.
import { envelope } from '../../scripts/make-icons.mjs';

const ENTRY = fileURLToPath(new URL('../fixtures/sw-app/service-worker.sw.ts', import.meta.url));
const define = { APP_VERSION: '"test"' };

function outDir(files: Record<string, string | Buffer>): string {
  const dir = mkdtempSync(join(tmpdir(), 'outpost-build-sw-'));
  for (const [name, body] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), body);
  }
  return dir;
}

const manifest = (icons: Array<{ src: string; sizes: string; purpose?: string }>) => ({ name: 'Test app', short_name: 'Test', theme_color: '#000000', background_color: '#ffffff', icons });
const goodIcons = [
  { src: '/icons/a.png', sizes: '192x192' },
  { src: '/icons/b.png', sizes: '512x512' },
  { src: '/icons/c.png', sizes: '512x512', purpose: 'maskable' },
];

describe('buildServiceWorker', () => {
  test('injects every built file, lazy chunks included, into the worker with hashed files unrevisioned', async () => {
    const dir = outDir({ 'index.html': '<!doctype html>', 'assets/main-ABCDEFGH.js': 'x', 'assets/chunk-IJKLMNOP.js': 'y' });
    try {
      const { count } = await buildServiceWorker({ entry: ENTRY, outDir: dir, define });
      assert.equal(count, 3);
      const sw = readFileSync(join(dir, 'sw.js'), 'utf8');
      assert.ok(!sw.includes('__WB_MANIFEST'), 'the placeholder was replaced');
      const injected = JSON.parse(/\[\{"revision"[^\]]*\]/.exec(sw)?.[0] ?? '[]') as Array<{ url: string; revision: string | null }>;
      const byUrl = Object.fromEntries(injected.map((e) => [e.url, e.revision]));
      assert.deepEqual(Object.keys(byUrl).sort(), ['assets/chunk-IJKLMNOP.js', 'assets/main-ABCDEFGH.js', 'index.html']);
      assert.equal(byUrl['assets/chunk-IJKLMNOP.js'], null, 'hashed names need no revision');
      assert.match(byUrl['index.html'] ?? '', /^[0-9a-f]{32}$/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('precaches the public files an app ships of every web type a page loads: images, fonts, modules, wasm', async () => {
    const files = ['icons/a.png', 'img/photo.jpg', 'img/photo.jpeg', 'img/hero.webp', 'img/hero.avif', 'img/spinner.gif', 'fonts/inter.woff', 'fonts/inter.woff2', 'fonts/inter.ttf', 'fonts/inter.otf', 'vendor/lib.mjs', 'pkg/codec.wasm', 'robots.txt'];
    const dir = outDir({ 'index.html': '<!doctype html>', ...Object.fromEntries(files.map((f) => [f, 'x'])) });
    try {
      await buildServiceWorker({ entry: ENTRY, outDir: dir, define });
      const sw = readFileSync(join(dir, 'sw.js'), 'utf8');
      const urls = (JSON.parse(/\[\{"revision"[^\]]*\]/.exec(sw)?.[0] ?? '[]') as Array<{ url: string }>).map((e) => e.url);
      // Only html, js, css, webmanifest, json, png, svg, ico and woff2 were: a .jpg logo or a .woff
      // font in public/ was missing offline, where the guide promises every built file precached.
      assert.deepEqual(files.filter((f) => !urls.includes(f)), [], 'not precached');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("defines import.meta.env.DEV in the worker as in the page: false, or true for a dev build", async () => {
    const src = mkdtempSync(join(tmpdir(), 'outpost-build-sw-src-'));
    const entry = join(src, 'sw.ts');
    // An author's worker that logs more in development, as its page does.
    writeFileSync(entry, 'declare const self: { __WB_MANIFEST: unknown; dev?: boolean };\nself.__WB_MANIFEST;\nself.dev = import.meta.env.DEV;\n');
    try {
      for (const dev of [false, true]) {
        const dir = outDir({ 'index.html': '<!doctype html>' });
        try {
          await buildServiceWorker({ entry, outDir: dir, define, dev });
          const self: { dev?: boolean } = {};
          // Was `{}.env.DEV` (esbuild empties import.meta in a classic script): a TypeError as the worker starts.
          runInNewContext(readFileSync(join(dir, 'sw.js'), 'utf8'), { self });
          assert.equal(self.dev, dev);
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      }
    } finally {
      rmSync(src, { recursive: true, force: true });
    }
  });

  test('fails the build, naming the file and the fix, when a file is over the precache limit', async () => {
    const dir = outDir({ 'index.html': '<!doctype html>', 'assets/huge-ABCDEFGH.js': 'x'.repeat(5000) });
    try {
      await assert.rejects(buildServiceWorker({ entry: ENTRY, outDir: dir, define, maxFileBytes: 1000 }), /precache limit of 1000 bytes[\s\S]*huge-ABCDEFGH\.js[\s\S]*lazy route chunk/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('writeWebManifest', () => {
  test('writes an installable manifest when the icons exist with their stated sizes', () => {
    const dir = outDir({ 'icons/a.png': envelope(192), 'icons/b.png': envelope(512), 'icons/c.png': envelope(512, 0.28) });
    try {
      writeWebManifest({ outDir: dir, manifest: manifest(goodIcons) });
      const written = JSON.parse(readFileSync(join(dir, 'manifest.webmanifest'), 'utf8')) as { display: string; start_url: string; icons: Array<{ type: string }> };
      assert.equal(written.display, 'standalone');
      assert.equal(written.start_url, '/');
      assert.deepEqual(written.icons.map((i) => i.type), ['image/png', 'image/png', 'image/png']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('refuses an icon whose pixels differ from its stated size, a missing icon and a missing maskable one', () => {
    const dir = outDir({ 'icons/a.png': envelope(128), 'icons/b.png': envelope(512) });
    try {
      assert.throws(
        () => writeWebManifest({ outDir: dir, manifest: manifest(goodIcons) }),
        (e: Error) => /icon \/icons\/a\.png is 128x128, the manifest says 192x192/.test(e.message) && /icon \/icons\/c\.png is missing/.test(e.message),
      );
      assert.throws(() => writeWebManifest({ outDir: dir, manifest: manifest([{ src: '/icons/b.png', sizes: '512x512' }]) }), /no 192x192 icon; no maskable icon/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
