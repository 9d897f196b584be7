// Which chunks a page preloads (`<link rel="modulepreload">`), so a start fetches and compiles its
// code in one wave instead of one wave per level of imports: the browser finds the entry's own
// imports only once the entry has arrived and been parsed, and a lazy chunk's only once the code
// that imports it runs — after the store opened, for the sync engine's and live queries' chunks.
import { relative, resolve } from 'node:path';

/**
 * Framework modules loaded lazily (to keep the core entry small) that every start of an app using
 * them runs: the store's page reads, word index and error messages (`openStore`), live queries (the
 * first `observe`), the sync loop and tab election (`createSync`), the service-worker client
 * (`createApp`). Rare ones stay lazy: a schema upgrade, a conflict's resolution, the router's
 * announcer, the URLPattern polyfill. Matched against the bundle's inputs, from source
 * (`runtime/store/live.ts`) or from the package (`…/outpost/dist/runtime/store/live.js`).
 */
export const FRAMEWORK_START_MODULES = [
  'runtime/store/error-messages',
  'runtime/store/page-read',
  'runtime/store/word-index',
  'runtime/store/live',
  'runtime/sync/cycle',
  'runtime/sync/tabs',
  'runtime/sw-client/service-worker-client',
];

const frameworkStart = new RegExp(`(^|/)(${FRAMEWORK_START_MODULES.join('|')})\\.[jt]s$`);

/**
 * The output chunks to preload with the entry, as paths relative to `out`: the entry's static
 * imports, the chunks holding {@link FRAMEWORK_START_MODULES} and the app's `preload` modules (the
 * first view's lazy route, say), each with its static imports. The entry itself is left out (its
 * `<script>` loads it).
 *
 * @param {{ metafile: import('esbuild').Metafile, root: string, out: string, entryOutput: string, preload?: string[] }} options
 *   `entryOutput` is the entry's key in `metafile.outputs`; `preload` are source modules, relative to `root`.
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
  const wanted = new Set(preload.map((p) => relative(root, resolve(root, p)).split('\\').join('/')));
  const found = new Set();
  for (const [file, output] of Object.entries(outputs)) {
    for (const input of Object.keys(output.inputs)) {
      const path = relative(root, resolve(root, input)).split('\\').join('/');
      if (wanted.has(path)) found.add(path);
      if (wanted.has(path) || frameworkStart.test(path)) add(file);
    }
  }
  const missing = [...wanted].filter((p) => !found.has(p));
  if (missing.length) {
    throw new Error(`outpost build: preload names ${missing.map((p) => `'${p}'`).join(', ')}, which the bundle does not hold. List modules the app imports (e.g. a route's 'src/ui/inbox-page.ts'), relative to the app's folder.`);
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
 * @param {{ entry: string, chunks: string[], placeholder: string }} page URLs from the site's root (`/assets/…`).
 * @returns {string}
 */
export function pageWithPreloads(template, { entry, chunks, placeholder }) {
  const html = template.replace(placeholder, entry);
  if (!chunks.length) return html;
  const links = chunks.map((c) => `\n    <link rel="modulepreload" href="/${c}" />`).join('');
  const script = html.search(new RegExp(`<script\\b[^>]*${entry.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
  const end = script >= 0 ? html.indexOf('</script>', script) : -1;
  if (end >= 0) return html.slice(0, end + 9) + links + html.slice(end + 9);
  const head = html.indexOf('</head>');
  return head >= 0 ? html.slice(0, head) + links + '\n' + html.slice(head) : links + html;
}
