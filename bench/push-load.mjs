// What the stub push benchmarks send, and how they read a process's CPU: shared by
// stub-backends.bench.mjs, profile-stub-push.mjs and pair-stub-push.mjs so their figures compare.
import { build } from 'esbuild';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

let counter = 0;

/** A push of one ~330-byte email-like put, a new client id and key every call. */
export function onePutPush() {
  const n = ++counter;
  const k = `${process.pid}-${n}`;
  return JSON.stringify({ protocol: 1, clientId: `bench-${k}`, mutations: [{ id: 1, name: 'put', collection: 'messages', key: `m${k}`, baseRev: 0, value: { subject: `Quarterly report ${k}`, from: 'alice@example.test', to: ['bob@example.test'], snippet: 'Please find attached the numbers for the last quarter, as discussed on Monday.', labels: ['INBOX', 'UNREAD'], date: 1764000000000 + n } }] });
}

/** CPU seconds (user + system) used so far by process `pid`: all its threads, or its main thread (the event loop) only. */
export function cpuSeconds(pid, mainThread = false) {
  const fields = readFileSync(mainThread ? `/proc/${pid}/task/${pid}/stat` : `/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/**
 * Bundles a checkout's stub to plain JS in `outdir` (`cli.mjs`), with the SQLite writer thread's
 * entry beside it where the checkout has one (the stub starts it from its own directory). Resolves
 * to the CLI's path.
 */
export async function bundleStub(root, outdir) {
  const writer = join(root, 'server-stub/storage/sqlite-writer.ts');
  await build({
    entryPoints: { cli: join(root, 'server-stub/cli.ts'), ...(existsSync(writer) ? { 'sqlite-writer': writer } : {}) },
    bundle: true,
    platform: 'node',
    format: 'esm',
    packages: 'external',
    outdir,
    outExtension: { '.js': '.mjs' },
    logLevel: 'warning',
  });
  return join(outdir, 'cli.mjs');
}
