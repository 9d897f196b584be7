// docs/guide.md and docs/testing.md show create-outpost's starter files: each block marked
// `<!-- file: <path> -->` must be that template file as it is, and docs/examples/todo (which the
// repository's browser tests run) must be the template's copy, so what the docs show is what runs;
// the commands and import lines around them must name what the packages have. The files run as
// an author runs them in scripts/test-packages.mjs (part of `npm test`).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('../..', import.meta.url).pathname;
const template = (path: string) => readFileSync(join(root, 'create-outpost/template', path), 'utf8').trimEnd();

/** The `<!-- file: … -->` blocks of a doc: path → the fenced code below the marker. */
function fileBlocks(doc: string): Map<string, string> {
  const blocks = new Map<string, string>();
  for (const m of readFileSync(join(root, 'docs', doc), 'utf8').matchAll(/<!-- file: (\S+) -->\n```\w*\n([\s\S]*?)\n```/g)) blocks.set(m[1]!, m[2]!);
  return blocks;
}

test('the guide shows the starter app’s files as create-outpost writes them', () => {
  const blocks = fileBlocks('guide.md');
  assert.deepEqual([...blocks.keys()].sort(), ['outpost.config.js', 'src/main.ts', 'src/schema.ts', 'src/sw.ts', 'src/todo-app.ts']);
  for (const [path, code] of blocks) assert.equal(code, template(path), `docs/guide.md's ${path} differs from create-outpost/template/${path}`);
});

test('testing.md’s config and test are the starter app’s', () => {
  const blocks = fileBlocks('testing.md');
  assert.deepEqual([...blocks.keys()].sort(), ['test/todo-app.browser.test.ts', 'web-test-runner.config.mjs']);
  for (const [path, code] of blocks) assert.equal(code, template(path), `docs/testing.md's ${path} differs from create-outpost/template/${path}`);
});

test('docs/examples/todo, which the browser tests run, is the template’s copy', () => {
  for (const path of ['src/schema.ts', 'src/todo-app.ts', 'src/main.ts', 'src/env.d.ts', 'test/todo-app.browser.test.ts']) {
    assert.equal(readFileSync(join(root, 'docs/examples/todo', path), 'utf8').trimEnd(), template(path), `docs/examples/todo/${path} differs from create-outpost/template/${path}: copy it over`);
  }
});

/** The fenced blocks of a doc in `lang` that carry no file marker (commands and import lines). */
function looseBlocks(doc: string, lang: string): string[] {
  return [...readFileSync(join(root, 'docs', doc), 'utf8').matchAll(new RegExp(`(?<!-->)\\n\`\`\`${lang}\\n([\\s\\S]*?)\\n\`\`\``, 'g'))].map((m) => m[1]!);
}
const exported = (file: string) => new Set([...readFileSync(join(root, file), 'utf8').matchAll(/^export (?:async )?(?:function|const|class) (\w+)/gm)].map((m) => m[1]!));

test('the guide’s commands are the scaffolder’s: its bin, the starter’s start and test scripts', () => {
  const [commands] = looseBlocks('guide.md', 'sh');
  assert.match(commands!, /^npm create outpost@latest my-app\ncd my-app\nnpm start .*\nnpm test /);
  const bin = (JSON.parse(readFileSync(join(root, 'create-outpost/package.json'), 'utf8')) as { bin: Record<string, string> }).bin;
  assert.ok('create-outpost' in bin, 'npm create outpost runs the create-outpost bin');
  const { scripts } = JSON.parse(readFileSync(join(root, 'create-outpost/template/package.json'), 'utf8')) as { scripts: Record<string, string> };
  assert.match(scripts.start!, /^outpost build && outpost-stub /);
  assert.equal(scripts.test, 'web-test-runner');
});

test('testing.md’s install line is the starter’s test dependencies, and its import line names what outpost/testing/commands exports', () => {
  const [install] = looseBlocks('testing.md', 'sh');
  const listed = install!.replace(/^npm install -D /, '').split(/\s+/).sort();
  const { devDependencies } = JSON.parse(readFileSync(join(root, 'create-outpost/template/package.json'), 'utf8')) as { devDependencies: Record<string, string> };
  // The starter's other dev dependencies build and type-check the app, not its tests.
  assert.deepEqual(listed, Object.keys(devDependencies).filter((d) => d !== 'outpost-build' && d !== 'typescript').sort());
  const [imports] = looseBlocks('testing.md', 'ts');
  const names = /^import \{ ([^}]+) \} from 'outpost\/testing\/commands';$/.exec(imports!)![1]!.split(',').map((n) => n.trim());
  const commands = exported('testing/commands.ts');
  assert.deepEqual(names.filter((n) => !commands.has(n)), [], 'names testing.md imports that outpost/testing/commands does not export');
});
