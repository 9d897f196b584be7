/**
 * The Outpost sync engine: local-first mutations with an outbox, pull with rebase, conflict
 * policies, one network leader per store across tabs. No DOM or Lit dependency in the core.
 * @module
 */
export { createSync, Sync } from './engine.js';
export type { MutationBatch, MutationHandle, SyncOptions } from './engine.js';
export type { ConflictPolicy, MutationOutcome, Mutator, MutatorTransaction } from './outbox.js';
export { syncCollections } from './schema.js';
export type { OutboxEntry, StoredConflict, StoredRejection } from './schema.js';
export type { SyncState, SyncStatus } from './status.js';
export { SyncRequestError } from './request-error.js';
export type { SyncErrorCode, SyncErrorInfo } from './request-error.js';
export { mergeFields } from './apply.js';
export type { ConflictChoice, ConflictWriter, SyncConflicts } from './conflicts.js';
// A type only: the class loads with the first resolve (check `err.code`, or `instanceof` after it).
export type { ConflictError, ConflictErrorCode } from './conflict-resolve.js';
