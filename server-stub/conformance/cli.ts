#!/usr/bin/env node
// `outpost-conformance`: check any sync server against protocol v1.
import { parseArgs } from 'node:util';
import { runConformance } from './run.js';
import { parseDuration } from '../duration.js';

const HELP = `Usage: outpost-conformance --url <base> --user <name> --password <pw> [options]

Runs the Outpost sync protocol v1 conformance checks (docs/protocol.md) against a server.

Options:
  --url <base>               the server's base URL, e.g. http://127.0.0.1:8787
  --user <name>              a user the server accepts
  --password <pw>            that user's password
  --other-user <name>        a second user, to check per-user isolation
  --other-password <pw>      the second user's password
  --tombstone-retention <t>  the server's tombstone retention if ≤ 10s (e.g. 1s): checks 410
  --help                     show this help

Exit code: 0 when every check that ran passed, 1 when one failed, 2 for bad arguments.
`;

async function main(): Promise<void> {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        url: { type: 'string' },
        user: { type: 'string' },
        password: { type: 'string' },
        'other-user': { type: 'string' },
        'other-password': { type: 'string' },
        'tombstone-retention': { type: 'string' },
        help: { type: 'boolean' },
      },
      strict: true,
    }));
  } catch (err) {
    fail(`${(err as Error).message}. Run 'outpost-conformance --help' for the options.`);
  }
  if (values.help) return void process.stdout.write(HELP);
  const { url, user, password } = values;
  if (!url || !user || password === undefined) fail('--url, --user and --password are required, e.g. --url http://127.0.0.1:8787 --user alice --password alice.');
  try {
    new URL(url);
  } catch {
    fail(`--url '${url}' is not a URL; pass the server's base URL, e.g. http://127.0.0.1:8787.`);
  }
  if ((values['other-user'] === undefined) !== (values['other-password'] === undefined)) fail('--other-user and --other-password go together.');
  let tombstoneRetentionMs: number | undefined;
  try {
    tombstoneRetentionMs = values['tombstone-retention'] === undefined ? undefined : parseDuration(values['tombstone-retention'], '--tombstone-retention');
  } catch (err) {
    fail((err as Error).message);
  }
  const report = await runConformance({
    url,
    user,
    password,
    otherUser: values['other-user'] === undefined ? undefined : { user: values['other-user'], password: values['other-password']! },
    tombstoneRetentionMs,
    onResult(r) {
      const mark = r.status === 'passed' ? '✓' : r.status === 'failed' ? '✗' : '-';
      console.log(`${mark} ${r.name}${r.status === 'passed' ? ` (${r.ms} ms)` : `: ${r.reason}`}`);
    },
  });
  console.log(`\n${report.passed} passed, ${report.failed} failed, ${report.skipped} skipped`);
  process.exitCode = report.failed ? 1 : 0;
}

function fail(message: string): never {
  console.error(`outpost-conformance: ${message}`);
  process.exit(2);
}

main().catch((err: unknown) => {
  console.error(`outpost-conformance: could not run the checks: ${(err as Error)?.message ?? err}`);
  process.exit(1);
});
