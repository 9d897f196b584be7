// Bundles an Outpost app (the demo) into hashed chunks plus its service worker.
import { build, context } from 'esbuild';
import { readFileSync, writeFileSync, mkdirSync, cpSync, existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import { buildDemoServer } from './build-demo-server.mjs';
import { buildServiceWorker, writeWebManifest } from './build-sw.mjs';
import { ICONS } from './make-icons.mjs';

/**
 * esbuild options shared by the one-shot build and the dev watcher.
 * @param {{ root: string, dev: boolean, liveReloadUrl?: string, outdir?: string }} opts
 *   `outdir` defaults to dist/demo-app (`npm run dev --out` builds elsewhere).
 */
export function appOptions({ root, dev, liveReloadUrl, outdir = join(root, 'dist/demo-app') }) {
  return {
    entryPoints: { main: join(root, 'demo-app/main.ts') },
    outdir: join(outdir, 'assets'),
    entryNames: '[name]-[hash]',
    chunkNames: 'chunk-[hash]',
    assetNames: '[name]-[hash]',
    bundle: true,
    splitting: true,
    // Resolve `outpost/*` self-imports to the TypeScript sources (see package.json exports).
    conditions: ['source'],
    format: 'esm',
    platform: 'browser',
    // `auto`/esnext targets leave decorators to the browser; es2022 lowers them.
    target: 'es2022',
    minify: !dev,
    sourcemap: true,
    metafile: true,
    logLevel: 'warning',
    define: {
      'import.meta.env.DEV': JSON.stringify(dev),
      'import.meta.env.LIVE_RELOAD_URL': JSON.stringify(liveReloadUrl ?? ''),
    },
    plugins: [htmlPlugin({ root, outdir })],
  };
}

/** Writes index.html pointing at the hashed entry after every (re)build. */
function htmlPlugin({ root, outdir }) {
  return {
    name: 'outpost-html',
    setup(b) {
      b.onEnd((result) => {
        if (result.errors.length || !result.metafile) return;
        const entry = Object.entries(result.metafile.outputs).find(([, o]) => o.entryPoint?.endsWith('demo-app/main.ts'));
        if (!entry) return;
        const src = '/' + relative(outdir, join(root, entry[0]));
        const html = readFileSync(join(root, 'demo-app/index.html'), 'utf8').replace('%ENTRY%', src);
        mkdirSync(outdir, { recursive: true });
        writeFileSync(join(outdir, 'index.html'), html);
        const pub = join(root, 'demo-app/public');
        if (existsSync(pub)) cpSync(pub, outdir, { recursive: true });
      });
    },
  };
}

/** The demo's web app manifest: what makes it installable. */
export const DEMO_MANIFEST = {
  name: 'Outpost Mail',
  short_name: 'Mail',
  description: 'A gmail-style mail client that works offline, built on Outpost.',
  start_url: '/',
  scope: '/',
  display: 'standalone',
  theme_color: '#1a73e8',
  background_color: '#ffffff',
  // Files in demo-app/public/icons, made by `node scripts/make-icons.mjs`.
  icons: ICONS,
};

/**
 * One-shot production (or dev) build of the app, its web manifest and, last (it precaches what
 * the others wrote), its service worker.
 */
export async function buildApp({ root, dev }) {
  await buildDemoServer({ root });
  const outDir = join(root, 'dist/demo-app');
  await build(appOptions({ root, dev }));
  writeWebManifest({ outDir, manifest: DEMO_MANIFEST });
  const version = dev ? 'dev' : `${JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version}+${Date.now().toString(36)}`;
  await buildServiceWorker({ entry: join(root, 'demo-app/service-worker.sw.ts'), outDir, dev, define: { APP_VERSION: JSON.stringify(version) } });
}

/** Watch-mode context for `npm run dev` (dev pages run without a service worker). */
export async function appContexts({ root, liveReloadUrl, outdir }) {
  return [await context(appOptions({ root, dev: true, liveReloadUrl, outdir }))];
}
