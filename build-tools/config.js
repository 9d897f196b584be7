// `outpost.config.js`: an app's build options (see AppBuildOptions in app.js), read by `outpost build`.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

/** The options an `outpost.config.js` may set (AppBuildOptions in app.js). */
export const CONFIG_OPTIONS = ['root', 'entry', 'html', 'publicDir', 'outDir', 'base', 'serviceWorker', 'manifest', 'dev', 'version', 'define', 'conditions', 'maxFileBytes', 'preload'];

/**
 * The known option `name` was most likely meant to be (a typo within two edits), if any.
 * @param {string} name
 * @returns {string | undefined}
 */
function meant(name) {
  /** @type {(a: string, b: string) => number} */
  const distance = (a, b) => {
    let row = Array.from({ length: b.length + 1 }, (_, j) => j);
    for (let i = 1; i <= a.length; i++) {
      const next = [i];
      for (let j = 1; j <= b.length; j++) next[j] = Math.min(row[j] + 1, next[j - 1] + 1, row[j - 1] + (a[i - 1].toLowerCase() === b[j - 1].toLowerCase() ? 0 : 1));
      row = next;
    }
    return row[b.length];
  };
  const [best] = CONFIG_OPTIONS.map((option) => ({ option, edits: distance(name, option) })).sort((x, y) => x.edits - y.edits);
  return best.edits <= 2 ? best.option : undefined;
}

/** The file names `outpost build` looks for in the app's folder, in order. */
export const CONFIG_FILES = ['outpost.config.js', 'outpost.config.mjs'];

/** Config file names an author may try that `outpost build` does not read (Node runs no TypeScript). */
const IGNORED_CONFIG_FILES = ['outpost.config.ts', 'outpost.config.mts', 'outpost.config.cts', 'outpost.config.cjs', 'outpost.config.json'];

/**
 * The default export of the app's config file (`file`, or the first of {@link CONFIG_FILES} in
 * `root`), with `root` set; `{ root }` when there is none.
 *
 * @param {{ root?: string, file?: string }} [options]
 * @returns {Promise<import('./app.js').AppBuildOptions>}
 */
export async function loadConfig({ root = process.cwd(), file } = {}) {
  const path = file ? resolve(root, file) : CONFIG_FILES.map((f) => resolve(root, f)).find((f) => existsSync(f));
  if (!path) {
    // A config under another name would be ignored without a word: a build with no manifest.
    const other = file ? undefined : IGNORED_CONFIG_FILES.map((f) => resolve(root, f)).find((f) => existsSync(f));
    if (other) throw new Error(`outpost build: ${other} is not read; outpost build reads ${CONFIG_FILES.join(' or ')}. Rename it to outpost.config.js (an ES module: export default { … }; TypeScript types through a JSDoc @type comment).`);
    return { root };
  }
  if (!existsSync(path)) throw new Error(`outpost build: the config file ${path} does not exist. Fix the --config path or create the file.`);
  const config = (await import(pathToFileURL(path).href)).default;
  if (!config || typeof config !== 'object') {
    throw new Error(`outpost build: ${path} must export its options as default: export default { entry: 'src/main.ts', … }.`);
  }
  // An option misspelt would be ignored without a word (a `preloads` list preloads nothing).
  for (const name of Object.keys(config)) {
    if (CONFIG_OPTIONS.includes(name)) continue;
    const guess = meant(name);
    throw new Error(`outpost build: ${path} sets '${name}', which is not a build option${guess ? ` (did you mean '${guess}'?)` : ''}. The options: ${CONFIG_OPTIONS.join(', ')}.`);
  }
  return { ...config, root: resolve(root, config.root ?? '.') };
}
