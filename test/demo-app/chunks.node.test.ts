// What the demo's cold start loads before the inbox paints: the mail route's chunk and the chunks
// it imports statically, preloaded by the page with the entry. The views a first inbox does
// without come later (more-views.ts).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { build, type Metafile } from 'esbuild';
// @ts-expect-error the build script is plain JavaScript without types
import { appOptions } from '../../scripts/build-app.mjs';
// @ts-expect-error plain JavaScript without types
import { appBuildOptions } from '../../build-tools/index.js';

const root = new URL('../..', import.meta.url).pathname;

/** The outputs loaded with `output` (its static imports, transitively), itself included. */
function withStaticImports(metafile: Metafile, output: string, seen = new Set<string>()): Set<string> {
  if (seen.has(output)) return seen;
  seen.add(output);
  for (const i of metafile.outputs[output].imports) if (i.kind === 'import-statement') withStaticImports(metafile, i.path, seen);
  return seen;
}

test('the mail route loads without the conversation view, compose, the drafts list, the conflict inbox, the refused changes and DOMPurify; they are built into a later chunk', async () => {
  const options = appOptions({ root, dev: false }) as Parameters<typeof build>[0];
  const { metafile } = await build({ ...options, entryPoints: { main: join(root, 'demo-app/main.ts') }, outdir: join(root, '.tmp/chunks-test'), write: false, metafile: true, sourcemap: false, plugins: [], logLevel: 'silent' });
  const inputsOf = (outputs: Iterable<string>) => [...outputs].flatMap((o) => Object.keys(metafile.outputs[o].inputs));
  const route = Object.keys(metafile.outputs).find((o) => 'demo-app/ui/mail-shell.ts' in metafile.outputs[o].inputs);
  assert.ok(route, 'a chunk holds mail-shell.ts');
  const atStart = inputsOf(withStaticImports(metafile, route));
  const later = /demo-app\/ui\/(thread-view|compose-panel|drafts-list|message-body)\.ts$|components\/(conflict-inbox|rejections|inspector)\.ts$|node_modules\/dompurify\//;
  assert.ok(atStart.some((i) => i.endsWith('demo-app/ui/thread-list.ts')), 'the inbox list is in the route');
  assert.deepEqual(atStart.filter((i) => later.test(i)), []);
  const all = inputsOf(Object.keys(metafile.outputs));
  for (const view of ['thread-view', 'compose-panel', 'drafts-list']) assert.ok(all.some((i) => i.endsWith(`demo-app/ui/${view}.ts`)), `${view} is built`);
});

test("the built page preloads the mail route's chunks, the store's and the URLPattern polyfill, not sync, the service-worker client, the later views, the sign-in page or a schema upgrade", async () => {
  const outdir = join(root, '.tmp/chunks-test-page');
  const options = appOptions({ root, dev: false, outdir }) as Parameters<typeof build>[0];
  const { metafile } = await build({ ...options, sourcemap: false, logLevel: 'silent' });
  const html = readFileSync(join(outdir, 'index.html'), 'utf8');
  const preloaded = [...html.matchAll(/<link rel="modulepreload" href="\/([^"]+)"/g)].map((m) => relative(root, join(outdir, m[1])));
  const inputs = preloaded.flatMap((o) => Object.keys(metafile!.outputs[o]?.inputs ?? {}));
  for (const path of ['demo-app/ui/mail-shell.ts', 'demo-app/ui/thread-list.ts', 'runtime/store/live.ts', 'runtime/store/page-read.ts', 'runtime/router/url-pattern.ts']) {
    assert.ok(inputs.includes(path), `${path} is preloaded`);
  }
  assert.ok(inputs.some((i) => /node_modules\/urlpattern-polyfill\/dist\//.test(i)), 'the polyfill itself is preloaded (Firefox ESR 140 has no URLPattern)');
  // Sync and the service worker start after the first view: preloaded, they delayed its rows.
  const lazy = /demo-app\/ui\/(thread-view|compose-panel|sign-in-page)\.ts$|runtime\/store\/upgrade\.ts$|runtime\/sync\/(conflict-resolve|cycle|election)\.ts$|runtime\/sw-client\/service-worker-client\.ts$|node_modules\/(dompurify|workbox-window)\//;
  assert.deepEqual(inputs.filter((i) => lazy.test(i)), []);
});

test("a page that lists none of Outpost's parts in preload (the blank anchor) preloads none of their chunks, though its bundle holds them", async () => {
  const outdir = join(root, '.tmp/chunks-test-blank');
  const options = appBuildOptions({ root, entry: 'bench/blank-app/main.ts', html: 'bench/blank-app/index.html', outDir: outdir, publicDir: 'demo-app/public', conditions: ['outpost-source'] }) as Parameters<typeof build>[0];
  const { metafile } = await build({ ...options, sourcemap: false, logLevel: 'silent' });
  const html = readFileSync(join(outdir, 'index.html'), 'utf8');
  const preloaded = [...html.matchAll(/<link rel="modulepreload" href="\/([^"]+)"/g)].map((m) => relative(root, join(outdir, m[1])));
  const inputs = preloaded.flatMap((o) => Object.keys(metafile!.outputs[o]?.inputs ?? {}));
  const all = Object.keys(metafile!.outputs).flatMap((o) => Object.keys(metafile!.outputs[o].inputs));
  const lazyParts = /runtime\/(store\/(page-read|live|word-index)|sync\/cycle|sw-client\/service-worker-client|router\/url-pattern)\.ts$/;
  assert.ok(all.some((i) => lazyParts.test(i)), 'the bundle holds some of them');
  assert.deepEqual(inputs.filter((i) => lazyParts.test(i)), []);
});
