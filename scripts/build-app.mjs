// Builds the demo app with Outpost's app build (build-tools/, the `outpost-build` package authors
// use): hashed chunks, index.html, icons, web manifest and service worker in dist/demo-app.
import { context } from 'esbuild';
import { appBuildOptions, buildApp as buildOutpostApp } from '../build-tools/index.js';
import { buildDemoServer } from './build-demo-server.mjs';
import { ICONS } from './make-icons.mjs';

/**
 * What a signed-in start runs before its first rows, loaded with the entry: the mail route,
 * Outpost's store chunks and the router's URLPattern polyfill (Firefox ESR 140 has no URLPattern;
 * fetched once the router was made, it held Firefox's first rows back 29–43 ms). Sync and the
 * service-worker client start after the first view and load then: preloaded too, their chunks
 * made Firefox's offline start ~50 ms later (docs/benchmarks.md).
 */
export const DEMO_PRELOAD = ['demo-app/ui/mail-shell.ts', 'outpost/store', 'outpost/router'];

/** The demo's build options, relative to the repository root. */
function demoOptions({ root, dev, liveReloadUrl, outdir = 'dist/demo-app' }) {
  return {
    root,
    entry: 'demo-app/main.ts',
    html: 'demo-app/index.html',
    publicDir: 'demo-app/public',
    outDir: outdir,
    serviceWorker: 'demo-app/service-worker.sw.ts',
    preload: DEMO_PRELOAD,
    dev,
    // Resolve `outpost/*` self-imports to the TypeScript sources (see package.json exports).
    conditions: ['outpost-source'],
    define: { 'import.meta.env.LIVE_RELOAD_URL': JSON.stringify(liveReloadUrl ?? '') },
  };
}

/**
 * esbuild options shared by the one-shot build and the dev watcher.
 * @param {{ root: string, dev: boolean, liveReloadUrl?: string, outdir?: string }} opts
 *   `outdir` defaults to dist/demo-app (`npm run dev --out` builds elsewhere).
 */
export function appOptions(opts) {
  return appBuildOptions(demoOptions(opts));
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
 * One-shot production (or dev) build of the demo's server code, then the app, its web manifest
 * and, last (it precaches what the others wrote), its service worker.
 */
export async function buildApp({ root, dev }) {
  await buildDemoServer({ root });
  await buildOutpostApp({ ...demoOptions({ root, dev }), manifest: DEMO_MANIFEST });
}

/** Watch-mode context for `npm run dev` (dev pages run without a service worker). */
export async function appContexts({ root, liveReloadUrl, outdir }) {
  return [await context(appOptions({ root, dev: true, liveReloadUrl, outdir }))];
}
