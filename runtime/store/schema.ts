import type { IDBPDatabase, IDBPTransaction } from 'idb';
import { StoreError } from './errors.js';
import { COMPUTED_FIELD, prepareRecord } from './derived.js';
import { WORDS_FIELD } from './words.js';

/**
 * An index keyed by what a function computes from each record, e.g. one `[label, date]` entry per
 * label of a message (`multiEntry`), which no key path can express. The value is kept in a hidden
 * field, filled on every write and for existing records when the index is created. The function
 * must be pure; to change what it computes, give the index a new name.
 */
export interface ComputedIndex {
  compute: (record: Record<string, unknown>) => IDBValidKey | IDBValidKey[] | undefined;
  /** Index each element of a returned array as its own entry. */
  multiEntry?: boolean;
  unique?: boolean;
}

/**
 * An index: a key path, a compound key path (array), `'field*'` for multiEntry, the long form, or
 * a {@link ComputedIndex}.
 */
export type IndexSpec = string | string[] | { keyPath: string | string[]; multiEntry?: boolean; unique?: boolean } | ComputedIndex;

/** How one collection is stored. */
export interface CollectionSchema {
  /** The primary key's field, e.g. `'id'` (dotted paths like `'meta.id'` work). */
  keyPath: string;
  /** Named indexes, e.g. `{ byThread: ['threadId', 'date'], byLabel: 'labels*', byDate: 'date' }`. */
  indexes?: Record<string, IndexSpec>;
  /**
   * Fields whose words are indexed for prefix search with `query({ words })`; dotted paths reach
   * into objects and across arrays, e.g. `['subject', 'from.name', 'to.email']`.
   */
  words?: string[];
}

/** A migration step: transforms data when the database upgrades to its version. */
export type Migration = (tx: IDBPTransaction<unknown, string[], 'versionchange'>) => void | Promise<void>;

/** The declared shape of a store. */
export interface StoreSchema {
  /** Database name; see `accountStoreName()` for one database per account. */
  name: string;
  /** Schema version, a positive integer; raise it when collections, indexes or migrations change. */
  version: number;
  collections: Record<string, CollectionSchema>;
  /** Steps run in version order when upgrading past them, e.g. `{ 3: tx => … }`. */
  migrations?: Record<number, Migration>;
}

/** An index spec in long form. */
export interface NormalizedIndex {
  keyPath: string | string[];
  multiEntry: boolean;
  unique: boolean;
  /** Whether records need a hidden field filled before this index sees them. */
  derived: boolean;
}

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/** Expands the short index forms. */
export function normalizeIndex(spec: IndexSpec, name = ''): NormalizedIndex {
  if (typeof spec === 'object' && 'compute' in spec) {
    if (!IDENTIFIER.test(name)) throw new StoreError('invalid-schema', `Computed index '${name}' needs a name that is a JavaScript identifier (it names a hidden field). Rename it, e.g. 'byLabelDate'.`);
    return { keyPath: `${COMPUTED_FIELD}.${name}`, multiEntry: spec.multiEntry ?? false, unique: spec.unique ?? false, derived: true };
  }
  if (typeof spec === 'string') {
    const multiEntry = spec.endsWith('*');
    return { keyPath: multiEntry ? spec.slice(0, -1) : spec, multiEntry, unique: false, derived: false };
  }
  if (Array.isArray(spec)) return { keyPath: spec, multiEntry: false, unique: false, derived: false };
  return { keyPath: spec.keyPath, multiEntry: spec.multiEntry ?? false, unique: spec.unique ?? false, derived: false };
}

/** Every index a collection needs, including the hidden word index. */
export function indexesOf(schema: CollectionSchema): Record<string, NormalizedIndex> {
  const out: Record<string, NormalizedIndex> = {};
  for (const [name, spec] of Object.entries(schema.indexes ?? {})) out[name] = normalizeIndex(spec, name);
  if (schema.words?.length) out[WORDS_FIELD] = { keyPath: WORDS_FIELD, multiEntry: true, unique: false, derived: true };
  return out;
}

const same = (a: string | string[], b: string | string[] | null) => JSON.stringify(a) === JSON.stringify(b);

/**
 * Brings the database in line with the declared collections (creating stores and indexes,
 * replacing indexes whose definition changed), then runs the migrations past `oldVersion`.
 * Object stores that are not declared are left alone, so data is never dropped by omission.
 */
export async function upgrade(
  db: IDBPDatabase<unknown>,
  tx: IDBPTransaction<unknown, string[], 'versionchange'>,
  schema: StoreSchema,
  oldVersion: number,
  newVersion: number,
): Promise<void> {
  for (const [name, collection] of Object.entries(schema.collections)) {
    const existed = db.objectStoreNames.contains(name);
    const store = existed ? tx.objectStore(name) : db.createObjectStore(name, { keyPath: collection.keyPath });
    const wanted = indexesOf(collection);
    let backfill = false;
    for (const existing of [...store.indexNames]) {
      const index = store.index(existing);
      const want = wanted[existing];
      if (!want || !same(want.keyPath, index.keyPath) || want.multiEntry !== index.multiEntry || want.unique !== index.unique) store.deleteIndex(existing);
    }
    for (const [indexName, spec] of Object.entries(wanted)) {
      if (store.indexNames.contains(indexName)) continue;
      store.createIndex(indexName, spec.keyPath, { multiEntry: spec.multiEntry, unique: spec.unique });
      backfill ||= existed && spec.derived;
    }
    // A new computed or word index starts empty: fill the hidden fields of the records it missed.
    if (backfill) {
      for (let cursor = await store.openCursor(); cursor; cursor = await cursor.continue()) {
        await cursor.update(prepareRecord(cursor.value as Record<string, unknown>, collection));
      }
    }
  }
  const steps = Object.keys(schema.migrations ?? {})
    .map(Number)
    .filter((v) => v > oldVersion && v <= newVersion)
    .sort((a, b) => a - b);
  for (const v of steps) await schema.migrations![v](tx);
}
