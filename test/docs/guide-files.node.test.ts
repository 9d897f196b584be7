// docs/guide.md and docs/testing.md show create-outpost's starter files: each block marked
// `<!-- file: <path> -->` must be that template file as it is, and docs/examples/todo (which the
// repository's browser tests run) must be the template's copy, so what the docs show is what runs.
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
  for (const path of ['src/schema.ts', 'src/todo-app.ts', 'src/main.ts', 'test/todo-app.browser.test.ts']) {
    assert.equal(readFileSync(join(root, 'docs/examples/todo', path), 'utf8').trimEnd(), template(path), `docs/examples/todo/${path} differs from create-outpost/template/${path}: copy it over`);
  }
});
