#!/usr/bin/env node
// `npm run bench [-- --quick] [--out file] [--browsers chromium,firefox]`: runs the browser
// benchmarks in headless Chromium and Firefox, adds bundle sizes and the stub's recorded figures,
// writes bench/results/latest.json (rows `{ name, browser, outpost, raw, dexie, unit, runs }`,
// medians) and the tables in docs/benchmarks.md. `--quick` is a small smoke run that writes only
// to --out (default .tmp/bench-quick.json) and leaves the recorded results alone.
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { createServer } from 'node:http';
import { mkdirSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

import { cpus, totalmem } from 'node:os';
import { launch } from 'puppeteer-core';
import { measureAll } from './bundle-size.mjs';

const root = new URL('..', import.meta.url).pathname;
const USAGE = `usage: npm run bench [-- --quick] [--out <file>] [--browsers chromium,firefox] [--pages store,sync] [--page-opts '<json>'] [--docs-from <results.json> [--docs <file>]]`;
// Strict: a mistyped flag (or --help) stops here instead of starting a full run that rewrites
// the recorded results.
let values;
try {
  ({ values } = parseArgs({ options: { quick: { type: 'boolean' }, out: { type: 'string' }, browsers: { type: 'string' }, pages: { type: 'string' }, 'page-opts': { type: 'string' }, 'docs-from': { type: 'string' }, docs: { type: 'string' }, help: { type: 'boolean' } } }));
} catch (err) {
  console.error(`bench: ${err.message}\n${USAGE}`);
  process.exit(2);
}
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
const quick = !!values.quick;
const out = values.out ?? (quick || values.pages ? join(root, '.tmp/bench-quick.json') : join(root, 'bench/results/latest.json'));
const browsers = (values.browsers ?? 'chromium,firefox').split(',');
// `--pages sync` (or `store`): only those page benchmarks, written to --out (default .tmp/), nothing else.
const only = values.pages?.split(',');
// `--page-opts '{"big":20000,"runs":5}'`: extra options for the pages' functions (e.g. runStoreBench's `big`, `runs`, `reads`).
let pageOpts;
try {
  pageOpts = JSON.parse(values['page-opts'] ?? '{}');
} catch (err) {
  console.error(`bench: --page-opts is not JSON (${err.message}); quote it, e.g. --page-opts '{"reads":true,"big":20000}'.`);
  process.exit(2);
}

const CHROMIUM_ARGS = ['--enable-precise-memory-info', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-quic', '--no-first-run', '--no-default-browser-check'];
const LAUNCH = {
  chromium: { browser: 'chrome', executablePath: process.env.CHROMIUM_BIN ?? '/usr/bin/chromium', args: CHROMIUM_ARGS },
  firefox: { browser: 'firefox', executablePath: process.env.FIREFOX_BIN ?? '/usr/bin/firefox-esr' },
};

/** Browser-page benchmark modules: each exposes `globalThis[fn]({ quick })` → rows. */
const ALL_PAGES = [
  { entry: 'bench/store.bench.ts', fn: 'runStoreBench', section: 'store' },
  { entry: 'bench/sync.bench.ts', fn: 'runSyncBench', section: 'sync' },
];
const PAGES = ALL_PAGES.filter((p) => !only || only.includes(p.section));

const unknownBrowser = browsers.find((b) => !Object.hasOwn(LAUNCH, b));
const unknownPage = only?.find((p) => !ALL_PAGES.some((page) => page.section === p));
if (unknownBrowser || unknownPage) {
  const [what, flag, known] = unknownBrowser ? [`browser '${unknownBrowser}'`, '--browsers', Object.keys(LAUNCH)] : [`page '${unknownPage}'`, '--pages', ALL_PAGES.map((p) => p.section)];
  console.error(`bench: unknown ${what} in ${flag}: use ${known.join(' and/or ')}.\n${USAGE}`);
  process.exit(2);
}

/** Documents the stub is seeded with for the initial-sync workload. */
const SYNC_DOCS = quick ? 2000 : 50_000;

/** A stub in this process with `SYNC_DOCS` ~1 KB email-like documents for alice. */
async function benchStub(pageOrigin) {
  const { tsImport } = await import('tsx/esm/api');
  const { startStub } = await tsImport('../server-stub/index.ts', import.meta.url);
  const dataDir = join(root, '.tmp/bench-stub');
  rmSync(dataDir, { recursive: true, force: true });
  const app = {
    seeds: {
      async docs(ctx) {
        const docs = ctx.forUser('alice');
        for (let i = 0; i < (ctx.size ?? 1000); i++) {
          await docs.put('messages', `m${i}`, { id: `m${i}`, threadId: `t${i >> 2}`, date: 1_700_000_000_000 + i, labels: ['INBOX'], subject: `Message ${i}`, text: 'lorem ipsum dolor sit amet '.repeat(34) });
        }
      },
    },
  };
  // The bench pages come from their own server: the only origin that may call the stub.
  return startStub({ port: 0, dataDir, app, seed: 'docs', seedSize: SYNC_DOCS, corsOrigins: [pageOrigin] });
}

async function serve(dir) {
  const server = createServer((req, res) => {
    const path = req.url === '/' ? '/index.html' : req.url.split('?')[0];
    try {
      const body = readFileSync(join(dir, path));
      res.writeHead(200, { 'content-type': path.endsWith('.js') ? 'text/javascript' : 'text/html' });
      res.end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${server.address().port}`, close: () => server.close() };
}

async function runPages() {
  const dir = join(root, '.tmp/bench-page');
  mkdirSync(dir, { recursive: true });
  await build({
    entryPoints: PAGES.map((p) => join(root, p.entry)),
    outdir: dir,
    bundle: true,
    format: 'esm',
    target: 'es2022',
    minify: true,
    conditions: ['outpost-source'],
    logLevel: 'warning',
  });
  writeFileSync(join(dir, 'index.html'), `<!doctype html><title>bench</title>${PAGES.map((p) => `<script type="module" src="/${p.entry.split('/').pop().replace('.ts', '.js')}"></script>`).join('')}`);
  const server = await serve(dir);
  const stub = await benchStub(server.url);
  const rows = [];
  const versions = {};
  try {
    for (const name of browsers) {
      // A browser of its own (a fresh profile) for each page: Chromium cleans up the databases a
      // page deleted in the background for a while, and the next page's writes, run in the same
      // browser, waited behind that (the sync page's 1,500 label changes took 834–883 ms after the
      // store page, 366–377 alone). A quick run records nothing: its pages share one browser.
      let shared;
      try {
        for (const p of PAGES) {
          // A whole page of workloads is one evaluate call: minutes on a loaded machine.
          const browser = (quick && shared) || (await launch({ headless: true, protocolTimeout: 3_600_000, timeout: 120_000, ...LAUNCH[name] }));
          if (quick) shared = browser;
          versions[name] = await browser.version();
          try {
            const page = await browser.newPage();
            page.setDefaultTimeout(600_000);
            await page.goto(server.url);
            await page.waitForFunction((fn) => typeof globalThis[fn] === 'function', {}, p.fn);
            console.log(`bench: ${p.section} in ${name}…`);
            const pageRows = await page.evaluate((fn, opts) => globalThis[fn](opts), p.fn, { quick, url: stub.url, docs: SYNC_DOCS, ...pageOpts });
            for (const r of pageRows) rows.push({ ...r, browser: name, section: p.section });
          } finally {
            if (!quick) await browser.close();
          }
        }
      } finally {
        await shared?.close();
      }
    }
  } finally {
    server.close();
    await stub.close();
  }
  return { rows, versions };
}

/**
 * Server-side benchmarks, each a script of its own (it spawns its servers as child processes):
 * `--quick` runs each for a second into .tmp/, a full run records into bench/results/.
 */
const NODE_BENCHES = [
  { script: 'bench/stub-push.bench.mjs', out: 'stub-push.json', quickArgs: ['--duration', '1', '--runs', '1'] },
  { script: 'bench/stub-load.bench.mjs', out: 'stub-load.json', quickArgs: ['--duration', '1', '--runs', '1'] },
  { script: 'bench/stub-backends.bench.mjs', out: 'stub-backends.json', quickArgs: ['--duration', '1', '--quick'] },
  { script: 'bench/demo.bench.mjs', out: 'demo.json', quickArgs: ['--size', '200', '--runs', '1', '--many', '5'], section: 'app' },
];

async function runNodeBenches() {
  const rows = [];
  for (const b of NODE_BENCHES) {
    const file = quick ? join(root, '.tmp', `quick-${b.out}`) : join(root, 'bench/results', b.out);
    console.log(`bench: ${b.script}…`);
    // The whole-app bench runs in the same browsers as the pages.
    const extra = b.section === 'app' ? ['--browsers', browsers.join(',')] : [];
    const r = spawnSync(process.execPath, [join(root, b.script), '--out', file, ...extra, ...(quick ? b.quickArgs : [])], { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
    if (r.status !== 0) throw new Error(`${b.script} failed (exit ${r.status ?? r.signal})`);
    rows.push(...JSON.parse(readFileSync(file, 'utf8')).rows.map((x) => ({ dexie: null, ...x, section: b.section ?? 'stub' })));
  }
  return rows;
}

function fmt(v) {
  if (v === null || v === undefined) return '—';
  return v >= 100 ? Math.round(v).toString() : v.toFixed(v >= 10 ? 1 : 2);
}

function ratio(a, b) {
  return a && b ? `${(a / b).toFixed(2)}×` : '—';
}

function storeTable(rows) {
  const lines = ['| workload | browser | outpost | raw IndexedDB | Dexie | outpost / raw | outpost / Dexie | unit | runs |', '|---|---|---|---|---|---|---|---|---|'];
  for (const r of rows) lines.push(`| ${r.name} | ${r.browser} | ${fmt(r.outpost)} | ${fmt(r.raw)} | ${fmt(r.dexie)} | ${ratio(r.outpost, r.raw)} | ${ratio(r.outpost, r.dexie)} | ${r.unit} | ${r.runs} |`);
  return lines.join('\n');
}

/** Rows measured beside one anchor (a floor or a ceiling) rather than beside Dexie. */
function anchorTable(rows, anchor) {
  const lines = [`| measure | browser | outpost | ${anchor} | outpost / ${anchor} | unit | runs |`, '|---|---|---|---|---|---|---|'];
  for (const r of rows) {
    // A step that did not finish has no median: say how long it ran.
    const outpost = r.outpost === null && r.unfinishedAfterMs ? `> ${r.unfinishedAfterMs} (unfinished)` : fmt(r.outpost);
    lines.push(`| ${r.name.replaceAll('<', '&lt;')} | ${r.browser} | ${outpost} | ${fmt(r.raw)} | ${ratio(r.outpost, r.raw)} | ${r.unit} | ${r.runs} |`);
  }
  return lines.join('\n');
}

function sizeTable(sizes) {
  const kb = (b) => `${(b / 1000).toFixed(1)} KB`;
  const lines = ['| bundle | min+gzip at start | minified | lazy chunks, min+gzip | added to an app shipping the core |', '|---|---|---|---|---|'];
  for (const s of sizes) lines.push(`| ${s.name} | ${kb(s.gzip)} | ${s.min ? kb(s.min) : '—'} | ${s.lazyGzip ? kb(s.lazyGzip) : '—'} | ${s.added === undefined ? '—' : `+${kb(s.added)}`} |`);
  return lines.join('\n');
}

/** Replaces the text between `<!-- name:start -->` and `<!-- name:end -->` (appending it when absent). */
function replaceSection(doc, name, body) {
  const start = `<!-- ${name}:start -->`;
  const end = `<!-- ${name}:end -->`;
  const block = `${start}\n${body}\n${end}`;
  const i = doc.indexOf(start);
  const j = doc.indexOf(end);
  return i >= 0 && j > i ? doc.slice(0, i) + block + doc.slice(j + end.length) : `${doc.trimEnd()}\n\n${block}\n`;
}

/** Writes the tables of docs/benchmarks.md from result rows (page rows carry their browser's version). */
function writeDocs(all, docPath) {
  const rows = all.filter((r) => r.section === 'store' || r.section === 'sync');
  const stubRows = all.filter((r) => r.section === 'stub' || r.section === 'app');
  const versions = Object.fromEntries(all.filter((r) => r.browserVersion).map((r) => [r.browser, r.browserVersion]));
  const sizes = all.filter((r) => r.section === 'size').map((r) => ({ name: r.name.replace(/^bundle: /, ''), gzip: r.outpost, min: r.min, lazyGzip: r.lazyGzip, added: r.added }));
  const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
  // Rows keep the date they were measured (a partial re-run leaves the others' dates alone).
  const dateOf = (section) => all.filter((r) => r.section === section && r.recordedAt).map((r) => r.recordedAt).sort().at(-1) ?? new Date().toISOString().slice(0, 10);
  const when = dateOf('store');
  const header = `Recorded ${when} by \`npm run bench\` on ${machine}; browsers: ${Object.entries(versions).map(([k, v]) => `${k} ${v}`).join(', ')}. Medians, milliseconds; each workload on a fresh database, all three libraries in the same page and run, each page (store, sync) in a browser of its own.`;
  let doc = readFileSync(docPath, 'utf8');
  doc = replaceSection(doc, 'store', `## Store (\`bench/store.bench.ts\`)\n\n${header} The three take turns to read first.\n\n${storeTable(rows.filter((r) => r.section === 'store'))}`);
  doc = replaceSection(doc, 'sync', `## Sync (\`bench/sync.bench.ts\`)\n\n${header} The stub runs in the bench process (SQLite, synchronous = FULL) on 127.0.0.1. The raw column of the initial sync is the floor: the same pages fetched and put with raw IndexedDB, one transaction per page, nothing else.\n\n${storeTable(rows.filter((r) => r.section === 'sync'))}`);
  doc = replaceSection(doc, 'size', `## Bundle size (\`bench/bundle-size.mjs\`)\n\nmin+gzip (level 9) of an esbuild bundle of each entry (minified, ES2022, production, code splitting as an app builds), measured ${dateOf('size')}: what loads at start; lazy chunks (dynamic imports) apart. Components alone include Lit; the last column is what each adds to an app that already ships the core with Lit and the router. The core budget (20 KB) is enforced by \`test/bench/bundle-budget.node.test.ts\` on the \`outpost\` entry.\n\n${sizeTable(sizes)}`);
  doc = replaceSection(doc, 'app', `## Whole app: demo mail client (\`bench/demo.bench.mjs\`)\n\nRecorded ${dateOf('app')} by \`npm run bench\` on ${machine}; ${Object.entries(versions).map(([k, v]) => `${k} ${v}`).join(', ') || 'Chromium'}. Medians, milliseconds. The built demo on the stub (child process, durable on disk) seeded with the demo mailboxes; the anchor of the cold start is a blank Lit page built with the same service-worker blocks and started the same way.\n\n${anchorTable(stubRows.filter((r) => r.section === 'app'), 'anchor')}`);
  doc = replaceSection(doc, 'stub', `## Stub (\`bench/stub-push.bench.mjs\`, \`bench/stub-load.bench.mjs\`)\n\nRecorded ${dateOf('stub')} by \`npm run bench\` on ${machine}. The anchor is a bare \`node:http\` server in a child process answering the same requests with same-shaped replies from memory (no validation, no SQLite, no fsync): the ceiling of this machine and load generator.\n\n${anchorTable(stubRows.filter((r) => r.section === 'stub'), 'bare http')}`);
  writeFileSync(docPath, doc);
  console.log(`bench: ${docPath} updated`);
}

// `--docs-from <results.json> [--docs <file>]`: only rewrite the doc tables from recorded rows.
const docsFrom = values['docs-from'];
if (docsFrom) {
  writeDocs(JSON.parse(readFileSync(docsFrom, 'utf8')), values.docs ?? join(root, 'docs/benchmarks.md'));
  process.exit(0);
}

const started = Date.now();
const { rows, versions } = await runPages();
if (only) {
  mkdirSync(join(out, '..'), { recursive: true });
  writeFileSync(out, JSON.stringify(rows.map((r) => ({ ...r, browserVersion: versions[r.browser] })), null, 2) + '\n');
  console.table(rows.map((r) => ({ name: r.name.slice(0, 70), browser: r.browser, outpost: r.outpost, raw: r.raw, ratio: r.raw ? +(r.outpost / r.raw).toFixed(2) : null })));
  process.exit(0);
}
const sizes = await measureAll();
const sizeRows = sizes.map((s) => ({ name: `bundle: ${s.name}`, browser: 'none', outpost: s.gzip, raw: null, dexie: null, unit: 'bytes min+gzip', runs: 1, section: 'size', min: s.min, lazyGzip: s.lazyGzip, ...(s.added === undefined ? {} : { added: s.added }) }));
const stubRows = await runNodeBenches();
const recordedAt = new Date().toISOString().slice(0, 10);
const all = [...rows.map((r) => ({ ...r, browserVersion: versions[r.browser] })), ...sizeRows, ...stubRows.map((r) => (!r.browserVersion && versions[r.browser] ? { ...r, browserVersion: versions[r.browser] } : r))].map((r) => ({ ...r, recordedAt }));
mkdirSync(join(out, '..'), { recursive: true });
writeFileSync(out, JSON.stringify(all, null, 2) + '\n');
console.log(`bench: ${all.length} rows → ${out} in ${Math.round((Date.now() - started) / 1000)} s`);
if (!quick) writeDocs(all, join(root, 'docs/benchmarks.md'));
