// Builds the two apps of the cold-start benchmark into a directory of their own (never dist/,
// which other builds and tests share): the demo with the real build steps of scripts/build-app.mjs,
// and the blank Lit anchor (bench/blank-app) the same way, with the same service-worker blocks.
import { build } from 'esbuild';
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { appOptions, DEMO_MANIFEST, DEMO_PRELOAD } from '../scripts/build-app.mjs';
import { ENTRY_PLACEHOLDER, buildServiceWorker, writeWebManifest } from '../build-tools/index.js';
import { indexPage } from '../build-tools/preload.js';

const root = new URL('..', import.meta.url).pathname;

/** esbuild's output file for `entry` in a metafile. */
function outputOf(metafile, entry) {
  return Object.entries(metafile.outputs).find(([, o]) => o.entryPoint?.endsWith(entry))[0];
}

/** Bundles `entryFile` (hashed chunks), writes index.html from `htmlFile`, icons, manifest and the service worker. */
async function buildOne({ outDir, entryFile, htmlFile, swEntry, name, minify = true, preload = [] }) {
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  const options = { ...appOptions({ root, dev: false }), entryPoints: { main: entryFile }, outdir: join(outDir, 'assets'), sourcemap: false, minify, plugins: [] };
  const result = await build(options);
  // The page as the app build writes it: the entry and the chunks a start needs, preloaded.
  const entryOutput = outputOf(result.metafile, relative(root, entryFile));
  writeFileSync(join(outDir, 'index.html'), indexPage(readFileSync(htmlFile, 'utf8'), { metafile: result.metafile, root, out: outDir, entryOutput, preload, placeholder: ENTRY_PLACEHOLDER }));
  cpSync(join(root, 'demo-app/public'), outDir, { recursive: true });
  writeWebManifest({ outDir, manifest: { ...DEMO_MANIFEST, name, short_name: name } });
  await buildServiceWorker({ entry: swEntry, outDir, conditions: ['outpost-source'], define: { APP_VERSION: JSON.stringify(`bench-${Date.now().toString(36)}`) } });
}

/** Builds the demo (production; `minify: false` keeps names readable in a CPU profile) into `outDir`. */
export function buildDemo(outDir, { minify = true } = {}) {
  return buildOne({ outDir, entryFile: join(root, 'demo-app/main.ts'), htmlFile: join(root, 'demo-app/index.html'), swEntry: join(root, 'demo-app/service-worker.sw.ts'), name: 'Outpost Mail', minify, preload: DEMO_PRELOAD });
}

/** Builds the blank Lit anchor app into `outDir`. */
export function buildBlank(outDir) {
  return buildOne({ outDir, entryFile: join(root, 'bench/blank-app/main.ts'), htmlFile: join(root, 'bench/blank-app/index.html'), swEntry: join(root, 'bench/blank-app/service-worker.sw.ts'), name: 'Blank' });
}
