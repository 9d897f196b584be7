// Build steps for an Outpost app's offline side: the service worker (esbuild + workbox-build
// injectManifest) and the web app manifest (with its icons checked).
import { build } from 'esbuild';
import { injectManifest } from 'workbox-build';
import { mkdtempSync, openSync, readSync, closeSync, existsSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Default per-file precache limit: a bigger file is a build error, not a silent miss. */
export const MAX_PRECACHE_FILE_BYTES = 2 * 1024 * 1024;

/**
 * Bundles `entry` into `<outDir>/<swName>` and injects the precache manifest of every file already
 * in `outDir` (hashed chunks, lazy route chunks, HTML, CSS, icons, the web manifest). Run it after
 * the app's own build. Throws when a file is over the precache size limit.
 *
 * @param {{ entry: string, outDir: string, swName?: string, dev?: boolean,
 *   define?: Record<string, string>, maxFileBytes?: number, precache?: boolean }} options
 *   `precache: false` builds a worker with no manifest (a kill switch).
 * @returns {Promise<{ count: number, size: number }>}
 */
export async function buildServiceWorker({ entry, outDir, swName = 'sw.js', dev = false, define = {}, maxFileBytes = MAX_PRECACHE_FILE_BYTES, precache = true }) {
  const tmp = mkdtempSync(join(tmpdir(), 'outpost-sw-'));
  const swSrc = join(tmp, swName);
  try {
    await build({
      entryPoints: [entry],
      outfile: precache ? swSrc : join(outDir, swName),
      bundle: true,
      // A classic script: every browser runs it, module workers are not universal yet.
      format: 'iife',
      conditions: ['source'],
      platform: 'browser',
      target: 'es2022',
      minify: !dev,
      logLevel: 'warning',
      define: { 'process.env.NODE_ENV': JSON.stringify(dev ? 'development' : 'production'), ...define },
    });
    if (!precache) return { count: 0, size: 0 };
    const { count, size, warnings } = await injectManifest({
      swSrc,
      swDest: join(outDir, swName),
      globDirectory: outDir,
      globPatterns: ['**/*.{html,js,css,webmanifest,json,png,svg,ico,woff2}'],
      globIgnores: [swName, `${swName}.map`, '**/*.map', 'server/**'],
      // esbuild's content hashes (`name-HASH.ext`) make cache-busting revisions unnecessary.
      dontCacheBustURLsMatching: /-[A-Z0-9]{8}\.[a-z0-9]+$/,
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

/** Width and height of a PNG file, from its IHDR chunk. */
export function pngSize(path) {
  const fd = openSync(path, 'r');
  try {
    const head = Buffer.alloc(24);
    readSync(fd, head, 0, 24, 0);
    if (head.toString('latin1', 1, 4) !== 'PNG') throw new Error(`${path} is not a PNG file.`);
    return { width: head.readUInt32BE(16), height: head.readUInt32BE(20) };
  } finally {
    closeSync(fd);
  }
}

/**
 * Writes `<outDir>/manifest.webmanifest` from the app's config, after checking that each icon
 * exists in `outDir` with the size it states, and that 192, 512 and a maskable icon are present
 * (what browsers need to offer installation).
 *
 * @param {{ outDir: string, manifest: { name: string, short_name: string, start_url?: string, scope?: string,
 *   display?: string, theme_color: string, background_color: string, description?: string,
 *   icons: Array<{ src: string, sizes: string, type?: string, purpose?: string }> } }} options
 */
export function writeWebManifest({ outDir, manifest }) {
  const problems = [];
  for (const icon of manifest.icons) {
    const file = join(outDir, icon.src.replace(/^\//, ''));
    if (!existsSync(file)) {
      problems.push(`icon ${icon.src} is missing (looked for ${file})`);
      continue;
    }
    const { width, height } = pngSize(file);
    if (`${width}x${height}` !== icon.sizes) problems.push(`icon ${icon.src} is ${width}x${height}, the manifest says ${icon.sizes}`);
  }
  const has = (size, purpose) => manifest.icons.some((i) => i.sizes === size && (i.purpose ?? 'any').split(' ').includes(purpose));
  if (!has('192x192', 'any')) problems.push('no 192x192 icon');
  if (!has('512x512', 'any')) problems.push('no 512x512 icon');
  if (!manifest.icons.some((i) => (i.purpose ?? '').split(' ').includes('maskable'))) problems.push('no maskable icon');
  if (problems.length) throw new Error(`Web app manifest for '${manifest.name}': ${problems.join('; ')}. Fix the icons or the manifest's icon list.`);
  const full = { start_url: '/', scope: '/', display: 'standalone', ...manifest, icons: manifest.icons.map((i) => ({ type: 'image/png', ...i })) };
  writeFileSync(join(outDir, 'manifest.webmanifest'), JSON.stringify(full, null, 2));
  return full;
}
