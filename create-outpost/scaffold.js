// The starter app's copy step of create-outpost (index.js is the CLI).
import { cpSync, existsSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

// Not URL.pathname: it keeps %20 for a space and gives /C:/… on Windows, so npx's cache under
// "C:\Users\John Smith" would not be found.
const here = fileURLToPath(new URL('.', import.meta.url));
const { version } = JSON.parse(readFileSync(join(here, 'package.json'), 'utf8'));

/**
 * Writes the starter app into `dir` (which must not exist or be empty).
 * @param {string} dir
 * @returns {string} the app's package name
 */
export function scaffold(dir) {
  if (!dir.trim()) throw new Error("create-outpost: the folder name is empty. Name the folder to create, e.g. 'npm create outpost@latest my-app'.");
  if (existsSync(dir) && !statSync(dir).isDirectory()) throw new Error(`create-outpost: ${dir} is a file, not a folder. Pick a new folder name.`);
  if (existsSync(dir) && readdirSync(dir).length) throw new Error(`create-outpost: ${dir} is not empty. Pick a new folder name.`);
  const name = packageName(basename(resolve(dir)));
  cpSync(join(here, 'template'), dir, { recursive: true });
  // npm never packs a file named .gitignore, so the template carries it without the dot.
  renameSync(join(dir, 'gitignore'), join(dir, '.gitignore'));
  for (const file of ['package.json', 'README.md']) {
    const path = join(dir, file);
    writeFileSync(path, readFileSync(path, 'utf8').replaceAll('%NAME%', name).replaceAll('%OUTPOST_VERSION%', `^${version}`));
  }
  return name;
}

/**
 * An npm package name from a folder name: accented letters keep their base letter ("Über App" is
 * `uber-app`, not `ber-app`), anything else outside `a-z0-9._-` becomes `-`.
 * @param {string} folder
 * @returns {string}
 */
export function packageName(folder) {
  const ascii = folder.normalize('NFKD').replace(/\p{M}+/gu, '');
  return ascii.toLowerCase().replace(/[^a-z0-9._-]+/g, '-').replace(/^[._-]+/, '') || 'outpost-app';
}
