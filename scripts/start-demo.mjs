#!/usr/bin/env node
// `npm start`: serves the built demo (dist/demo-app) and its server code (dist/demo-server) on the
// stub, seeded with the demo mailboxes, and says where to go and how to sign in.
// Run `npm run build` first (`npm start` does). PORT and OUTPOST_DATA override the defaults.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const port = process.env.PORT ?? '8787';
const data = process.env.OUTPOST_DATA ?? join(root, '.outpost-data');
const cli = join(root, 'dist/server-stub/cli.js');
const app = join(root, 'dist/demo-server/app.js');

for (const file of [cli, app, join(root, 'dist/demo-app/index.html')]) {
  if (!existsSync(file)) {
    console.error(`npm start: ${file} is missing. Build first: npm run build`);
    process.exit(1);
  }
}

const stub = spawn(process.execPath, [cli, '--port', port, '--data', data, '--app', app, '--seed', 'demo', '--static', join(root, 'dist/demo-app')], {
  stdio: ['ignore', 'pipe', 'inherit'],
});
let announced = false;
stub.stdout.setEncoding('utf8');
stub.stdout.on('data', (chunk) => {
  process.stdout.write(chunk);
  const m = /listening on (http:\/\/\S+)/.exec(chunk);
  if (m && !announced) {
    announced = true;
    console.log(`\nOutpost Mail is running: open ${m[1]}\nSign in as alice / alice or bob / bob (Ctrl-C stops the server).\n`);
  }
});
stub.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => stub.kill(sig));
