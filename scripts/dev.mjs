#!/usr/bin/env node
// `npm run dev`: rebuild on save, serve the demo from the stub, reload the page after each
// rebuild. The service worker is not registered in dev builds (and any left from a production
// build is unregistered), so a tab never runs stale precached code while you edit.
import { appContexts } from './build-app.mjs';
import { buildLibrary } from './build.mjs';
import { spawn } from 'node:child_process';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const port = Number(process.env.PORT ?? 8787);
const reloadPort = port + 1;

await buildLibrary();
const [app] = await appContexts({ root, liveReloadUrl: `http://127.0.0.1:${reloadPort}/esbuild` });
await app.watch();
// esbuild's server is used only for its `/esbuild` change events; the stub serves the files.
await app.serve({ host: '127.0.0.1', port: reloadPort, servedir: join(root, 'dist/demo-app'), cors: { origin: `http://127.0.0.1:${port}` } });

const stub = spawn(process.execPath, [join(root, 'dist/server-stub/cli.js'), '--port', String(port), '--static', join(root, 'dist/demo-app')], {
  stdio: 'inherit',
});
console.log(`outpost dev: watching sources; edits rebuild and reload http://127.0.0.1:${port}/`);
const stop = async () => {
  stub.kill('SIGTERM');
  await app.dispose();
  process.exit(0);
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
