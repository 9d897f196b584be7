// Brings a database in line with its schema: a lazy chunk, loaded only when the database is
// created or its version rises (store.ts keeps the versionchange transaction alive meanwhile).
// It imports only types: a value shared with the entry would split the entry into chunks.
import type { IDBPDatabase, IDBPTransaction } from 'idb';
import type { prepareRecord } from './derived.js';
import type { indexesOf, StoreSchema } from './schema.js';
import type { wordsOf } from './words.js';

/** What this chunk takes from the entry's modules. */
export interface UpgradeLib {
  indexesOf: typeof indexesOf;
  prepareRecord: typeof prepareRecord;
  wordsOf: typeof wordsOf;
  wordsStore: (collection: string) => string;
}

// Layout 0 kept a record's words in this hidden field (now in side stores, see words.ts).
const WORDS_FIELD = '$words';

const same = (a: string | string[], b: string | string[] | null) => JSON.stringify(a) === JSON.stringify(b);

/**
 * Brings the database in line with the declared collections (store.ts has created the missing
 * object stores; `existing` are those that were there before): creates indexes and side stores,
 * replacing indexes whose definition changed), then runs the migrations past `oldVersion`.
 * Object stores that are not declared are left alone, so data is never dropped by omission.
 */
export async function upgrade(
  db: IDBPDatabase<unknown>,
  tx: IDBPTransaction<unknown, string[], 'versionchange'>,
  schema: StoreSchema,
  oldVersion: number,
  newVersion: number,
  existing: Set<string>,
  lib: UpgradeLib,
): Promise<void> {
  const { indexesOf, prepareRecord, wordsOf, wordsStore } = lib;
  // The app's versions (see idbVersion): a database of layout 0 holds its bare version.
  if (oldVersion >= 1000) oldVersion = Math.floor(oldVersion / 1000);
  newVersion = Math.floor(newVersion / 1000);
  for (const [name, collection] of Object.entries(schema.collections)) {
    const existed = existing.has(name);
    const store = tx.objectStore(name);
    const wanted = indexesOf(collection);
    let backfill = false;
    for (const have of [...store.indexNames]) {
      const index = store.index(have);
      const want = wanted[have];
      if (!want || !same(want.keyPath, index.keyPath) || want.multiEntry !== index.multiEntry || want.unique !== index.unique) store.deleteIndex(have);
    }
    for (const [indexName, spec] of Object.entries(wanted)) {
      if (store.indexNames.contains(indexName)) continue;
      store.createIndex(indexName, spec.keyPath, { multiEntry: spec.multiEntry, unique: spec.unique });
      backfill ||= existed && spec.derived;
    }
    // A new computed index starts empty: fill the hidden fields of the records it missed.
    if (backfill) {
      for (let cursor = await store.openCursor(); cursor; cursor = await cursor.continue()) {
        await cursor.update(prepareRecord(cursor.value as Record<string, unknown>, collection));
      }
    }
    const side = wordsStore(name);
    if (!collection.words?.length) {
      if (db.objectStoreNames.contains(side)) db.deleteObjectStore(side);
    } else if (!db.objectStoreNames.contains(side)) {
      const words = db.createObjectStore(side, { keyPath: 'k' });
      words.createIndex('w', 'w', { multiEntry: true });
      // The records' words, from the hidden field layout 0 kept on them (left there: a record's
      // next write drops it) or computed; read in pages (a cursor costs a round trip per record).
      if (existed) {
        for (let keys = await store.getAllKeys(undefined, 2000); keys.length; ) {
          const values = (await store.getAll(IDBKeyRange.bound(keys[0], keys[keys.length - 1]))) as Array<Record<string, unknown>>;
          await Promise.all(values.map((v, i) => words.put({ k: keys[i], w: (v[WORDS_FIELD] as string[] | undefined) ?? wordsOf(v, collection.words!) })));
          keys = await store.getAllKeys(IDBKeyRange.lowerBound(keys[keys.length - 1], true), 2000);
        }
      }
    }
  }
  const steps = Object.keys(schema.migrations ?? {})
    .map(Number)
    .filter((v) => v > oldVersion && v <= newVersion)
    .sort((a, b) => a - b);
  for (const v of steps) await schema.migrations![v](tx);
}
