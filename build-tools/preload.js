// Which chunks a page preloads (`<link rel="modulepreload">`), so a start fetches and compiles its
// code in one wave instead of one wave per level of imports: the browser finds the entry's own
// imports only once the entry has arrived and been parsed, and a lazy chunk's only once the code
// that imports it runs — after the store opened, for the sync engine's and live queries' chunks.
import { relative, resolve } from 'node:path';

/**
 * The framework's lazy parts (kept off the core entry) an app's start may run, by the name an app
 * lists in `preload`: `outpost/store` (`openStore`: page reads, word index, error messages, and
 * live queries for the first `observe`), `outpost/sync` (`createSync`: the sync loop and tab
 * election), `outpost/service-worker` (`createApp` or `registerServiceWorker`: the worker's
 * client), `outpost/router` (the URLPattern polyfill a router loads before its first match where
 * the browser lacks URLPattern, as Firefox ESR 140 does; elsewhere it is fetched, never run). Not
 * preloaded unless listed: an app's bundle holds these chunks whenever it imports `outpost`, used
 * or not. `createApp` starts sync and the worker after the first view: list them only if something
 * before it runs them (preloaded, they delayed the demo's first rows). Matched against the bundle's
 * inputs, from source (`runtime/store/live.ts`) or from the package
 * (`…/outpost/dist/runtime/store/live.js`).
 */
export const FRAMEWORK_PRELOADS = {
  'outpost/store': ['runtime/store/error-messages', 'runtime/store/page-read', 'runtime/store/word-index', 'runtime/store/live'],
  'outpost/sync': ['runtime/sync/cycle', 'runtime/sync/tabs'],
  'outpost/service-worker': ['runtime/sw-client/service-worker-client'],
  'outpost/router': ['runtime/router/url-pattern'],
};

/** @param {string[]} modules */
const inputsOf = (modules) => new RegExp(`(^|/)(${modules.join('|')})\\.[jt]s$`);

/**
 * The output chunks to preload with the entry, as paths relative to `out`: the entry's static
 * imports, and the chunks of what `preload` lists (the first view's lazy route, say, and the
 * {@link FRAMEWORK_PRELOADS} its start runs), each with its static imports. The entry itself is
 * left out (its `<script>` loads it).
 *
 * @param {{ metafile: import('esbuild').Metafile, root: string, out: string, entryOutput: string, preload?: string[] }} options
 *   `entryOutput` is the entry's key in `metafile.outputs`; `preload` are source modules, relative to
 *   `root`, and names of {@link FRAMEWORK_PRELOADS}.
 * @returns {string[]}
 */
export function chunksToPreload({ metafile, root, out, entryOutput, preload = [] }) {
  const outputs = metafile.outputs;
  /** @type {Set<string>} */
  const picked = new Set();
  /** @param {string} file */
  const add = (file) => {
    if (picked.has(file) || !file.endsWith('.js') || !outputs[file]) return;
    picked.add(file);
    for (const i of outputs[file].imports) if (i.kind === 'import-statement') add(i.path);
  };
  add(entryOutput);
  /** @type {Array<{ name: string, test: (path: string) => boolean }>} */
  const wanted = preload.map((name) => {
    if (name.startsWith('outpost/')) {
      const modules = FRAMEWORK_PRELOADS[/** @type {keyof typeof FRAMEWORK_PRELOADS} */ (name)];
      if (!modules) throw new Error(`outpost build: preload names '${name}', which is not a part of Outpost that loads lazily. Use one of ${Object.keys(FRAMEWORK_PRELOADS).join(', ')}, or a module of the app.`);
      const re = inputsOf(modules);
      return { name, test: (path) => re.test(path) };
    }
    const own = relative(root, resolve(root, name)).split('\\').join('/');
    return { name, test: (path) => path === own };
  });
  const found = new Set();
  for (const [file, output] of Object.entries(outputs)) {
    for (const input of Object.keys(output.inputs)) {
      const path = relative(root, resolve(root, input)).split('\\').join('/');
      for (const w of wanted) {
        if (!w.test(path)) continue;
        found.add(w.name);
        add(file);
      }
    }
  }
  const missing = wanted.filter((w) => !found.has(w.name)).map((w) => `'${w.name}'`);
  if (missing.length) {
    throw new Error(`outpost build: preload names ${missing.join(', ')}, which the bundle does not hold. List modules the app imports (e.g. a route's 'src/ui/inbox-page.ts', relative to the app's folder) and the parts of Outpost its start uses.`);
  }
  picked.delete(entryOutput);
  return [...picked].map((file) => relative(out, resolve(root, file)).split('\\').join('/'));
}

/**
 * `template` with `%ENTRY%` replaced by the entry's URL and a `<link rel="modulepreload">` per chunk
 * right after the entry's `<script>` (or before `</head>`): the entry and the scripts above it are
 * asked for first, as a service worker answers the requests one after another.
 *
 * @param {string} template The page's HTML, holding `placeholder`.
 * @param {{ entry: string, chunks: string[], placeholder: string, base?: string }} page `entry`: its URL
 *   (`/assets/…`, `/my-app/assets/…`); `chunks`: paths in the build (`assets/…`), preloaded from `base` (default `/`).
 * @returns {string}
 */
export function pageWithPreloads(template, { entry, chunks, placeholder, base = '/' }) {
  const html = template.replace(placeholder, entry);
  if (!chunks.length) return html;
  const links = chunks.map((c) => `\n    <link rel="modulepreload" href="${base}${c}" />`).join('');
  const script = html.search(new RegExp(`<script\\b[^>]*${entry.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
  const end = script >= 0 ? html.indexOf('</script>', script) : -1;
  if (end >= 0) return html.slice(0, end + 9) + links + html.slice(end + 9);
  const head = html.indexOf('</head>');
  return head >= 0 ? html.slice(0, head) + links + '\n' + html.slice(head) : links + html;
}

/**
 * The app's `index.html` from its `template`: the entry's URL for `placeholder`, and the chunks
 * {@link chunksToPreload} picks, preloaded.
 *
 * @param {string} template
 * @param {{ metafile: import('esbuild').Metafile, root: string, out: string, entryOutput: string, preload?: string[], placeholder: string, base?: string }} build
 *   `base`: the path the app is served under (default `/`), which the URLs start with.
 * @returns {string}
 */
export function indexPage(template, { metafile, root, out, entryOutput, preload, placeholder, base = '/' }) {
  const chunks = chunksToPreload({ metafile, root, out, entryOutput, preload });
  return pageWithPreloads(template, { entry: base + relative(out, resolve(root, entryOutput)).split('\\').join('/'), chunks, placeholder, base });
}
