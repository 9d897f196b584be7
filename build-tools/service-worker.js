// The service-worker build of an Outpost app: esbuild bundles the app's worker entry (which
// composes `outpost/sw`), then workbox-build's injectManifest lists every built file in it.
import { build } from 'esbuild';
import { injectManifest } from 'workbox-build';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The extensions of the built files the worker precaches. */
export const PRECACHED_TYPES = ['html', 'js', 'mjs', 'css', 'webmanifest', 'json', 'txt', 'xml', 'wasm', 'png', 'svg', 'ico', 'jpg', 'jpeg', 'gif', 'webp', 'avif', 'woff', 'woff2', 'ttf', 'otf'];

/**
 * The files the build names after their content, which therefore need no revision: esbuild's
 * outputs, `assets/<name>-<HASH>.<ext>` (app.js's entryNames, chunkNames and assetNames), HASH being
 * 8 characters of base32 (A-Z, 2-7). The folder is what tells them from a public file that merely
 * looks hashed (`fonts/NotoSans-SEMIBOLD.woff2`, `banner-20241201.png`): precached without a
 * revision, such a file stayed stale after an edit; the build refuses one in `public/assets/`.
 * Paths relative to the output folder, as in the precache manifest. outpost-server's static
 * handler marks the same files immutable (HASHED in server-stub/static.ts, which cannot import this
 * package): change both together.
 */
export const HASHED_OUTPUT = /^assets\/[^/]+-[A-Z2-7]{8}\.[a-z0-9]+$/;

/** Default per-file precache limit: a bigger file is a build error, not a silent miss. */
export const MAX_PRECACHE_FILE_BYTES = 2 * 1024 * 1024;

/**
 * Bundles `entry` into `<outDir>/<swName>` and injects the precache manifest of every file already
 * in `outDir` (hashed chunks, lazy route chunks, HTML, CSS, icons, the web manifest). Run it after
 * the app's own build. Throws when a file is over the precache size limit.
 *
 * @param {{ entry: string, outDir: string, swName?: string, dev?: boolean, base?: string,
 *   define?: Record<string, string>, maxFileBytes?: number, precache?: boolean, conditions?: string[] }} options
 *   `base`: the path the app is served under (default `/`), the worker's `import.meta.env.BASE_URL`.
 *   `precache: false` builds a worker with no manifest (a kill switch). `conditions`: extra package
 *   export conditions (Outpost's own repository builds from its sources with `['outpost-source']`).
 * @returns {Promise<{ count: number, size: number }>}
 * @example
 * await buildServiceWorker({ entry: 'src/sw.ts', outDir: 'dist', define: { APP_VERSION: '"1.0.0"' } });
 */
export async function buildServiceWorker({ entry, outDir, swName = 'sw.js', dev = false, base = '/', define = {}, maxFileBytes = MAX_PRECACHE_FILE_BYTES, precache = true, conditions = [] }) {
  const tmp = mkdtempSync(join(tmpdir(), 'outpost-sw-'));
  const swSrc = join(tmp, swName);
  try {
    await build({
      entryPoints: [entry],
      outfile: precache ? swSrc : join(outDir, swName),
      bundle: true,
      // A classic script: every browser runs it, module workers are not universal yet.
      format: 'iife',
      conditions,
      platform: 'browser',
      target: 'es2022',
      minify: !dev,
      logLevel: 'warning',
      // What the page's bundle gets under import.meta.env too (appBuildOptions): a classic script has
      // no import.meta, so esbuild would leave `import.meta.env.DEV` an error in the author's worker.
      define: { 'process.env.NODE_ENV': JSON.stringify(dev ? 'development' : 'production'), 'import.meta.env.DEV': JSON.stringify(dev), 'import.meta.env.BASE_URL': JSON.stringify(base), ...define },
    });
    if (!precache) return { count: 0, size: 0 };
    const { count, size, warnings } = await injectManifest({
      swSrc,
      swDest: join(outDir, swName),
      globDirectory: outDir,
      // Every file type a page loads from the build (public/'s images and fonts too); audio and
      // video are left to the media cache (`cacheMedia`), being large and loaded in ranges.
      globPatterns: [`**/*.{${PRECACHED_TYPES.join(',')}}`],
      globIgnores: [swName, `${swName}.map`, '**/*.map', 'server/**'],
      // esbuild's content hashes make cache-busting revisions unnecessary for its outputs only.
      dontCacheBustURLsMatching: HASHED_OUTPUT,
      maximumFileSizeToCacheInBytes: maxFileBytes,
    });
    const tooBig = warnings.filter((w) => /maximumFileSizeToCacheInBytes|will not be precached/.test(w));
    if (tooBig.length) {
      throw new Error(
        `Service worker build: ${tooBig.length} file(s) exceed the precache limit of ${maxFileBytes} bytes and would be missing offline:\n  ${tooBig.join('\n  ')}\n` +
          `Split the code (a lazy route chunk), move the file out of the build, or raise maxFileBytes.`,
      );
    }
    return { count, size };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
