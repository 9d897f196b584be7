// create-outpost as npx runs it: the package copied out of the repository into a folder of its own
// (npx unpacks it into a cache under the user's home, which may hold a space: "C:\Users\John Smith"),
// its CLI run with node from another working directory.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const source = fileURLToPath(new URL('../../create-outpost', import.meta.url));

/** Copies the files create-outpost publishes into `<tmp>/<parent>/package`; returns that folder and the work folder. */
function installCopy(parent: string): { pkg: string; work: string; cleanup: () => void } {
  const tmp = mkdtempSync(join(tmpdir(), 'outpost-cli-'));
  const pkg = join(tmp, parent, 'package');
  const { files } = JSON.parse(readFileSync(join(source, 'package.json'), 'utf8')) as { files: string[] };
  for (const f of ['package.json', ...files]) cpSync(join(source, f), join(pkg, f), { recursive: true });
  const work = join(tmp, 'work');
  mkdirSync(work);
  return { pkg, work, cleanup: () => rmSync(tmp, { recursive: true, force: true }) };
}

test('create-outpost scaffolds when installed under a folder whose name has a space', () => {
  const { pkg, work, cleanup } = installCopy('John Smith');
  try {
    execFileSync(process.execPath, [join(pkg, 'index.js'), 'my-app', '--no-install'], { cwd: work, encoding: 'utf8', stdio: 'pipe' });
    const app = JSON.parse(readFileSync(join(work, 'my-app', 'package.json'), 'utf8')) as { name: string; dependencies: Record<string, string> };
    assert.equal(app.name, 'my-app');
    assert.equal(app.dependencies.outpost, `^${(JSON.parse(readFileSync(join(source, 'package.json'), 'utf8')) as { version: string }).version}`);
    assert.ok(existsSync(join(work, 'my-app', 'src/main.ts')));
  } finally {
    cleanup();
  }
});

test('with --no-install, the next steps say how to install before the packages are on npm', () => {
  const { pkg, work, cleanup } = installCopy('npx');
  try {
    const out = execFileSync(process.execPath, [join(pkg, 'index.js'), 'my-app', '--no-install'], { cwd: work, encoding: 'utf8', stdio: 'pipe' });
    const next = out.slice(out.indexOf('Next:'));
    assert.match(next, /\n {2}cd my-app\n {2}npm install +# before Outpost is on npm: its packed packages instead \(Outpost's README, 'Start an app'\)\n {2}npm start /);
  } finally {
    cleanup();
  }
});

test('an unknown option fails with the options there are, the usage and exit code 2, creating nothing', () => {
  const { pkg, work, cleanup } = installCopy('npx');
  try {
    // Node's own message advised passing it after `--`, which makes it a second folder name; exit code 1.
    const r = spawnSync(process.execPath, [join(pkg, 'index.js'), 'my-app', '--typescript'], { cwd: work, encoding: 'utf8' });
    assert.equal(r.status, 2);
    assert.match(r.stderr, /^create-outpost: Unknown option '--typescript'\. The options: --no-install, --help\.\n\nUsage: npm create outpost@latest <folder>/);
    assert.equal(existsSync(join(work, 'my-app')), false);
  } finally {
    cleanup();
  }
});

test('an empty folder name or the name of a file fails saying so, not with a bare ENOENT or ENOTDIR', () => {
  const { pkg, work, cleanup } = installCopy('npx');
  try {
    writeFileSync(join(work, 'notes'), 'mine');
    const cli = (name: string) => spawnSync(process.execPath, [join(pkg, 'index.js'), name, '--no-install'], { cwd: work, encoding: 'utf8' });
    // Were "ENOENT: no such file or directory, mkdir ''" and "ENOTDIR: not a directory, scandir 'notes'".
    const empty = cli('');
    assert.equal(empty.status, 1);
    assert.equal(empty.stderr, "create-outpost: the folder name is empty. Name the folder to create, e.g. 'npm create outpost@latest my-app'.\n");
    const file = cli('notes');
    assert.equal(file.status, 1);
    assert.equal(file.stderr, 'create-outpost: notes is a file, not a folder. Pick a new folder name.\n');
    assert.equal(readFileSync(join(work, 'notes'), 'utf8'), 'mine');
  } finally {
    cleanup();
  }
});

test('a folder name with accented letters gives a package name with their base letters, not one missing them', () => {
  const { pkg, work, cleanup } = installCopy('npx');
  try {
    // Were `ber-app` and `a-va-caf-`: the letters outside a-z were dropped with their accents.
    for (const [folder, name] of [['Über App', 'uber-app'], ['Ça va Café', 'ca-va-cafe'], ['ﬁeld notes', 'field-notes']]) {
      const out = execFileSync(process.execPath, [join(pkg, 'index.js'), folder, '--no-install'], { cwd: work, encoding: 'utf8', stdio: 'pipe' });
      assert.equal((JSON.parse(readFileSync(join(work, folder, 'package.json'), 'utf8')) as { name: string }).name, name, out);
    }
  } finally {
    cleanup();
  }
});
