// What the stub push benchmarks send, and how they read a process's CPU: shared by
// stub-backends.bench.mjs, profile-stub-push.mjs and pair-stub-push.mjs so their figures compare.
import { build } from 'esbuild';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

let counter = 0;

/**
 * Client ids the pushes take turns with: within the stub's default --max-clients (1000), and each
 * client pushes again, as devices do (a client's first push on a node takes the general path).
 */
const CLIENTS = 500;

/**
 * A push of `batch` ~330-byte email-like puts of new keys (every push is a real write), from one of
 * CLIENTS client ids in turn. Mutation ids grow with every call, so each client's do too; a push
 * overtaken by a later one of its client (500 calls apart) would answer `duplicate`.
 */
export function putPush(batch = 1) {
  const n = ++counter;
  const mutations = [];
  for (let i = 1; i <= batch; i++) {
    const k = `${process.pid}-${n}-${i}`;
    mutations.push({ id: n * batch + i, name: 'put', collection: 'messages', key: `m${k}`, baseRev: 0, value: { subject: `Quarterly report ${k}`, from: 'alice@example.test', to: ['bob@example.test'], snippet: 'Please find attached the numbers for the last quarter, as discussed on Monday.', labels: ['INBOX', 'UNREAD'], date: 1764000000000 + n } });
  }
  return JSON.stringify({ protocol: 1, clientId: `bench-${process.pid}-${n % CLIENTS}`, mutations });
}

/** A push of one put (see {@link putPush}). */
export const onePutPush = () => putPush(1);

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
