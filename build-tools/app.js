// The build of an Outpost app: the page's code bundled into hashed chunks (lazy routes split out),
// index.html pointing at the entry, public files copied, then the web manifest and, last (it
// precaches what the others wrote), the service worker.
import { build } from 'esbuild';
import { readFileSync, readdirSync, writeFileSync, mkdirSync, cpSync, existsSync, rmSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { buildServiceWorker, HASHED_OUTPUT } from './service-worker.js';
import { writeWebManifest } from './manifest.js';
import { indexPage } from './preload.js';

/** What the page's `<script type="module">` in the HTML template is replaced with. */
export const ENTRY_PLACEHOLDER = '%ENTRY%';

/** Replaced in the HTML template with the app's base path (`/`, or `base`: `/my-app/`). */
export const BASE_PLACEHOLDER = '%BASE%';

/**
 * `base` as the build uses it: a path from the site's root that starts and ends with `/`
 * (`/my-app` is `/my-app/`); `/` when not set.
 * @param {string | undefined} base
 * @returns {string}
 */
export function normalizeBase(base) {
  if (base === undefined || base === '') return '/';
  if (typeof base !== 'string' || !base.startsWith('/') || base.startsWith('//') || /[?#\\]|\/\.\.?(\/|$)/.test(base)) {
    throw new Error(`outpost build: base ${JSON.stringify(base)} is not a path from the site's root. Set base (or --base) to the path the app is served under, starting with /, e.g. /my-app/.`);
  }
  return base.endsWith('/') ? base : `${base}/`;
}

/**
 * @typedef {object} AppBuildOptions
 * @property {string} [root] The app's folder; other paths are relative to it (default: the current directory).
 * @property {string} [entry] The page's entry module (default `src/main.ts`).
 * @property {string} [html] The HTML template; its `%ENTRY%` becomes the hashed entry's URL, its `%BASE%` the base path (default `index.html`).
 * @property {string} [base] The path the app is served under (default `/`; e.g. `/my-app/`): the
 *   entry's and preloads' URLs, the web manifest's `start_url`, `scope` and icons start with it, and
 *   the page and the worker read it as `import.meta.env.BASE_URL` (to register `BASE_URL + 'sw.js'`,
 *   and as the router's `base`).
 * @property {string} [publicDir] Files copied as they are, e.g. icons (default `public`; skipped when missing).
 * @property {string} [outDir] Where the build goes; emptied first (default `dist`), so one that holds the app's folder or an input is refused.
 * @property {string | null} [serviceWorker] The worker's entry, built to `<outDir>/sw.js` (default `src/sw.ts`; `null`: none).
 * @property {import('./manifest.js').WebManifest} [manifest] Written to `<outDir>/manifest.webmanifest` after its icons are checked.
 * @property {boolean} [dev] Unminified, `import.meta.env.DEV` true (in the page and the worker), worker version `dev`.
 * @property {string} [version] The app version the worker reports (`APP_VERSION`; default `<package.json version>+<build time>`).
 * @property {Record<string, string>} [define] More esbuild `define`s for both bundles.
 * @property {string[]} [conditions] Extra package export conditions.
 * @property {number} [maxFileBytes] Per-file precache limit (see `buildServiceWorker`).
 * @property {string[]} [preload] What the first view loads lazily, preloaded with the entry: the
 *   app's modules (e.g. its route's `src/ui/inbox-page.ts`) and the parts of Outpost its start runs
 *   (`outpost/store`, `outpost/sync`, `outpost/service-worker`, `outpost/router`). The entry's own imports are always
 *   preloaded (see build-tools/preload.js).
 */

/**
 * esbuild options for the page bundle, shared by {@link buildApp} and watch mode (`esbuild.context`).
 * @param {AppBuildOptions} [options]
 * @returns {import('esbuild').BuildOptions}
 */
export function appBuildOptions({ root = process.cwd(), entry = 'src/main.ts', html = 'index.html', publicDir = 'public', outDir = 'dist', base, dev = false, define = {}, conditions = [], preload = [] } = {}) {
  const out = resolve(root, outDir);
  const basePath = normalizeBase(base);
  const entryPath = resolve(root, entry);
  return {
    absWorkingDir: resolve(root),
    entryPoints: { main: entryPath },
    outdir: join(out, 'assets'),
    entryNames: '[name]-[hash]',
    chunkNames: 'chunk-[hash]',
    assetNames: '[name]-[hash]',
    // The URL of a file an import gives (`loader: file`); chunks import each other relatively.
    publicPath: `${basePath}assets`,
    bundle: true,
    // Lazy routes (`import()`) and the URLPattern polyfill become chunks loaded on demand.
    splitting: true,
    conditions,
    format: 'esm',
    platform: 'browser',
    // es2022 lowers decorators, which no browser runs natively yet.
    target: 'es2022',
    minify: !dev,
    sourcemap: true,
    metafile: true,
    logLevel: 'warning',
    define: { ...envDefines({ dev, base: basePath }), ...define },
    plugins: [htmlPlugin({ root: resolve(root), entryPath, out, html: resolve(root, html), publicDir: resolve(root, publicDir), preload, base: basePath })],
  };
}

/**
 * What the page and the worker read under `import.meta.env`: `DEV` and `BASE_URL`.
 * @param {{ dev: boolean, base: string }} options
 * @returns {Record<string, string>}
 */
export function envDefines({ dev, base }) {
  return { 'import.meta.env.DEV': JSON.stringify(dev), 'import.meta.env.BASE_URL': JSON.stringify(base) };
}

/**
 * Writes index.html pointing at the hashed entry, with the chunks a start needs preloaded, and
 * copies the public files, after every (re)build.
 * @param {{ root: string, entryPath: string, out: string, html: string, publicDir: string, preload: string[], base: string }} paths
 * @returns {import('esbuild').Plugin}
 */
function htmlPlugin({ root, entryPath, out, html, publicDir, preload, base }) {
  return {
    name: 'outpost-html',
    setup(b) {
      b.onEnd((result) => {
        if (result.errors.length || !result.metafile) return;
        const entry = Object.entries(result.metafile.outputs).find(([, o]) => o.entryPoint && resolve(root, o.entryPoint) === entryPath);
        if (!entry) return;
        const template = readFileSync(html, 'utf8').replaceAll(BASE_PLACEHOLDER, base);
        if (!template.includes(ENTRY_PLACEHOLDER)) {
          throw new Error(`outpost build: ${html} has no ${ENTRY_PLACEHOLDER}. Add <script type="module" src="${ENTRY_PLACEHOLDER}"></script> where the app's script goes.`);
        }
        mkdirSync(out, { recursive: true });
        writeFileSync(join(out, 'index.html'), indexPage(template, { metafile: result.metafile, root, out, entryOutput: entry[0], preload, placeholder: ENTRY_PLACEHOLDER, base }));
        // Not when it is the output folder itself (outDir 'public' for an app with no public files).
        if (existsSync(publicDir) && resolve(publicDir) !== resolve(out)) cpSync(publicDir, out, { recursive: true });
      });
    },
  };
}

/**
 * `<version>+<build time>` from the app's package.json (`0.0.0` without one).
 * @param {string} root
 */
function defaultVersion(root) {
  const file = join(root, 'package.json');
  const version = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')).version ?? '0.0.0' : '0.0.0';
  // A new value per build: the worker's bytes change, so browsers see an update to offer.
  return `${version}+${Date.now().toString(36)}`;
}

/**
 * @typedef {{ root: string, entry: string, html: string, publicDir: string, outDir: string, serviceWorker: string | null }} InputPaths
 */

/**
 * The build's inputs and output folder with their defaults, once for the checks and the build
 * (as appBuildOptions' own signature spells them for its other callers).
 * @param {AppBuildOptions} options
 * @returns {InputPaths}
 */
function inputPaths({ root = process.cwd(), entry = 'src/main.ts', html = 'index.html', publicDir = 'public', outDir = 'dist', serviceWorker = 'src/sw.ts' }) {
  return { root, entry, html, publicDir, outDir, serviceWorker };
}

/**
 * Whether the public folder is the output folder and holds an earlier build's output, not public
 * files: content-hashed outputs in its assets/ (a public file named like them is refused, see
 * checkPublicFiles). `outDir: 'public'` for an app with no public files, after its first build.
 *
 * @param {string} out The output folder, absolute.
 * @param {string} publicDir The public folder, absolute.
 */
function publicIsOutput(out, publicDir) {
  const assets = join(publicDir, 'assets');
  return resolve(publicDir) === resolve(out) && existsSync(assets) && readdirSync(assets).some((name) => HASHED_OUTPUT.test(`assets/${name}`));
}

/**
 * Throws, before anything is deleted, when emptying `out` would delete the app's own files: `out`
 * is the app's folder or a folder above it (`--out .`), or holds one of the build's inputs (the
 * entry, the HTML template, the public files, the worker's entry; `outDir: 'src'`).
 *
 * @param {string} out The output folder, absolute.
 * @param {InputPaths} paths
 */
function checkOutDir(out, { root, entry, html, publicDir, serviceWorker }) {
  /** @type {(path: string) => boolean} `path` is `out` or inside it. */
  const within = (path) => {
    const rel = relative(out, path);
    return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
  };
  /** @type {Array<[string, string | null]>} */
  const inputs = [['the app\'s folder (root)', '.'], ['the entry', entry], ['the HTML template (html)', html], ['the public files (publicDir)', publicDir], ['the service worker (serviceWorker)', serviceWorker]];
  // Only inputs that exist: `outDir: 'public'` (Firebase's folder) is fine for an app with no public
  // files, also once the first build made it (then it holds that build's output, not public files).
  const held = inputs.filter(([, path]) => path !== null && within(resolve(root, path)) && existsSync(resolve(root, path)) && !(path === publicDir && publicIsOutput(out, resolve(root, path))));
  if (held.length) {
    throw new Error(
      `outpost build: the output folder ${out} holds ${held.map(([what, path]) => `${what} ${resolve(root, /** @type {string} */ (path))}`).join(', ')}; ` +
        `the build empties its output folder first, so it would delete them. Set outDir (or --out) to a folder of its own, e.g. dist.`,
    );
  }
}

/**
 * Throws, before the output folder is emptied, when an input file is missing, naming it and the
 * option that sets it (esbuild's "Could not resolve" and a bare ENOENT named neither).
 *
 * @param {InputPaths} paths
 */
function checkInputs({ root, entry, html, serviceWorker }) {
  const inputs = [
    { what: 'the entry', path: entry, fix: "Create it, or set entry in outpost.config.js to the page's main module" },
    { what: 'the HTML template', path: html, fix: `Create it with <script type="module" src="${ENTRY_PLACEHOLDER}"></script> where the app's script goes, or set html in outpost.config.js` },
  ];
  if (serviceWorker !== null) {
    inputs.push({ what: "the service worker's entry", path: serviceWorker, fix: 'Create it (docs/guide.md, "The service worker"), set serviceWorker in outpost.config.js to its path, or to null to build without a worker' });
  }
  const missing = inputs.filter(({ path }) => !existsSync(resolve(root, path)));
  if (missing.length) throw new Error(missing.map(({ what, path, fix }) => `outpost build: ${what} ${resolve(root, path)} does not exist. ${fix}.`).join('\n'));
}

/**
 * Throws when a public file would be taken for one of esbuild's content-hashed outputs
 * (`public/assets/NotoSans-SEMIBOLD.woff2` is copied to `assets/`, named like them): precached with
 * no revision and served immutable, its edits would never reach the users who had it.
 *
 * @param {InputPaths} paths
 */
function checkPublicFiles({ root, publicDir, outDir }) {
  const assets = resolve(root, publicDir, 'assets');
  if (!existsSync(assets) || publicIsOutput(resolve(root, outDir), resolve(root, publicDir))) return;
  const lookalikes = readdirSync(assets).filter((name) => HASHED_OUTPUT.test(`assets/${name}`));
  if (lookalikes.length) {
    throw new Error(
      `outpost build: ${lookalikes.map((name) => join(assets, name)).join(', ')} ${lookalikes.length > 1 ? 'are' : 'is'} named like the build's content-hashed files (assets/<name>-<8 characters A-Z, 2-7>.<ext>), ` +
        `which are precached without a revision and served immutable: an edit would never reach the browsers that have it. Move it out of ${join(publicDir, 'assets')} (e.g. to ${join(publicDir, 'fonts')}) or rename it.`,
    );
  }
}

/**
 * Builds the app into `outDir`: page bundle, index.html, public files, web manifest, service worker.
 *
 * @param {AppBuildOptions} [options]
 * @returns {Promise<{ outDir: string, version: string, precached: { count: number, size: number } }>}
 * @example
 * import { buildApp } from 'outpost-build';
 * await buildApp({ entry: 'src/main.ts', serviceWorker: 'src/sw.ts', manifest: { name: 'To-do', … } });
 */
export async function buildApp(options = {}) {
  const paths = inputPaths(options);
  const { root, outDir, serviceWorker } = paths;
  const { manifest, dev = false, define = {}, conditions = [], maxFileBytes } = options;
  const out = resolve(root, outDir);
  const base = normalizeBase(options.base);
  checkOutDir(out, paths);
  checkInputs(paths);
  checkPublicFiles(paths);
  // Emptied first: stale hashed chunks would otherwise be precached forever.
  rmSync(out, { recursive: true, force: true });
  await build(appBuildOptions({ ...options, root, outDir, base }));
  if (manifest) writeWebManifest({ outDir: out, manifest, base });
  const version = options.version ?? (dev ? 'dev' : defaultVersion(root));
  const precached = serviceWorker
    ? await buildServiceWorker({ entry: resolve(root, serviceWorker), outDir: out, dev, base, conditions, maxFileBytes, define: { APP_VERSION: JSON.stringify(version), ...define } })
    : { count: 0, size: 0 };
  return { outDir: out, version, precached };
}
