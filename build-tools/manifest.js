// The web app manifest of an Outpost app, written after its icons are checked: what browsers need
// to offer installation.
import { openSync, readSync, closeSync, existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Width and height of a PNG file, from its IHDR chunk.
 * @param {string} path
 * @returns {{ width: number, height: number }}
 */
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
 * The web app manifest as an app's config gives it (`start_url`, `scope` and `display` default to
 * `/`, `/` and `standalone`; an icon's `type` to `image/png`). Paths from the root (`/icons/a.png`)
 * are the app's own: under a `base`, they start with it.
 * @typedef {object} WebManifest
 * @property {string} name
 * @property {string} short_name
 * @property {string} [start_url]
 * @property {string} [scope]
 * @property {string} [display]
 * @property {string} theme_color
 * @property {string} background_color
 * @property {string} [description]
 * @property {Array<{ src: string, sizes: string, type?: string, purpose?: string }>} icons
 */

/**
 * Writes `<outDir>/manifest.webmanifest` from the app's config, after checking that each icon
 * exists in `outDir` with the size it states, and that 192, 512 and a maskable icon are present
 * (what browsers need to offer installation).
 *
 * @param {{ outDir: string, manifest: WebManifest, base?: string }} options `base`: the path the app
 *   is served under (default `/`), which `start_url`, `scope` and the icons' paths from the root start with.
 * @returns {WebManifest} the manifest as written, defaults filled in
 */
export function writeWebManifest({ outDir, manifest, base = '/' }) {
  /** @type {string[]} */
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
  const has = (/** @type {string} */ size, /** @type {string} */ purpose) => manifest.icons.some((i) => i.sizes === size && (i.purpose ?? 'any').split(' ').includes(purpose));
  if (!has('192x192', 'any')) problems.push('no 192x192 icon');
  if (!has('512x512', 'any')) problems.push('no 512x512 icon');
  if (!manifest.icons.some((i) => (i.purpose ?? '').split(' ').includes('maskable'))) problems.push('no maskable icon');
  if (problems.length) throw new Error(`Web app manifest for '${manifest.name}': ${problems.join('; ')}. Fix the icons or the manifest's icon list.`);
  /** @type {(url: string) => string} A path from the root, as the app's: under `base`. */
  const inApp = (url) => (url.startsWith('/') && !url.startsWith('//') ? base + url.slice(1) : url);
  const full = { start_url: '/', scope: '/', display: 'standalone', ...manifest, icons: manifest.icons.map((i) => ({ type: 'image/png', ...i, src: inApp(i.src) })) };
  full.start_url = inApp(full.start_url);
  full.scope = inApp(full.scope);
  writeFileSync(join(outDir, 'manifest.webmanifest'), JSON.stringify(full, null, 2));
  return full;
}
