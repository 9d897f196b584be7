// The packages an author installs, checked from `npm pack`'s file lists (after `npm run build`):
// what each ships, that every import in the shipped code resolves to a declared dependency, and
// the scaffold create-outpost writes. The full install-build-offline-test flow from the tarballs
// is `npm run test:packages` (scripts/test-packages.mjs), which `npm test` runs after the browser tests.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { builtinModules } from 'node:module';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
// @ts-expect-error -- the scaffolder is plain JavaScript without declarations.
import { scaffold } from '../../create-outpost/scaffold.js';

const root = new URL('../..', import.meta.url).pathname;
type Packed = { name: string; version: string; files: Array<{ path: string }> };
const packed = new Map(
  (JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json', '--workspaces', '--include-workspace-root'], { cwd: root, encoding: 'utf8' })) as Packed[]).map((p) => [p.name, p]),
);
const folder: Record<string, string> = { outpost: '.', 'outpost-server': 'server-stub', 'outpost-build': 'build-tools', 'create-outpost': 'create-outpost' };
const manifest = (name: string) => JSON.parse(readFileSync(join(root, folder[name]!, 'package.json'), 'utf8')) as { dependencies?: Record<string, string>; peerDependencies?: Record<string, string> };
const files = (name: string) => packed.get(name)!.files.map((f) => f.path);

/** Package names the shipped JavaScript of `name` imports (static, dynamic and re-exports). */
function importedPackages(name: string): Set<string> {
  const found = new Set<string>();
  for (const path of files(name).filter((p) => p.endsWith('.js'))) {
    const code = readFileSync(join(root, folder[name]!, path), 'utf8');
    for (const m of code.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)['"]([^'".][^'"]*)['"]/g)) {
      const spec = m[1]!;
      if (spec.startsWith('node:') || builtinModules.includes(spec)) continue;
      found.add(spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!);
    }
  }
  return found;
}

describe('packages', () => {
  test('are the four of the repository, each at the repository version', () => {
    assert.deepEqual([...packed.keys()].sort(), ['create-outpost', 'outpost', 'outpost-build', 'outpost-server']);
    const version = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version;
    for (const p of packed.values()) assert.equal(p.version, version, p.name);
  });

  test('outpost ships the browser layers, per-component entries and docs, and no server, build or demo code', () => {
    const list = files('outpost');
    for (const f of ['dist/runtime/index.js', 'dist/runtime/session/index.js', 'dist/sw/index.js', 'dist/components/sync-status.js', 'dist/testing/index.js', 'docs/guide.md', 'docs/testing.md']) assert.ok(list.includes(f), f);
    assert.deepEqual(list.filter((f) => /server-stub|demo-|build-tools/.test(f)), []);
    const deps = Object.keys(manifest('outpost').dependencies ?? {});
    for (const serverOnly of ['better-sqlite3', 'postgres', 'jose', 'esbuild', 'workbox-build']) assert.ok(!deps.includes(serverOnly), `${serverOnly} is not a dependency of outpost`);
  });

  test('outpost-server ships the server and, of the client side, only the protocol module', () => {
    const list = files('outpost-server');
    for (const f of ['dist/server-stub/cli.js', 'dist/server-stub/conformance/cli.js', 'dist/server-stub/index.d.ts', 'dist/runtime/protocol/index.js']) assert.ok(list.includes(f), f);
    assert.deepEqual(list.filter((f) => f.startsWith('dist/runtime/') && !f.startsWith('dist/runtime/protocol/')), []);
  });

  test('`npx <package>` runs each package with a CLI: a bin named after it, or its only bin', () => {
    // npm exec runs a package's only bin or the one named after it; outpost-server's two
    // (outpost-stub, outpost-conformance) left `npx outpost-server` with "could not determine executable to run".
    for (const name of ['outpost-server', 'outpost-build', 'create-outpost']) {
      const { bin = {} } = JSON.parse(readFileSync(join(root, folder[name]!, 'package.json'), 'utf8')) as { bin?: Record<string, string> };
      const runs = bin[name] ?? (Object.keys(bin).length === 1 ? Object.values(bin)[0] : undefined);
      assert.ok(runs && files(name).includes(runs.replace(/^\.\//, '')), `npx ${name} runs a shipped file (bins: ${JSON.stringify(bin)})`);
    }
    const server = JSON.parse(readFileSync(join(root, 'server-stub/package.json'), 'utf8')) as { bin: Record<string, string> };
    assert.equal(server.bin['outpost-server'], server.bin['outpost-stub'], 'npx outpost-server is outpost-stub');
  });

  test("every target of the exports maps, under every condition an author's tools may set, is a shipped file", () => {
    // `outpost-source` (the repository's own builds and tests, from the TypeScript sources) is the
    // only condition that names unshipped files. It was `source`, which authors set for their own
    // workspace packages (`outpost build`'s `conditions`, esbuild, node --conditions): Outpost then
    // failed to resolve ("./runtime/index.ts was not found").
    type Target = string | { [condition: string]: Target };
    for (const name of ['outpost', 'outpost-server', 'outpost-build']) {
      const { exports } = JSON.parse(readFileSync(join(root, folder[name]!, 'package.json'), 'utf8')) as { exports: Record<string, Target> };
      const list = files(name);
      const missing: string[] = [];
      const visit = (target: Target, at: string) => {
        if (typeof target !== 'string') return Object.entries(target).forEach(([condition, t]) => condition !== 'outpost-source' && visit(t, `${at} ${condition}`));
        const [before, after = ''] = target.replace(/^\.\//, '').split('*');
        const shipped = target.includes('*') ? list.some((f) => f.startsWith(before!) && f.endsWith(after)) : list.includes(before!);
        if (!shipped) missing.push(`${at} → ${target}`);
      };
      for (const [entry, target] of Object.entries(exports)) visit(target, `${name} ${entry}`);
      assert.deepEqual(missing, [], `${name}: exports targets not in the package`);
    }
  });

  test('outpost-build ships the declarations its exports map names', () => {
    const pkg = JSON.parse(readFileSync(join(root, 'build-tools/package.json'), 'utf8')) as { exports: { '.': { types: string } } };
    const list = files('outpost-build');
    for (const f of ['index.d.ts', 'app.d.ts', 'service-worker.d.ts', 'manifest.d.ts', 'config.d.ts']) assert.ok(list.includes(`dist/${f}`), `dist/${f}`);
    assert.ok(list.includes(pkg.exports['.'].types.replace(/^\.\//, '')), pkg.exports['.'].types);
  });

  test('every package the shipped code imports is a declared dependency (or an optional peer)', () => {
    for (const name of ['outpost', 'outpost-server', 'outpost-build']) {
      const { dependencies = {}, peerDependencies = {} } = manifest(name);
      const missing = [...importedPackages(name)].filter((p) => p !== name && !(p in dependencies) && !(p in peerDependencies));
      assert.deepEqual(missing, [], `${name} imports undeclared packages`);
    }
    // outpost/sw bundles into the author's worker: its workbox imports must install with outpost.
    assert.ok(['workbox-precaching', 'workbox-routing', 'workbox-strategies'].every((w) => importedPackages('outpost').has(w)));
  });

  test('create-outpost writes a named app pinned to this release, with its .gitignore, sources, test and config', () => {
    const list = files('create-outpost');
    assert.ok(list.includes('template/gitignore') && list.includes('template/src/main.ts'));
    const dir = join(mkdtempSync(join(tmpdir(), 'outpost-scaffold-')), 'My App');
    try {
      assert.equal(scaffold(dir), 'my-app');
      for (const f of ['.gitignore', 'README.md', 'index.html', 'outpost.config.js', 'src/main.ts', 'src/sw.ts', 'src/todo-app.ts', 'test/todo-app.browser.test.ts', 'web-test-runner.config.mjs', 'tsconfig.json', 'public/icons/icon-192.png']) {
        assert.ok(existsSync(join(dir, f)), f);
      }
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name: string; dependencies: Record<string, string>; devDependencies: Record<string, string> };
      assert.equal(pkg.name, 'my-app');
      const version = packed.get('outpost')!.version;
      assert.deepEqual([pkg.dependencies.outpost, pkg.devDependencies['outpost-server'], pkg.devDependencies['outpost-build']], [`^${version}`, `^${version}`, `^${version}`]);
      assert.match(readFileSync(join(dir, 'web-test-runner.config.mjs'), 'utf8'), /'--no-sandbox'/);
      // npm skips the install scripts of packages allowScripts does not list: the server's SQLite driver and esbuild need theirs.
      assert.deepEqual((JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { allowScripts: Record<string, boolean> }).allowScripts, { 'better-sqlite3': true, esbuild: true });
      assert.throws(() => scaffold(dir), /is not empty\. Pick a new folder name/);
    } finally {
      rmSync(join(dir, '..'), { recursive: true, force: true });
    }
  });
});
