// Brings a database in line with its schema: a lazy chunk, loaded only when the database is
// created or its version rises (store.ts keeps the versionchange transaction alive meanwhile).
// It imports only types from the entry's modules (a value shared with the entry would split the
// entry into chunks); word-order.ts belongs to the word index's chunk.
import type { IDBPDatabase, IDBPTransaction } from 'idb';
import type { prepareRecord } from './derived.js';
import type { indexesOf, StoreSchema } from './schema.js';
import type { wordsOf } from './words.js';
import type { StoreError } from './errors.js';
import type { Key } from './query.js';
import { idOf, pairsOf } from './word-order.js';

/** What this chunk takes from the entry's modules. */
export interface UpgradeLib {
  indexesOf: typeof indexesOf;
  prepareRecord: typeof prepareRecord;
  wordsOf: typeof wordsOf;
  StoreError: typeof StoreError;
}

// Layout 0 kept a record's words in this hidden field; side stores are named after it (words.ts).
const WORDS_FIELD = '$words';

// An index name that can be a key path's step (schema.ts has the same; importing it would split the entry).
const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

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
  const { indexesOf, prepareRecord, wordsOf } = lib;
  // The app's versions (see idbVersion): a database of layout 0 holds its bare version.
  if (oldVersion >= 1000) oldVersion = Math.floor(oldVersion / 1000);
  newVersion = Math.floor(newVersion / 1000);
  for (const [name, collection] of Object.entries(schema.collections)) {
    const existed = existing.has(name);
    const store = tx.objectStore(name);
    // IndexedDB keeps an object store's key path for good: reads and writes by the new one would
    // miss every record (a put keyed by the old field, its result and gets by the new).
    if (!same(collection.keyPath, store.keyPath)) throw new lib.StoreError('invalid-schema', `Collection '${name}' is stored by key path '${store.keyPath}', and the schema now says '${collection.keyPath}': a collection's key path cannot change. Keep '${store.keyPath}', or declare a new collection with the new key path and copy the records into it in a migration.`, { collection: name });
    const wanted = indexesOf(collection);
    let backfill = false;
    for (const have of [...store.indexNames]) {
      const index = store.index(have);
      const want = wanted[have];
      if (!want || !same(want.keyPath, index.keyPath) || want.multiEntry !== index.multiEntry || want.unique !== index.unique) store.deleteIndex(have);
    }
    const unique: string[] = [];
    for (const [indexName, spec] of Object.entries(wanted)) {
      // Checked here, in the upgrade's lazy chunk, where a schema's indexes are laid out.
      if (spec.derived && !IDENTIFIER.test(indexName)) throw new lib.StoreError('invalid-schema', `Computed index '${indexName}' needs a name that is a JavaScript identifier (it names a hidden field). Rename it, e.g. 'byLabelDate'.`, { collection: name });
      if (store.indexNames.contains(indexName)) continue;
      store.createIndex(indexName, spec.keyPath, { multiEntry: spec.multiEntry, unique: spec.unique });
      backfill ||= existed && spec.derived;
      if (existed && spec.unique) unique.push(indexName);
    }
    try {
      // A new computed index starts empty: fill the hidden fields of the records it missed.
      if (backfill) {
        for (let cursor = await store.openCursor(); cursor; cursor = await cursor.continue()) {
          await cursor.update(prepareRecord(cursor.value as Record<string, unknown>, collection));
        }
      }
      // Records sharing a value of a new unique index abort the upgrade; a request after it fails.
      if (unique.length) await store.count();
    } catch (err) {
      // IndexedDB's own error is a bare abort (or a ConstraintError naming no store): say which.
      // Any other (a computed index's function throwing in the backfill) is the app's, as it is.
      if (!unique.length || !['AbortError', 'ConstraintError'].includes((err as Error)?.name)) throw err;
      throw new lib.StoreError('constraint', `Store '${schema.name}' cannot upgrade to version ${newVersion}: records of collection '${name}' share a value of its new unique index ${unique.map((n) => `'${n}'`).join(', ')}, so nothing of the upgrade was kept. Remove the duplicates first (a release that deduplicates them in a migration, then one adding the index), or declare the index without unique.`, { collection: name, cause: err });
    }
    const side = `${WORDS_FIELD}/${name}`; // as words.ts wordsStore
    if (!collection.words?.length) {
      if (db.objectStoreNames.contains(side)) db.deleteObjectStore(side);
      continue;
    }
    const fresh = !db.objectStoreNames.contains(side);
    const words = fresh ? db.createObjectStore(side, { keyPath: 'k' }) : tx.objectStore(side);
    const order = collection.wordsOrder;
    const path = order === undefined ? 'w' : `o.${order}`;
    if (order !== undefined) {
      const spec = wanted[order];
      if (!spec || spec.multiEntry || !IDENTIFIER.test(order)) throw new lib.StoreError('invalid-schema', `Collection '${name}' orders its words by '${order}', which is not one of its indexes with one key per record named by a JavaScript identifier. Declare wordsOrder as such an index (e.g. 'byDate': 'date'), or leave it out.`);
    }
    // The words' index: on `w` (the words), or on `o.<order>` ([word, order key] pairs).
    const had = fresh ? undefined : words.index('w');
    if (had && had.keyPath === path) continue;
    if (had) words.deleteIndex('w');
    words.createIndex('w', path, { multiEntry: true });
    // The records' words (from the hidden field layout 0 kept on them, else computed) or, with an
    // order, the entries' own words and the records' order keys; read in pages (a cursor costs a
    // round trip per record). Going back to plain words, the index reads the `w` entries hold.
    if (!existed || (had && order === undefined)) continue;
    const keyPath = order === undefined ? undefined : store.index(order).keyPath;
    for (let keys = await store.getAllKeys(undefined, 2000); keys.length; ) {
      const range = IDBKeyRange.bound(keys[0], keys[keys.length - 1]);
      const values = (await store.getAll(range)) as Array<Record<string, unknown>>;
      const entries = had ? ((await words.getAll(range)) as Array<{ k: unknown; w: string[] }>) : [];
      const held = new Map(entries.map((e) => [idOf(e.k as Key), e]));
      await Promise.all(
        values.map((v, i) => {
          const entry = held.get(idOf(keys[i] as Key));
          // A record without words has no entry to pair.
          if (had && !entry) return;
          const w = entry?.w ?? (v[WORDS_FIELD] as string[] | undefined) ?? wordsOf(v, collection.words!);
          return words.put(keyPath === undefined ? { k: keys[i], w } : { ...entry, k: keys[i], w, o: { [order!]: pairsOf(w, v, keyPath) } });
        }),
      );
      keys = await store.getAllKeys(IDBKeyRange.lowerBound(keys[keys.length - 1], true), 2000);
    }
  }
  const steps = Object.keys(schema.migrations ?? {})
    .map(Number)
    .filter((v) => v > oldVersion && v <= newVersion)
    .sort((a, b) => a - b);
  for (const v of steps) {
    await alive(tx, schema.migrations![v](tx)).catch((err: unknown) => {
      if ((err as Error)?.name !== 'TransactionInactiveError') throw err;
      throw new lib.StoreError('aborted', `Store '${schema.name}': migration ${v} made a request after awaiting something else (a fetch, a timer, crypto.subtle), when IndexedDB takes none (only while one of the transaction's requests calls back), so nothing of the upgrade was kept. Do that work before openStore(), or await only requests of tx in a migration.`, { cause: err });
    });
  }
}

/**
 * `work`'s outcome, with a request kept pending on `tx` until it settles: IndexedDB commits a
 * transaction that has none, so a migration awaiting anything else had the upgrade committed half
 * way (the version raised, the rest of the migration failing unseen, openStore resolved). Kept
 * open, the request it makes after is refused and the whole upgrade aborted. A read of a key no
 * record has (`[]`) costs little.
 */
async function alive<R>(tx: IDBPTransaction<unknown, string[], 'versionchange'>, work: R): Promise<Awaited<R>> {
  let settled = false;
  const done = Promise.resolve(work).finally(() => (settled = true));
  const keep = async () => {
    // Named again each time: a migration may delete an object store.
    for (let name; !settled && (name = tx.objectStoreNames[0]) !== undefined; ) await tx.objectStore(name).get([]);
  };
  return (await Promise.all([done, keep()]))[0];
}
