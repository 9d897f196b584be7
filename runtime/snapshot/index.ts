/**
 * `outpost/snapshot`: a small value kept from the last visit, read synchronously at start, so an
 * app paints its first screen while its store opens (with the router's `pending` view). Its own
 * entry: apps that do not paint ahead of the store do not ship it.
 * @module
 */
export { SNAPSHOT_MAX_CHARS, clearSnapshots, snapshot } from './snapshot.js';
export type { Snapshot, SnapshotOptions } from './snapshot.js';
