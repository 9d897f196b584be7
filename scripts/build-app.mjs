// Bundles an Outpost app (the demo) into hashed chunks plus its service worker.
import { build, context } from 'esbuild';
import { readFileSync, writeFileSync, mkdirSync, cpSync, existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import { buildDemoServer } from './build-demo-server.mjs';

/**
 * esbuild options shared by the one-shot build and the dev watcher.
 * @param {{ root: string, dev: boolean, liveReloadUrl?: string }} opts
 */
export function appOptions({ root, dev, liveReloadUrl }) {
  const outdir = join(root, 'dist/demo-app');
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

/** esbuild options for the service worker: one classic-script-compatible file at the scope root. */
export function swOptions({ root, dev }) {
  return {
    entryPoints: [join(root, 'sw/service-worker.ts')],
    outfile: join(root, 'dist/demo-app/sw.js'),
    bundle: true,
    format: 'iife',
    conditions: ['source'],
    platform: 'browser',
    target: 'es2022',
    minify: !dev,
    sourcemap: true,
    logLevel: 'warning',
    define: { 'process.env.NODE_ENV': JSON.stringify(dev ? 'development' : 'production') },
  };
}

/** One-shot production (or dev) build of the app and its service worker. */
export async function buildApp({ root, dev }) {
  await buildDemoServer({ root });
  await build(appOptions({ root, dev }));
  await build(swOptions({ root, dev }));
}

/** Watch-mode contexts for `npm run dev`. */
export async function appContexts({ root, liveReloadUrl }) {
  return [await context(appOptions({ root, dev: true, liveReloadUrl })), await context(swOptions({ root, dev: true }))];
}
