// The build's modulepreload links: what a start needs is fetched in one wave with the entry, what it
// does not need stays lazy, and a `preload` naming no module of the bundle fails the build.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
// @ts-expect-error -- build tools are plain JavaScript; their types come from dist/ once built.
import { buildApp } from '../../build-tools/index.js';
// @ts-expect-error -- as above.
import { FRAMEWORK_PRELOADS } from '../../build-tools/preload.js';

const root = new URL('../..', import.meta.url).pathname;

/**
 * An app whose entry imports `util` statically and two routes lazily: `inbox` (which imports
 * `rows`, as `rare` does too, so `rows` is a chunk of its own) and `rare`.
 */
function appFolder(): string {
  const dir = mkdtempSync(join(tmpdir(), 'outpost-preload-'));
  mkdirSync(join(dir, 'src'));
  const files: Record<string, string> = {
    'main.ts': "import { util } from './util.js';\nexport const routes = { inbox: () => import('./inbox.js'), rare: () => import('./rare.js') };\nconsole.log(util);\n",
    'util.ts': "export const util = 'util';\n",
    'inbox.ts': "import { util } from './util.js';\nimport { rows } from './rows.js';\nexport const inbox = util + rows + 'inbox';\n",
    'rare.ts': "import { rows } from './rows.js';\nexport const rare = rows + 'rare';\n",
    'rows.ts': "export const rows = 'rows';\n",
  };
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, 'src', name), text);
  writeFileSync(join(dir, 'index.html'), '<!doctype html><html><head><title>T</title><script type="module" src="%ENTRY%"></script></head><body></body></html>');
  return dir;
}

/** The chunks index.html preloads, each named by the app modules it holds. */
function preloaded(out: string): string[][] {
  const html = readFileSync(join(out, 'index.html'), 'utf8');
  const hrefs = [...html.matchAll(/<link rel="modulepreload" href="\/([^"]+)"/g)].map((m) => m[1]);
  assert.ok(hrefs.every((h) => existsSync(join(out, h))), `every preloaded chunk exists: ${hrefs.join(', ')}`);
  assert.ok(html.indexOf('modulepreload') > html.indexOf('<script type="module"'), 'the entry is asked for first');
  // Unminified: esbuild heads each module's code with a `// src/<file>` comment.
  return hrefs.map((h) => [...readFileSync(join(out, h), 'utf8').matchAll(/^\/\/ src\/(\w+)\.ts$/gm)].map((m) => m[1]).sort()).sort();
}

describe('modulepreload', () => {
  test("preloads the entry's static imports and the `preload` routes with theirs, not the other lazy routes", async () => {
    const dir = appFolder();
    try {
      const { outDir } = await buildApp({ root: dir, serviceWorker: null, dev: true });
      assert.deepEqual(preloaded(outDir), [['util']], 'without `preload`: only what the entry imports');
      const again = await buildApp({ root: dir, serviceWorker: null, dev: true, preload: ['src/inbox.ts'] });
      assert.deepEqual(preloaded(again.outDir), [['inbox'], ['rows'], ['util']], 'the route and the chunk it imports; rare.ts stays lazy');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('fails naming a `preload` module the bundle does not hold, or a part of Outpost it does not know', async () => {
    const dir = appFolder();
    try {
      await assert.rejects(buildApp({ root: dir, serviceWorker: null, dev: true, preload: ['src/inbx.ts'] }), /preload names 'src\/inbx\.ts', which the bundle does not hold/);
      // The app imports nothing of Outpost: its store's chunks are not in the bundle.
      await assert.rejects(buildApp({ root: dir, serviceWorker: null, dev: true, preload: ['outpost/store'] }), /preload names 'outpost\/store', which the bundle does not hold/);
      await assert.rejects(buildApp({ root: dir, serviceWorker: null, dev: true, preload: ['outpost/stor'] }), /'outpost\/stor', which is not a part of Outpost that loads lazily\. Use one of outpost\/store, outpost\/sync, outpost\/service-worker, outpost\/router/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("the framework's parts an app may preload exist and are loaded lazily, so their chunks are there to preload", () => {
    for (const path of Object.values(FRAMEWORK_PRELOADS as Record<string, string[]>).flat()) {
      assert.ok(existsSync(join(root, `${path}.ts`)), `${path}.ts exists`);
      const base = path.split('/').pop();
      const folder = join(root, path.split('/').slice(0, -1).join('/'));
      const importers = readdirSync(folder).filter((f) => f.endsWith('.ts') && readFileSync(join(folder, f), 'utf8').includes(`import('./${base}.js')`));
      assert.ok(importers.length, `${path} is imported with import() (a chunk of its own)`);
    }
  });
});
