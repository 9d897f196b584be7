// Every ```ts (or ```typescript) block of README.md and docs/*.md compiles as an app's module under
// the starter app's strict tsconfig (create-outpost/template/tsconfig.json; a sample that imports
// `outpost/sw` under its tsconfig.sw.json, the WebWorker lib), importing Outpost as an app does:
// `outpost`, `outpost/components`, `outpost/sw`… resolved to this repository's sources by the
// package's `outpost-source` export condition. A failure names the doc, the line, and the compiler's message.
//
// How a block is checked:
// - A block is one module of test/docs/samples-app/ (held in memory, never written): the free
//   variables samples assume (`store`, `sync`, a `Message` type…) are declared, with the real API's
//   types, in samples-app/globals.d.ts; the app modules samples import ('./schema.js',
//   './views/mail.js'…) are the small stubs beside it.
// - A block marked `<!-- file: <path> -->` (the starter's files, in guide.md and testing.md) is the
//   file at <path> of one app, so those blocks import each other as the starter's files do.
// - A block whose info string says `fragment` (```ts fragment) is a piece of a larger expression
//   (guide.md's `layout` option to paste into createApp({ … })) and is not checked. Keep those few: a sample that can
//   be a whole module should be one.
// README.md's "Test" says so for contributors. One compiler program for the page samples and one
// for the service worker samples (and one for the server's), built once for all docs.
//
// - A ```js block of server code (it imports `outpost-server`: protocol.md's app module typed
//   with JSDoc, security.md's startStub call) is checked as a JavaScript module (`checkJs`) with
//   Node's types, in a program of its own.
// Not covered: the other ```js blocks, configs: the starter's are compared with the template by
// guide-files.node.test.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import ts from 'typescript';

const root = new URL('../..', import.meta.url).pathname.replace(/\/$/, '');
const appDir = join(root, 'test/docs/samples-app');
const docs = ['README.md', ...readdirSync(join(root, 'docs')).filter((f) => f.endsWith('.md')).sort().map((f) => `docs/${f}`)];

interface Sample {
  /** The doc, relative to the repository: `docs/store.md`. */
  doc: string;
  /** The 1-based line of the opening fence. */
  line: number;
  code: string;
  /** The module's (virtual) path in samples-app/. */
  path: string;
  /** Where its code runs: a page, the service worker (it imports `outpost/sw`), or the server (a ```js block importing `outpost-server`). */
  kind: Kind;
}

type Kind = 'page' | 'worker' | 'server';

/** The TypeScript blocks of a doc: those to check, and how many are marked `fragment`. */
function extract(doc: string): { samples: Sample[]; fragments: number } {
  const lines = readFileSync(join(root, doc), 'utf8').split('\n');
  const samples: Sample[] = [];
  let fragments = 0;
  for (let i = 0; i < lines.length; i++) {
    // A fence as CommonMark has it: no backtick in its info string (```` ```ts ```` is inline code),
    // closed by as many backticks or more.
    const open = /^(?<indent>\s*)(?<fence>```+)\s*(?<lang>[^\s`]*)(?<info>[^`]*)$/.exec(lines[i]!)?.groups;
    if (!open) continue;
    const { indent = '', fence = '```', lang, info = '' } = open;
    const closes = (line: string) => /^\s*```+\s*$/.test(line) && line.trim().length >= fence.length;
    let end = i + 1;
    while (end < lines.length && !closes(lines[end]!)) end++;
    assert.ok(end < lines.length, `${doc}:${i + 1}: the code block is not closed`);
    const server = lang === 'js' && /from 'outpost-server'/.test(lines.slice(i + 1, end).join('\n'));
    if (lang === 'ts' || lang === 'typescript' || server) {
      if (/\bfragment\b/.test(info)) fragments++;
      else {
        const code = lines
          .slice(i + 1, end)
          .map((l) => (l.startsWith(indent) ? l.slice(indent.length) : l.trimStart()))
          .join('\n');
        const file = /^<!-- file: (\S+) -->$/.exec(lines[i - 1]?.trim() ?? '')?.[1];
        const base = doc.replace(/^docs\//, '').replace(/\.md$/, '');
        samples.push({
          doc,
          line: i + 1,
          code: `${code}\n`,
          path: file ? join(appDir, 'starter', file) : join(appDir, `${base}-L${i + 1}.${server ? 'js' : 'ts'}`),
          kind: server ? 'server' : /from 'outpost\/sw'/.test(code) ? 'worker' : 'page',
        });
      }
    }
    i = end;
  }
  return { samples, fragments };
}

/**
 * The starter's compiler options (its tsconfig.json, and tsconfig.sw.json for a service worker);
 * server code is JavaScript checked with Node's types.
 */
function starterOptions(kind: Kind): ts.CompilerOptions {
  const template = join(root, 'create-outpost/template');
  const read = (file: string) => {
    const { config, error } = ts.readConfigFile(join(template, file), ts.sys.readFile);
    assert.ok(!error, `create-outpost/template/${file}: ${error && ts.flattenDiagnosticMessageText(error.messageText, '\n')}`);
    return (config as { compilerOptions: object }).compilerOptions;
  };
  const json = { ...read('tsconfig.json'), ...(kind === 'worker' ? read('tsconfig.sw.json') : {}), ...(kind === 'server' ? { types: ['node'], allowJs: true, checkJs: true } : {}) };
  const { options, errors } = ts.convertCompilerOptionsFromJson(json, template);
  assert.deepEqual(errors, []);
  // As an app resolves `outpost`, but to the sources this repository has (not a build's .d.ts).
  return { ...options, noEmit: true, customConditions: ['outpost-source'] };
}

/**
 * Checks the samples of one kind (page, worker, server), all in one program, and adds the
 * compiler's errors in them (and in samples-app/) to `byDoc` as `doc:line (…): TSnnnn message`.
 */
function check(samples: Sample[], kind: Kind, byDoc: Map<string, string[]>): void {
  // Every sample is there to be imported (the starter's sw.ts imports its schema.ts); only the
  // program's own ones are its roots.
  const virtual = new Map(samples.map((s) => [s.path, s]));
  const dirs = new Set<string>();
  for (const path of virtual.keys()) for (let d = dirname(path); d !== appDir && d.startsWith(appDir); d = dirname(d)) dirs.add(d);
  const options = starterOptions(kind);
  const host = ts.createCompilerHost(options);
  const { getSourceFile, fileExists, readFile, directoryExists } = host;
  host.getCurrentDirectory = () => root;
  host.fileExists = (f) => virtual.has(f) || fileExists.call(host, f);
  host.readFile = (f) => virtual.get(f)?.code ?? readFile.call(host, f);
  host.directoryExists = (d) => dirs.has(d) || (directoryExists?.call(host, d) ?? ts.sys.directoryExists(d));
  host.getSourceFile = (f, lang, ...rest) => {
    const s = virtual.get(f);
    return s ? ts.createSourceFile(f, s.code, lang) : getSourceFile.call(host, f, lang, ...rest);
  };
  // The page program has what the starter's tsconfig.json includes beside its modules: src/env.d.ts
  // types `import.meta.env` (its main.ts reads BASE_URL), as `outpost build` defines it.
  const stubs = kind === 'page' ? [join(appDir, 'globals.d.ts'), join(root, 'create-outpost/template/src/env.d.ts')] : [];
  const roots = samples.filter((s) => s.kind === kind).map((s) => s.path);
  const program = ts.createProgram({ rootNames: [...roots, ...stubs], options, host });

  const report = (doc: string, message: string) => byDoc.set(doc, [...new Set([...(byDoc.get(doc) ?? []), message])]);
  const text = (d: ts.Diagnostic) => `TS${d.code} ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
  for (const d of [...program.getOptionsDiagnostics(), ...program.getGlobalDiagnostics()]) report('(compiler options)', text(d));
  for (const file of program.getSourceFiles()) {
    if (!file.fileName.startsWith(`${appDir}/`)) continue;
    const sample = virtual.get(file.fileName);
    if (sample && sample.kind !== kind) continue; // checked in its own program
    // The page stubs are checked with the page samples.
    if (!sample && kind !== 'page') continue;
    const found = [...program.getSyntacticDiagnostics(file), ...program.getSemanticDiagnostics(file)];
    for (const d of found.sort((a, b) => (a.start ?? 0) - (b.start ?? 0))) {
      const line = d.start === undefined ? 0 : file.getLineAndCharacterOfPosition(d.start).line;
      if (sample) report(sample.doc, `${sample.doc}:${sample.line + 1 + line} (the block at line ${sample.line}): ${text(d)}`);
      else report('test/docs/samples-app', `${relative(root, file.fileName)}:${line + 1}: ${text(d)}`);
    }
  }
}

const extracted = docs.map((doc) => ({ doc, ...extract(doc) }));
const all = extracted.flatMap((d) => d.samples);
let errors: Map<string, string[]> | undefined;
const errorsOf = (doc: string) => {
  if (!errors) {
    errors = new Map();
    for (const kind of ['page', 'worker', 'server'] as const) check(all, kind, errors);
  }
  return errors.get(doc) ?? [];
};

test('the docs have TypeScript samples, few of them marked fragment', () => {
  assert.ok(all.length >= 40, `found only ${all.length} samples: is the extraction broken?`);
  assert.ok(all.some((s) => s.kind === 'worker'), 'no service worker sample found');
  assert.ok(all.some((s) => s.kind === 'server'), 'no server sample found');
  const paths = all.map((s) => relative(root, s.path));
  assert.deepEqual(paths.filter((p, i) => paths.indexOf(p) !== i), [], 'two blocks are the same file');
  const fragments = extracted.reduce((n, d) => n + d.fragments, 0);
  assert.ok(fragments <= 5, `${fragments} samples are marked fragment: make them whole modules`);
});

test('the compiler options and samples-app/ have no errors', () => {
  const found = [...errorsOf('(compiler options)'), ...errorsOf('test/docs/samples-app')];
  assert.deepEqual(found, [], found.join('\n'));
});

for (const { doc, samples } of extracted) {
  if (samples.length === 0) continue;
  test(`${doc}: its TypeScript samples compile (${samples.length})`, () => {
    const found = errorsOf(doc);
    assert.equal(found.length, 0, `\n${found.join('\n')}\n`);
  });
}
