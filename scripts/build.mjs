#!/usr/bin/env node
// Builds the library (dist/<layer>/ + .d.ts), the demo app (dist/demo-app/, hashed chunks)
// and the service worker (dist/demo-app/sw.js). `--dev` keeps output unminified and wires
// live reload; see scripts/dev.mjs.
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { readdirSync, statSync, rmSync, mkdirSync, cpSync, chmodSync } from 'node:fs';
import { join } from 'node:path';
import { buildApp } from './build-app.mjs';

const root = new URL('..', import.meta.url).pathname;
const LIB_DIRS = ['runtime', 'components', 'sw', 'server-stub', 'testing'];

/** Every non-test TypeScript source below `dir`. */
export function sources(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...sources(path));
    else if (name.endsWith('.ts') && !name.endsWith('.d.ts') && !name.endsWith('.test.ts')) out.push(path);
  }
  return out;
}

export async function buildLibrary() {
  const entryPoints = LIB_DIRS.flatMap((d) => sources(join(root, d)));
  // One file in, one file out: the package stays tree-shakable and Node can run server-stub/ directly.
  await build({
    entryPoints,
    outdir: join(root, 'dist'),
    outbase: root,
    bundle: false,
    format: 'esm',
    platform: 'neutral',
    target: 'es2022',
    sourcemap: true,
    logLevel: 'warning',
  });
  // The service worker is typed against the WebWorker lib, which clashes with DOM: its own project.
  // outpost-build is JSDoc-typed JavaScript: its project checks it and writes the .d.ts it ships.
  for (const project of ['tsconfig.build.json', 'sw/tsconfig.json', 'build-tools/tsconfig.json']) {
    execFileSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(root, project)], {
      stdio: 'inherit',
    });
  }
}

/**
 * Lays out the server package (`outpost-server`, the server-stub/ workspace): its compiled files
 * and, from the client side, only the protocol module it shares, at the same relative paths so
 * its imports (`../runtime/protocol/index.js`) resolve unchanged.
 */
export function packServer() {
  const out = join(root, 'server-stub/dist');
  rmSync(out, { recursive: true, force: true });
  for (const dir of ['server-stub', 'runtime/protocol']) cpSync(join(root, 'dist', dir), join(out, dir), { recursive: true });
  for (const bin of ['server-stub/cli.js', 'server-stub/conformance/cli.js']) chmodSync(join(out, bin), 0o755);
}

async function main() {
  const dev = process.argv.includes('--dev');
  const started = Date.now();
  // Only the app folder is wiped (stale hashed chunks); library files are overwritten in place.
  rmSync(join(root, 'dist/demo-app'), { recursive: true, force: true });
  mkdirSync(join(root, 'dist'), { recursive: true });
  await buildLibrary();
  packServer();
  await buildApp({ root, dev });
  console.log(`outpost: built dist/ in ${Date.now() - started} ms`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
