// Runs an app's named seed once per data store.
import type { StubApp } from './app.js';
import { TxDocuments } from './documents.js';
import { handlerDocuments } from './handler-docs.js';
import type { Storage } from './storage/types.js';

/**
 * Runs seed `name` in one transaction unless this data store already ran it.
 * @throws Error listing the available seeds when `name` is unknown.
 */
export async function runSeed(storage: Storage, app: StubApp, name: string, users: readonly string[], now: number, size?: number): Promise<'ran' | 'already-ran'> {
  const seed = Object.hasOwn(app.seeds ?? {}, name) ? app.seeds![name] : undefined;
  if (!seed) {
    const known = Object.keys(app.seeds ?? {});
    throw new Error(`Unknown seed '${name}'. ${known.length ? `The app module defines: ${known.join(', ')}.` : 'Pass --app <module> whose default export has seeds: { name(ctx) {…} }.'}`);
  }
  return storage.transaction(async (tx) => {
    if (await tx.seedRan(name)) return 'already-ran';
    const docs = new TxDocuments(tx, now);
    const access = handlerDocuments(docs, `seed '${name}'`);
    const problem = await access.run(() => seed({ users, forUser: (user) => access.forUser(user), now, size }));
    access.end();
    if (docs.failure) throw docs.failure;
    if (problem) throw problem.err;
    await tx.markSeed(name, now);
    return 'ran';
  });
}
