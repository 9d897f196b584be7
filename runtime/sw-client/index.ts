/**
 * The page side of an Outpost service worker (on workbox-window): registration, update flow,
 * Background Sync requests, storage persistence and stale-chunk recovery.
 * @module
 */
export { registerServiceWorker } from './register.js';
export type { ServiceWorkerClient, ServiceWorkerOptions, ServiceWorkerRegistrationError, SyncLike, WorkerSyncAnswer } from './service-worker-client.js';
export { requestPersistence } from './persistence.js';
export type { StorageReport } from './persistence.js';
export { isChunkLoadError, recoverFromStaleChunk } from './stale-chunk.js';
export { SYNC_TAG } from '../protocol/sw-messages.js';
