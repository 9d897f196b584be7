// What README.md and docs/*.md name as contracts exists in the code as named: every command-line
// flag is one a CLI or script of this repository parses (or an outside tool's, listed below), every
// CSS custom property is one a component reads, and the docs' lists of error codes are the code's
// lists (the protocol's status table is ERROR_STATUS, store.md's table StoreErrorCode, sync.md's
// list SyncErrorCode). docs/benchmarks.md, recorded measurements, is left out.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ERROR_STATUS } from '../../runtime/protocol/index.js';

const root = new URL('../..', import.meta.url).pathname.replace(/\/$/, '');
const read = (path: string) => readFileSync(join(root, path), 'utf8');
const docs = ['README.md', ...readdirSync(join(root, 'docs')).filter((f) => f.endsWith('.md') && f !== 'benchmarks.md').sort().map((f) => `docs/${f}`)];

/** Each occurrence of `pattern` in the docs, with the doc and line it is on. */
function occurrences(pattern: RegExp): Array<{ at: string; name: string }> {
  const found: Array<{ at: string; name: string }> = [];
  for (const doc of docs) {
    read(doc).split('\n').forEach((line, i) => {
      for (const m of line.matchAll(pattern)) found.push({ at: `${doc}:${i + 1}`, name: m[1]! });
    });
  }
  return found;
}

/** Flags of outside tools the docs show (npm, node, Chromium), not parsed by anything here. */
const OUTSIDE_FLAGS = ['--workspaces', '--ignore-scripts', '--include-workspace-root', '--pack-destination', '--yes', '--package', '--test', '--conditions', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'];

test('every --flag the docs name is one a CLI or script of the repository takes', () => {
  const node = (args: string[]) => execFileSync(process.execPath, args, { cwd: root, encoding: 'utf8' });
  const help = [
    node(['--import', 'tsx', '--conditions=outpost-source', 'server-stub/cli.ts', '--help']),
    node(['--import', 'tsx', '--conditions=outpost-source', 'server-stub/conformance/cli.ts', '--help']),
    node(['build-tools/cli.js', '--help']),
    node(['create-outpost/index.js', '--help']),
  ].join('\n');
  const known = new Set([...help.matchAll(/(--[a-z][a-z0-9-]*)/g)].map((m) => m[1]!));
  // The repository's own scripts (npm run dev, test:soak, mutants-sync) parse theirs with parseArgs.
  for (const script of ['scripts/dev.mjs', 'scripts/soak-sync.mjs', 'scripts/mutants-sync.mjs']) {
    const options = /options: \{([\s\S]*?)\n {2}\}/.exec(read(script))?.[1];
    assert.ok(options, `${script}: no parseArgs options found; update this test`);
    for (const m of options.matchAll(/^\s+'?([a-z][a-z0-9-]*)'?: \{/gm)) known.add(`--${m[1]!}`);
  }
  for (const flag of OUTSIDE_FLAGS) known.add(flag);
  // A flag is `--name` after a space, a backtick, a bracket or a line start; CSS properties
  // (`--outpost-…`) are checked below.
  const unknown = occurrences(/(?:^|[\s`[(])(--[a-z][a-z0-9-]*)/g).filter(({ name }) => !name.startsWith('--outpost-') && !known.has(name));
  assert.deepEqual(unknown.map(({ at, name }) => `${at}: ${name}`), [], 'flags no CLI (--help) or script (parseArgs) of this repository takes');
});

test('every --outpost-* CSS custom property the docs name is one a component reads', () => {
  const components = readdirSync(join(root, 'components')).filter((f) => f.endsWith('.ts')).map((f) => read(`components/${f}`)).join('\n');
  const used = new Set([...components.matchAll(/var\((--outpost-[a-z0-9-]+)/g)].map((m) => m[1]!));
  // `--outpost-` alone is the prefix the docs speak of.
  const unknown = occurrences(/(--outpost-[a-z0-9-]*[a-z0-9])/g).filter(({ name }) => !used.has(name));
  assert.deepEqual(unknown.map(({ at, name }) => `${at}: ${name}`), [], 'CSS custom properties no component reads with var()');
});

test('protocol.md’s error table is ERROR_STATUS: every code with its status, no other', () => {
  const section = /\n## Errors\n([\s\S]*?)\n### /.exec(read('docs/protocol.md'))?.[1];
  assert.ok(section, 'docs/protocol.md has no "## Errors" section followed by a ### heading');
  const documented: Record<string, number> = {};
  for (const row of section.matchAll(/^\| (\d{3}) \| ([^|]+) \|/gm)) {
    for (const code of row[2]!.matchAll(/`([a-z-]+)`/g)) documented[code[1]!] = Number(row[1]);
  }
  assert.deepEqual(documented, { ...ERROR_STATUS });
});

/** The members of a string union type `name` in `file`. */
function union(file: string, name: string): string[] {
  const body = new RegExp(`export type ${name} =([^;]+);`).exec(read(file))?.[1];
  assert.ok(body, `${file}: no 'export type ${name}'`);
  return [...body.matchAll(/'([a-z-]+)'/g)].map((m) => m[1]!).sort();
}

test('store.md’s error table is StoreErrorCode', () => {
  const section = /\n## Errors\n([\s\S]*?)\n## /.exec(read('docs/store.md'))?.[1];
  assert.ok(section, 'docs/store.md has no "## Errors" section');
  const documented = [...section.matchAll(/^\| ([^|]+) \|/gm)].flatMap((row) => [...row[1]!.matchAll(/`([a-z-]+)`/g)].map((m) => m[1]!));
  assert.deepEqual(documented.sort(), union('runtime/store/errors.ts', 'StoreErrorCode'));
});

test('sync.md’s list of error codes is SyncErrorCode', () => {
  const bullet = /\n- \*\*Errors\*\* are coded:([\s\S]*?)\n- \*\*/.exec(read('docs/sync.md'))?.[1];
  assert.ok(bullet, 'docs/sync.md has no "- **Errors** are coded:" bullet');
  const list = /\(`SyncErrorCode`:([\s\S]*?)\); the message/.exec(bullet)?.[1];
  assert.ok(list, "docs/sync.md's Errors bullet no longer lists SyncErrorCode in parentheses");
  const documented = new Set([...list.matchAll(/`([a-z-]+)`/g)].map((m) => m[1]!));
  const missing = union('runtime/sync/request-error.ts', 'SyncErrorCode').filter((code) => !documented.delete(code));
  assert.deepEqual({ missing, unknown: [...documented] }, { missing: [], unknown: [] });
});
