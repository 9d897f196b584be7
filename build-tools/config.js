// `outpost.config.js`: an app's build options (see AppBuildOptions in app.js), read by `outpost build`.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

/** The file names `outpost build` looks for in the app's folder, in order. */
export const CONFIG_FILES = ['outpost.config.js', 'outpost.config.mjs'];

/**
 * The default export of the app's config file (`file`, or the first of {@link CONFIG_FILES} in
 * `root`), with `root` set; `{ root }` when there is none.
 *
 * @param {{ root?: string, file?: string }} [options]
 * @returns {Promise<import('./app.js').AppBuildOptions>}
 */
export async function loadConfig({ root = process.cwd(), file } = {}) {
  const path = file ? resolve(root, file) : CONFIG_FILES.map((f) => resolve(root, f)).find((f) => existsSync(f));
  if (!path) return { root };
  if (!existsSync(path)) throw new Error(`outpost build: the config file ${path} does not exist. Fix the --config path or create the file.`);
  const config = (await import(pathToFileURL(path).href)).default;
  if (!config || typeof config !== 'object') {
    throw new Error(`outpost build: ${path} must export its options as default: export default { entry: 'src/main.ts', … }.`);
  }
  return { ...config, root: resolve(root, config.root ?? '.') };
}
