// Builds the demo's server code (the stub's `--app` module) into one ESM file for Node:
// dist/demo-server/app.js. It lives outside dist/demo-app so the static server never hands it
// out. Bare imports stay external (resolved from node_modules, or the package itself, at run time).
import { build } from 'esbuild';
import { join } from 'node:path';

/** esbuild options for demo-app/server/app.ts → dist/demo-server/app.js. */
export function demoServerOptions({ root }) {
  return {
    entryPoints: [join(root, 'demo-app/server/app.ts')],
    outfile: join(root, 'dist/demo-server/app.js'),
    bundle: true,
    packages: 'external',
    format: 'esm',
    platform: 'node',
    target: 'node20',
    sourcemap: true,
    logLevel: 'warning',
  };
}

/** One-shot build of the demo's server code. */
export async function buildDemoServer({ root }) {
  await build(demoServerOptions({ root }));
}
