/**
 * Outpost runtime: the client core of an Outpost app.
 *
 * Everything of `outpost/core` (store, sync, protocol types) plus the layers pages use (Lit
 * controllers, router, app, service-worker client, install prompt), so an app imports everything
 * it needs from `outpost`.
 * @module
 */
// The DOM-free part (store, sync, protocol types) is `outpost/core`; this entry adds what pages use.
export * from './core.js';
export { LiveQueryController } from './store/live-query-controller.js';
export { SyncStatusController } from './sync/sync-status-controller.js';
export type { SyncStatusSource } from './sync/sync-status-controller.js';
export * from './sw-client/index.js';
export { InstallPrompt, watchInstallPrompt } from './install/install-prompt.js';
export * from './router/index.js';
export * from './app/index.js';
