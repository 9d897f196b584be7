import { test } from 'node:test';
import assert from 'node:assert/strict';
import { build } from 'esbuild';

const root = new URL('../..', import.meta.url).pathname;

/** The source files a bundle of `source` reads (paths relative to the repo). */
async function inputsOf(source: string): Promise<string[]> {
  const result = await build({
    stdin: { contents: source, resolveDir: root, loader: 'ts' },
    bundle: true,
    write: false,
    metafile: true,
    format: 'esm',
    platform: 'neutral',
    conditions: ['outpost-source'],
    logLevel: 'silent',
  });
  return Object.keys(result.metafile.inputs);
}

// What a page-only layer pulls in: Lit, the router, the app shell, the SW client, components.
const PAGE_ONLY = /node_modules\/(lit|lit-html|lit-element|@lit|@lit-labs|workbox-window|urlpattern-polyfill)\/|runtime\/(router|app|sw-client|install)\/|components\/|live-query-controller|sync-status-controller/;

test('outpost/core bundles without Lit, the router, the app shell or the service-worker client', async () => {
  const inputs = await inputsOf(`import * as core from 'outpost/core'; globalThis.k = core;`);
  assert.ok(inputs.some((i) => i.includes('runtime/store/store.ts')) && inputs.some((i) => i.includes('runtime/sync/engine.ts')), 'the store and the engine are in core');
  assert.deepEqual(inputs.filter((i) => PAGE_ONLY.test(i)), []);
});

test('outpost/sw builds on outpost/core and pulls in no page-only layer', async () => {
  const inputs = await inputsOf(`import * as sw from 'outpost/sw'; globalThis.k = sw;`);
  assert.ok(inputs.some((i) => i.endsWith('runtime/core.ts')), 'outpost/sw imports the core entry');
  assert.deepEqual(inputs.filter((i) => PAGE_ONLY.test(i)), []);
});

test('the root outpost entry re-exports every name of outpost/core', async () => {
  const core = await import('outpost/core');
  const rootEntry: Record<string, unknown> = await import('outpost');
  const missing = Object.keys(core).filter((name) => rootEntry[name] !== (core as Record<string, unknown>)[name]);
  assert.deepEqual(missing, []);
  assert.ok(Object.keys(core).includes('createSync') && Object.keys(core).includes('openStore'));
});
