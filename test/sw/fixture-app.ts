// Builds test/fixtures/sw-app the way an app is built: esbuild (hashed chunks), icons, web
// manifest, then the service worker with its injected precache manifest.
import { build } from 'esbuild';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
// @ts-expect-error -- build scripts are plain JavaScript without declarations.
import { buildServiceWorker, writeWebManifest } from '../../build-tools/index.js';
// @ts-expect-error -- build scripts are plain JavaScript without declarations.
import { ICONS, writeIcons } from '../../scripts/make-icons.mjs';

const FIXTURE = fileURLToPath(new URL('../fixtures/sw-app/', import.meta.url));

/**
 * Builds the fixture app at `version` into `outDir` (overwriting what was there); `worker` names
 * another worker entry of the fixture (`own-route.sw.ts`).
 */
export async function buildFixtureApp(outDir: string, version: string, options: { killSwitch?: boolean; worker?: string } = {}): Promise<void> {
  const define = { APP_VERSION: JSON.stringify(version) };
  if (options.killSwitch) {
    await buildServiceWorker({ entry: join(FIXTURE, 'kill.sw.ts'), outDir, define, precache: false });
    return;
  }
  const result = await build({
    entryPoints: { main: join(FIXTURE, 'main.ts') },
    outdir: join(outDir, 'assets'),
    entryNames: '[name]-[hash]',
    chunkNames: 'chunk-[hash]',
    bundle: true,
    splitting: true,
    format: 'esm',
    target: 'es2022',
    conditions: ['outpost-source'],
    minify: true,
    metafile: true,
    logLevel: 'warning',
    define,
  });
  const entry = Object.entries(result.metafile.outputs).find(([, o]) => o.entryPoint?.endsWith('main.ts'))![0];
  writeFileSync(join(outDir, 'index.html'), readFileSync(join(FIXTURE, 'index.html'), 'utf8').replace('%ENTRY%', '/' + relative(outDir, entry)));
  writeIcons(join(outDir, 'icons'));
  writeWebManifest({
    outDir,
    manifest: {
      name: 'Outpost offline fixture',
      short_name: 'Fixture',
      theme_color: '#1a73e8',
      background_color: '#ffffff',
      icons: ICONS,
    },
  });
  await buildServiceWorker({ entry: join(FIXTURE, options.worker ?? 'service-worker.sw.ts'), outDir, define });
}
