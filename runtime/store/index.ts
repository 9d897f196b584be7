/**
 * The Outpost store: declared collections in IndexedDB (on idb), queries by index, word search,
 * all-or-nothing transactions and live queries across tabs. No DOM or Lit dependency (the
 * service worker uses it too); the Lit controller lives in live-query-controller.ts.
 * @module
 */
export { openStore, Store } from './store.js';
export type { OpenStoreOptions, StoreTransaction } from './store.js';
export { Collection } from './collection.js';
export type { StoredRecord } from './collection.js';
export { StoreError } from './errors.js';
export type { StoreErrorCode } from './errors.js';
export type { CollectionSchema, ComputedIndex, IndexSpec, Migration, StoreSchema } from './schema.js';
export type { Key, Page, PageToken, Query } from './query.js';
export type { ChangeSet } from './observers.js';
export type { LiveDiff } from './live.js';
export { tokenize } from './words.js';
export { accountStoreName, deleteStore, persistStorage, storageEstimate } from './storage.js';
