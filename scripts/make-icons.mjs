#!/usr/bin/env node
// Draws the demo's app icons (an envelope on a coloured square) as PNG files, with no image
// library: `node scripts/make-icons.mjs <outDir>`. The output is committed; rerun to change it.
import { deflateSync, crc32 } from 'node:zlib';
import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';

function chunk(type, data) {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'latin1');
  data.copy(out, 8);
  out.writeUInt32BE(crc32(Buffer.concat([Buffer.from(type, 'latin1'), data])), 8 + data.length);
  return out;
}

/** An RGB PNG of `size`² pixels; `pixel(x, y)` returns [r, g, b]. */
export function png(size, pixel) {
  const raw = Buffer.alloc((size * 3 + 1) * size);
  for (let y = 0; y < size; y++) {
    raw[y * (size * 3 + 1)] = 0;
    for (let x = 0; x < size; x++) raw.set(pixel(x, y), y * (size * 3 + 1) + 1 + x * 3);
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // truecolour
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}

/** The envelope icon; `inset` shrinks the drawing into the maskable safe zone. */
export function envelope(size, inset = 0.18) {
  const bg = [0x1a, 0x73, 0xe8];
  const fg = [0xff, 0xff, 0xff];
  return png(size, (px, py) => {
    const x = px / size;
    const y = py / size;
    const l = inset, r = 1 - inset, t = inset + 0.12, b = 1 - inset - 0.12;
    if (x < l || x > r || y < t || y > b) return bg;
    // The flap: two lines from the top corners to the middle.
    const u = (x - l) / (r - l);
    const flapY = t + (b - t) * 0.55 * (1 - Math.abs(u - 0.5) * 2);
    return Math.abs(y - flapY) < 0.03 ? bg : fg;
  });
}

/** The icons an installable app needs, as web manifest entries (files under `/icons/`). */
export const ICONS = [
  { src: '/icons/icon-192.png', sizes: '192x192' },
  { src: '/icons/icon-512.png', sizes: '512x512' },
  { src: '/icons/maskable-512.png', sizes: '512x512', purpose: 'maskable' },
];

/** Writes the envelope mark as each of {@link ICONS} into `dir` (maskable ones inset into the safe zone). */
export function writeIcons(dir) {
  mkdirSync(dir, { recursive: true });
  for (const icon of ICONS) {
    const size = Number(icon.sizes.split('x')[0]);
    writeFileSync(join(dir, basename(icon.src)), icon.purpose === 'maskable' ? envelope(size, 0.28) : envelope(size));
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const outDir = process.argv[2] ?? 'demo-app/public/icons';
  writeIcons(outDir);
  console.log(`icons written to ${outDir}`);
}
