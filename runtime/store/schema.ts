import type { IDBPTransaction } from 'idb';
import { COMPUTED_FIELD } from './derived.js';

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
  /**
   * An index (one key per record, named by a JavaScript identifier) whose order the word index
   * keeps beside each word, e.g. `'byDate'`: a one-word search listed by it (`{ words: 'invoice',
   * index: 'byDate', direction: 'prev', limit: 50 }`) then reads its page's index keys instead of
   * every hit, and a word search without `index` lists in its order. Raise `version` to add,
   * change or drop it: adding or changing it rewrites every word entry.
   */
  wordsOrder?: string;
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

/** Expands the short index forms. */
export function normalizeIndex(spec: IndexSpec, name = ''): NormalizedIndex {
  if (typeof spec === 'object' && 'compute' in spec) {
    return { keyPath: `${COMPUTED_FIELD}.${name}`, multiEntry: spec.multiEntry ?? false, unique: spec.unique ?? false, derived: true };
  }
  if (typeof spec === 'string') {
    const multiEntry = spec.endsWith('*');
    return { keyPath: multiEntry ? spec.slice(0, -1) : spec, multiEntry, unique: false, derived: false };
  }
  if (Array.isArray(spec)) return { keyPath: spec, multiEntry: false, unique: false, derived: false };
  return { keyPath: spec.keyPath, multiEntry: spec.multiEntry ?? false, unique: spec.unique ?? false, derived: false };
}

/** Every index a collection's object store needs (its words have their own store, see words.ts). */
export function indexesOf(schema: CollectionSchema): Record<string, NormalizedIndex> {
  const out: Record<string, NormalizedIndex> = {};
  for (const [name, spec] of Object.entries(schema.indexes ?? {})) out[name] = normalizeIndex(spec, name);
  return out;
}

/**
 * The IndexedDB version of a schema version: `version * 1000 + LAYOUT`, where LAYOUT is how this
 * Outpost lays the store out (1: words in side stores), so a new layout upgrades every database
 * without the app raising its version. Databases of layout 0 have the bare app version (< 1000).
 */
export const idbVersion = (version: number) => version * 1000 + 1;
