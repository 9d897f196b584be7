// Start-up check of the static folder: serving it must never expose the server's own data.
import { realpathSync } from 'node:fs';
import { relative, resolve, isAbsolute } from 'node:path';

/**
 * Refuses a static folder that contains the data folder (the SQLite file, sessions and every
 * user's documents would be downloadable).
 * @throws Error naming both folders and the fix.
 */
export function checkStaticDir(staticDir: string, dataDir: string): void {
  if (dataDir === ':memory:') return;
  const site = real(staticDir);
  const data = real(dataDir);
  const rel = relative(site, data);
  if (rel === '' || (!rel.startsWith('..') && !isAbsolute(rel))) {
    throw new Error(
      `The static folder '${staticDir}' contains the data folder '${dataDir}': every user's data would be downloadable. Keep --data outside --static (e.g. --data .outpost-data --static dist/app).`,
    );
  }
}

// A data folder that does not exist yet is created later under this path: compare the path itself.
function real(path: string): string {
  try {
    return realpathSync(resolve(path));
  } catch {
    return resolve(path);
  }
}
