// The web app manifest of an Outpost app, written after its icons are checked: what browsers need
// to offer installation.
import { openSync, readSync, closeSync, existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

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
