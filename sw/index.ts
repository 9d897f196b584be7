/**
 * Outpost service-worker building blocks, imported by an app's own service worker entry.
 *
 * @example
 * declare const self: ServiceWorkerGlobalScope & { __WB_MANIFEST: Array<PrecacheEntry | string> };
 * handleLifecycle(self, { version: BUILD_VERSION });
 * precacheAppShell(self, self.__WB_MANIFEST);
 * cacheMedia();
 * handleBackgroundSync(self, () => syncEveryAccount());
 * @module
 */
export { handleLifecycle, SKIP_WAITING } from './lifecycle.js';
export { precacheAppShell, SYNC_ROUTE } from './precache.js';
export type { AppShellOptions } from './precache.js';
export { cacheMedia } from './runtime-caching.js';
export type { MediaCacheOptions } from './runtime-caching.js';
export { handleBackgroundSync } from './background-sync.js';
export { installKillSwitch } from './kill-switch.js';
export { SYNC_TAG } from '../runtime/protocol/sw-messages.js';
// The engine core the worker runs when woken: the same modules the tabs use, from `outpost/core`.
export { openStore, accountStoreName, syncCollections } from '../runtime/core.js';
export { readSession, readSessions } from '../runtime/session/index.js';
export type { CollectionSchema, ComputedIndex, Mutator, StoreSchema, SyncOptions } from '../runtime/core.js';
export { syncOnce } from '../runtime/sync/engine.js';
export type { SyncOnceResult } from '../runtime/sync/engine.js';
