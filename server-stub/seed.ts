// Runs an app's named seed once per data directory.
import type { Db } from './db.js';
import type { Documents } from './documents.js';
import type { StubApp } from './app.js';

/**
 * Runs seed `name` in one transaction unless this data directory already ran it.
 * @throws Error listing the available seeds when `name` is unknown.
 */
export function runSeed(db: Db, docs: Documents, app: StubApp, name: string, users: readonly string[], size?: number): 'ran' | 'already-ran' {
  const seed = Object.hasOwn(app.seeds ?? {}, name) ? app.seeds![name] : undefined;
  if (!seed) {
    const known = Object.keys(app.seeds ?? {});
    throw new Error(`Unknown seed '${name}'. ${known.length ? `The app module defines: ${known.join(', ')}.` : 'Pass --app <module> whose default export has seeds: { name(ctx) {…} }.'}`);
  }
  if (db.prepare('SELECT 1 FROM seeds WHERE name = ?').get(name)) return 'already-ran';
  db.transaction(() => {
    seed({ users, forUser: (user) => docs.forUser(user), now: docs.now(), size });
    db.prepare('INSERT INTO seeds (name, ran_at) VALUES (?, ?)').run(name, docs.now());
  })();
  return 'ran';
}
