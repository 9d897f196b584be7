// `outpost build` (build-tools/cli.js) on an app folder with an outpost.config.js: the page bundle,
// index.html, public files, web manifest and precaching worker an author's app starts offline from.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
// @ts-expect-error -- build scripts are plain JavaScript without declarations.
import { ICONS, writeIcons } from '../../scripts/make-icons.mjs';

const CLI = fileURLToPath(new URL('../../build-tools/cli.js', import.meta.url));
const run = promisify(execFile);

/** An app folder: a page entry with a lazy chunk, a worker entry, an HTML template, icons and a config. */
function appFolder(html = '<!doctype html><title>T</title><script type="module" src="%ENTRY%"></script>'): string {
  const dir = mkdtempSync(join(tmpdir(), 'outpost-cli-'));
  mkdirSync(join(dir, 'src'));
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 't', version: '1.2.3', type: 'module' }));
  writeFileSync(join(dir, 'src/main.ts'), "const n: number = 1; document.title = String(n); void import('./lazy.js');\n");
  writeFileSync(join(dir, 'src/lazy.ts'), "export const lazy = 'lazy chunk';\n");
  // The worker prints what the build injected, so the test reads the precache list from sw.js.
  writeFileSync(join(dir, 'src/sw.ts'), 'declare const self: { __WB_MANIFEST: unknown; v: string }; declare const APP_VERSION: string;\nself.v = APP_VERSION;\nconsole.log(JSON.stringify(self.__WB_MANIFEST));\n');
  writeFileSync(join(dir, 'index.html'), html);
  writeIcons(join(dir, 'public/icons'));
  const manifest = { name: 'T app', short_name: 'T', theme_color: '#000000', background_color: '#ffffff', icons: ICONS };
  writeFileSync(join(dir, 'outpost.config.js'), `export default { manifest: ${JSON.stringify(manifest)} };\n`);
  return dir;
}

describe('outpost build', () => {
  test('builds page, html, icons, manifest and a worker that precaches all of them with the package version', async () => {
    const dir = appFolder();
    try {
      const { stdout } = await run(process.execPath, [CLI, 'build'], { cwd: dir });
      assert.match(stdout, /outpost build: dist \(version 1\.2\.3\+\w+, \d+ files precached\)/);
      const out = join(dir, 'dist');
      const entry = /src="\/(assets\/main-[A-Z2-7]{8}\.js)"/.exec(readFileSync(join(out, 'index.html'), 'utf8'))?.[1];
      assert.ok(entry && existsSync(join(out, entry)), 'index.html points at the hashed entry');
      const sw = readFileSync(join(out, 'sw.js'), 'utf8');
      const precached = JSON.parse(/console\.log\(JSON\.stringify\((\[.*?\])\)\)/s.exec(sw)![1]!) as Array<{ url: string }>;
      const urls = precached.map((e) => e.url).sort();
      for (const url of ['index.html', entry, 'manifest.webmanifest', 'icons/icon-192.png']) assert.ok(urls.includes(url!), `${url} is precached: ${urls.join(', ')}`);
      assert.ok(urls.some((u) => /^assets\/chunk-[A-Z2-7]{8}\.js$/.test(u)), 'the lazy chunk is precached');
      assert.match(sw, /1\.2\.3\+/, 'the worker carries the version');
      assert.equal(JSON.parse(readFileSync(join(out, 'manifest.webmanifest'), 'utf8')).name, 'T app');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("precaches only esbuild's hashed outputs without a revision; a public file that merely looks hashed gets one", async () => {
    const dir = appFolder();
    try {
      // Public files named like esbuild's outputs (`-` then 8 of A-Z, 0-9) were precached with no
      // revision: an edited font or banner under the same name stayed stale in every worker.
      mkdirSync(join(dir, 'public/fonts'));
      writeFileSync(join(dir, 'public/fonts/NotoSans-SEMIBOLD.woff2'), 'font');
      writeFileSync(join(dir, 'public/banner-20241201.png'), 'png');
      await run(process.execPath, [CLI, 'build'], { cwd: dir });
      const sw = readFileSync(join(dir, 'dist/sw.js'), 'utf8');
      const precached = JSON.parse(/console\.log\(JSON\.stringify\((\[.*?\])\)\)/s.exec(sw)![1]!) as Array<{ url: string; revision: string | null }>;
      const revision = Object.fromEntries(precached.map((e) => [e.url, e.revision]));
      const hashed = precached.filter((e) => e.url.startsWith('assets/') && e.url.endsWith('.js')).map((e) => e.url);
      assert.equal(hashed.length, 2, `the entry and the lazy chunk: ${hashed.join(', ')}`);
      for (const url of hashed) assert.equal(revision[url], null, `${url} needs no revision`);
      for (const url of ['fonts/NotoSans-SEMIBOLD.woff2', 'banner-20241201.png', 'icons/icon-192.png', 'index.html']) assert.match(revision[url] ?? '', /^[0-9a-f]{32}$/, `${url} has a revision`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("refuses a public file in public/assets/ named like esbuild's hashed outputs, naming it and the fix", async () => {
    const dir = appFolder();
    try {
      mkdirSync(join(dir, 'public/assets'));
      writeFileSync(join(dir, 'public/assets/logo.png'), 'fine');
      writeFileSync(join(dir, 'public/assets/NotoSans-SEMIBOLD.woff2'), 'font');
      await assert.rejects(run(process.execPath, [CLI, 'build'], { cwd: dir }), (err: { stderr: string; code: number }) => {
        assert.equal(err.code, 1);
        assert.match(err.stderr, /^outpost build: \S+\/public\/assets\/NotoSans-SEMIBOLD\.woff2 is named like the build's content-hashed files .* Move it out of public\/assets \(e\.g\. to public\/fonts\) or rename it\.$/m);
        assert.doesNotMatch(err.stderr, /logo\.png/);
        return true;
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a base that is not a path from the root fails naming it and the fix, before anything is built', async () => {
    const dir = appFolder();
    try {
      await assert.rejects(run(process.execPath, [CLI, 'build', '--base', 'my-app'], { cwd: dir }), (err: { stderr: string; code: number }) => {
        assert.equal(err.code, 1);
        assert.equal(err.stderr, 'outpost build: base "my-app" is not a path from the site\'s root. Set base (or --base) to the path the app is served under, starting with /, e.g. /my-app/.\n');
        return true;
      });
      assert.equal(existsSync(join(dir, 'dist')), false, 'nothing built');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('fails naming an option the config misspells (a preloads list would preload nothing) and the one it meant', async () => {
    const dir = appFolder();
    try {
      writeFileSync(join(dir, 'outpost.config.js'), `export default { entry: 'src/main.ts', preloads: ['src/lazy.ts'] };\n`);
      await assert.rejects(run(process.execPath, [CLI, 'build'], { cwd: dir }), (err: { stderr: string; code: number }) => {
        assert.equal(err.code, 1);
        assert.match(err.stderr, /sets 'preloads', which is not a build option \(did you mean 'preload'\?\)\. The options: root, entry/);
        return true;
      });
      assert.equal(existsSync(join(dir, 'dist')), false, 'nothing built');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('refuses an output folder that holds the app (--out .) or its sources, and deletes nothing', async () => {
    const dir = appFolder();
    try {
      // The build empties its output folder first: `--out .` emptied the app's folder, sources,
      // package.json and config included; an outDir of 'src' deleted the sources.
      await assert.rejects(run(process.execPath, [CLI, 'build', '--out', '.'], { cwd: dir }), (err: { stderr: string; code: number }) => {
        assert.equal(err.code, 1);
        assert.match(err.stderr, /the output folder \S+ holds the app's folder \(root\) .*so it would delete them\. Set outDir \(or --out\) to a folder of its own, e\.g\. dist\./);
        return true;
      });
      writeFileSync(join(dir, 'outpost.config.js'), `export default { outDir: 'src' };\n`);
      await assert.rejects(run(process.execPath, [CLI, 'build'], { cwd: dir }), (err: { stderr: string; code: number }) => {
        assert.equal(err.code, 1);
        assert.match(err.stderr, /holds the entry \S+main\.ts, the service worker \(serviceWorker\) \S+sw\.ts;/);
        return true;
      });
      for (const f of ['package.json', 'index.html', 'src/main.ts', 'src/sw.ts', 'public/icons/icon-192.png']) assert.ok(existsSync(join(dir, f)), `${f} is still there`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("builds into a folder named like an input the app does not have: outDir 'public' with no public files", async () => {
    const dir = appFolder();
    try {
      rmSync(join(dir, 'public'), { recursive: true });
      writeFileSync(join(dir, 'outpost.config.js'), `export default { outDir: 'public' };\n`);
      await run(process.execPath, [CLI, 'build'], { cwd: dir });
      assert.ok(existsSync(join(dir, 'public/index.html')) && existsSync(join(dir, 'public/sw.js')));
      // And again: the folder the first build made is its output, not public files the build would delete.
      writeFileSync(join(dir, 'public/stale.txt'), 'left by an older build\n');
      await run(process.execPath, [CLI, 'build'], { cwd: dir });
      assert.ok(existsSync(join(dir, 'public/index.html')) && existsSync(join(dir, 'public/sw.js')));
      assert.ok(!existsSync(join(dir, 'public/stale.txt')), 'the output folder is emptied first');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('an outpost.config.ts (or .cjs, .json) is not skipped without a word: the build fails saying to rename it', async () => {
    const dir = appFolder();
    try {
      // It was ignored: the build passed with the defaults, no web manifest and no preloads.
      renameSync(join(dir, 'outpost.config.js'), join(dir, 'outpost.config.ts'));
      await assert.rejects(run(process.execPath, [CLI, 'build'], { cwd: dir }), (err: { stderr: string; code: number }) => {
        assert.equal(err.code, 1);
        assert.match(err.stderr, /^outpost build: \S+\/outpost\.config\.ts is not read; outpost build reads outpost\.config\.js or outpost\.config\.mjs\. Rename it to outpost\.config\.js/);
        return true;
      });
      assert.equal(existsSync(join(dir, 'dist')), false, 'nothing built');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a missing entry, template or worker entry fails naming the file and the option that sets it, and keeps the last build', async () => {
    const dir = appFolder();
    try {
      await run(process.execPath, [CLI, 'build'], { cwd: dir });
      rmSync(join(dir, 'src/main.ts'));
      rmSync(join(dir, 'index.html'));
      rmSync(join(dir, 'src/sw.ts'));
      // esbuild said `Could not resolve "/…/src/main.ts"` (and a missing index.html, a bare ENOENT
      // from inside esbuild's plugin runner), naming no option, after the last build was deleted.
      await assert.rejects(run(process.execPath, [CLI, 'build'], { cwd: dir }), (err: { stderr: string; code: number }) => {
        assert.equal(err.code, 1);
        assert.match(err.stderr, /^outpost build: the entry \S+\/src\/main\.ts does not exist\. Create it, or set entry in outpost\.config\.js/m);
        assert.match(err.stderr, /^outpost build: the HTML template \S+\/index\.html does not exist\. Create it with <script type="module" src="%ENTRY%"><\/script>.*or set html in outpost\.config\.js/m);
        assert.match(err.stderr, /^outpost build: the service worker's entry \S+\/src\/sw\.ts does not exist\. .*or to null to build without a worker\.$/m);
        assert.doesNotMatch(err.stderr, /Could not resolve|ENOENT/);
        return true;
      });
      assert.ok(existsSync(join(dir, 'dist/index.html')) && existsSync(join(dir, 'dist/sw.js')), 'the last build is still there');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('fails naming the template when index.html has no %ENTRY%, and on an unknown command or option', async () => {
    const dir = appFolder('<!doctype html><title>T</title>');
    try {
      await assert.rejects(run(process.execPath, [CLI, 'build'], { cwd: dir }), (err: { stderr: string; code: number }) => {
        assert.equal(err.code, 1);
        assert.match(err.stderr, /index\.html has no %ENTRY%\. Add <script type="module" src="%ENTRY%">/);
        return true;
      });
      await assert.rejects(run(process.execPath, [CLI, 'bild'], { cwd: dir }), (err: { stderr: string; code: number }) => err.code === 2 && /unknown command 'bild'/.test(err.stderr));
      // Node's own message advised passing the option after `--` (as a command), exit code 1.
      await assert.rejects(run(process.execPath, [CLI, 'build', '--watch'], { cwd: dir }), (err: { stderr: string; code: number }) => {
        assert.equal(err.code, 2);
        assert.equal(err.stderr, "outpost: Unknown option '--watch'. Run 'outpost --help' for the options.\n");
        return true;
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
