#!/usr/bin/env node
// `npm run dev`: the demo from sources with its server code. Edits to the app rebuild it and reload
// open pages; edits to the server code (demo-app/server and what it imports) rebuild it and restart
// the stub on the same port and data. Pages run without a service worker, and /sw.js is a kill
// switch, so a browser that last saw a production build of this origin drops its precached shell
// instead of serving it.
//
//   npm run dev [-- --port 8787 --data .outpost-data --app demo-app/server/app.ts --seed demo --out .tmp/dev]
//
// PORT and OUTPOST_DATA work as for `npm start`; live reload uses port + 1, or a free port when
// another program holds that one.
import { context } from 'esbuild';
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { appContexts } from './build-app.mjs';
import { freePort } from './free-port.mjs';
import { demoServerOptions } from './build-demo-server.mjs';
import { buildServiceWorker } from '../build-tools/index.js';

const root = new URL('..', import.meta.url).pathname;
const { values } = parseArgs({
  options: {
    port: { type: 'string', default: process.env.PORT ?? '8787' },
    data: { type: 'string', default: process.env.OUTPOST_DATA ?? join(root, '.outpost-data') },
    app: { type: 'string', default: join(root, 'demo-app/server/app.ts') },
    seed: { type: 'string', default: 'demo' },
    'seed-size': { type: 'string' },
    out: { type: 'string', default: join(root, '.tmp/dev') },
  },
  strict: true,
});
const port = Number(values.port);
if (!Number.isInteger(port) || port < 1 || port > 65534) {
  console.error(`npm run dev: --port must be a whole number from 1 to 65534, got '${values.port}'.`);
  process.exit(1);
}
const out = resolve(values.out);
const site = join(out, 'demo-app');
const serverBundle = join(out, 'demo-server/app.js');
mkdirSync(site, { recursive: true });

// The dev origin's /sw.js: see scripts/dev-kill-switch.sw.ts.
await buildServiceWorker({ entry: join(root, 'scripts/dev-kill-switch.sw.ts'), outDir: site, dev: true, precache: false, conditions: ['outpost-source'] });

const reloadPort = await freePort(port + 1);
const [app] = await appContexts({ root, liveReloadUrl: `http://127.0.0.1:${reloadPort}/esbuild`, outdir: site });
await app.watch();
// esbuild's server is used only for its `/esbuild` change events; the stub serves the files.
await app.serve({ host: '127.0.0.1', port: reloadPort, servedir: site, cors: { origin: `http://127.0.0.1:${port}` } });

// The stub runs from sources (tsx), so `outpost/*` in the server code needs no library build.
const stubArgs = () => {
  const args = ['--import', 'tsx', '--conditions=outpost-source', join(root, 'server-stub/cli.ts'), '--port', String(port), '--data', values.data, '--app', serverBundle, '--seed', values.seed, '--static', site];
  if (values['seed-size']) args.push('--seed-size', values['seed-size']);
  return args;
};
/** @type {import('node:child_process').ChildProcess | undefined} */
let stub;
let stopping = false;
let restarts = Promise.resolve();
function startStub() {
  const child = spawn(process.execPath, stubArgs(), { stdio: 'inherit', cwd: root });
  child.on('exit', (code, signal) => {
    if (stub === child && !stopping) console.error(`outpost dev: the server exited (${signal ?? `code ${code}`}); it restarts on the next edit of its code.`);
  });
  stub = child;
}
async function stopStub() {
  const child = stub;
  stub = undefined;
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
}

// The server code is bundled by esbuild in watch mode, so a change anywhere in what it imports
// rebuilds it; each successful build (re)starts the stub with the new code.
let firstServerBuild = true;
const server = await context({
  ...demoServerOptions({ root }),
  entryPoints: [resolve(values.app)],
  outfile: serverBundle,
  plugins: [{
    name: 'restart-stub',
    setup(b) {
      b.onEnd((result) => {
        if (result.errors.length || stopping) return;
        if (!firstServerBuild) console.log('outpost dev: server code changed; restarting the server');
        firstServerBuild = false;
        restarts = restarts.then(stopStub).then(startStub);
      });
    },
  }],
});
await server.watch();
console.log(`outpost dev: watching sources; edits rebuild and reload http://127.0.0.1:${port}/`);

const stop = async () => {
  stopping = true;
  await restarts;
  await stopStub();
  await Promise.all([app.dispose(), server.dispose()]);
  process.exit(0);
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
