#!/usr/bin/env node
// `npm create outpost@latest my-app`: copies the starter app (template/) into my-app, names it,
// pins it to this release of the Outpost packages, and installs its dependencies.
import { spawnSync } from 'node:child_process';
import { relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { scaffold } from './scaffold.js';

const USAGE = `Usage: npm create outpost@latest <folder> [-- --no-install]

Creates an offline-first Outpost app in <folder>: store, sync, router, a component, service worker
and manifest, build/serve/test scripts. Then: cd <folder> && npm start (and npm test).`;

function main() {
  let parsed;
  try {
    parsed = parseArgs({ allowPositionals: true, options: { 'no-install': { type: 'boolean' }, help: { type: 'boolean', short: 'h' } } });
  } catch (err) {
    // Node's message for an unknown option advises passing it after `--` as a positional: here
    // that names a second folder. Only --no-install and --help exist.
    const message = (err instanceof Error ? err.message : String(err)).replace(/\. To specify a positional argument[\s\S]*$/, '').replace(/\.?$/, '.');
    console.error(`create-outpost: ${message} The options: --no-install, --help.\n\n${USAGE}`);
    process.exitCode = 2;
    return;
  }
  const { values, positionals } = parsed;
  if (values.help) return console.log(USAGE);
  if (positionals.length !== 1) {
    console.error(`create-outpost: name the folder to create.\n\n${USAGE}`);
    process.exitCode = 2;
    return;
  }
  const dir = positionals[0];
  scaffold(dir);
  const shown = relative(process.cwd(), resolve(dir)) || '.';
  console.log(`Created ${shown}.`);
  if (!values['no-install']) {
    const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
    const r = spawnSync(npm, ['install', '--no-audit', '--no-fund'], { cwd: dir, stdio: 'inherit' });
    if (r.status !== 0) {
      console.error(`create-outpost: npm install failed in ${shown}; fix the error above, then run it again there.`);
      process.exitCode = 1;
      return;
    }
  }
  // Before the packages are on npm, `npm install` answers 404: the packed ones install instead.
  const install = "\n  npm install   # before Outpost is on npm: its packed packages instead (Outpost's README, 'Start an app')";
  console.log(`\nNext:\n  cd ${shown}${values['no-install'] ? install : ''}\n  npm start   # the app on http://127.0.0.1:8787\n  npm test    # its tests in headless Chromium`);
}

try {
  main();
} catch (err) {
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 1;
}
