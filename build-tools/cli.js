#!/usr/bin/env node
// `outpost build`: builds the app in the current folder (options from outpost.config.js).
import { parseArgs } from 'node:util';
import { relative } from 'node:path';
import { buildApp } from './app.js';
import { loadConfig } from './config.js';

const USAGE = `Usage: outpost build [--dev] [--config <file>] [--out <dir>] [--base <path>]

Builds the app in the current folder: the page bundle (src/main.ts), index.html, public/, the web
manifest and the precaching service worker (src/sw.ts), into dist/. Options come from
outpost.config.js (export default { entry, html, publicDir, outDir, serviceWorker, manifest, … }).

  --dev            unminified, import.meta.env.DEV true, worker version "dev"
  --config <file>  the config file (default: outpost.config.js or outpost.config.mjs)
  --out <dir>      the output folder (default: the config's outDir, else dist)
  --base <path>    the path the app is served under, e.g. /my-app/ (default: the config's base, else /)`;

async function main() {
  let parsed;
  try {
    parsed = parseArgs({
      allowPositionals: true,
      options: { dev: { type: 'boolean' }, config: { type: 'string' }, out: { type: 'string' }, base: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    });
  } catch (err) {
    // Node's message for an unknown option advises passing it after `--` as a positional: wrong here.
    console.error(`outpost: ${optionError(err)} Run 'outpost --help' for the options.`);
    process.exitCode = 2;
    return;
  }
  const { values, positionals } = parsed;
  if (values.help || positionals[0] === 'help') return console.log(USAGE);
  if (positionals[0] !== 'build' || positionals.length > 1) {
    console.error(`outpost: unknown command '${positionals.join(' ')}'.\n\n${USAGE}`);
    process.exitCode = 2;
    return;
  }
  const started = Date.now();
  const config = await loadConfig({ file: values.config });
  const { outDir, version, precached } = await buildApp({ ...config, ...(values.out ? { outDir: values.out } : {}), ...(values.base !== undefined ? { base: values.base } : {}), ...(values.dev ? { dev: true } : {}) });
  console.log(`outpost build: ${relative(process.cwd(), outDir) || '.'} (version ${version}, ${precached.count} files precached) in ${Date.now() - started} ms`);
}

/**
 * parseArgs's error, without its advice to pass an unknown option after `--`, as a sentence.
 * @param {unknown} err
 */
function optionError(err) {
  const message = (err instanceof Error ? err.message : String(err)).replace(/\. To specify a positional argument[\s\S]*$/, '');
  return message.endsWith('.') ? message : `${message}.`;
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 1;
});
