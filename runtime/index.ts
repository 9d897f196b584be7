/**
 * Outpost runtime: the client core of an Outpost app.
 *
 * Later layers (store, sync, router, service-worker client) are re-exported from here so an app
 * imports everything it needs from `outpost`.
 * @module
 */
export { VERSION } from './version.js';
// The protocol's valibot schemas live in `outpost/protocol` (servers validate with them); the
// client only needs its types, so they stay out of what every app ships.
export type * as protocol from './protocol/index.js';
export * from './store/index.js';
export { LiveQueryController } from './store/live-query-controller.js';
export * from './sync/index.js';
export { SyncStatusController } from './sync/sync-status-controller.js';
export type { SyncStatusSource } from './sync/sync-status-controller.js';
export * from './sw-client/index.js';
export { InstallPrompt, watchInstallPrompt } from './install/install-prompt.js';
export * from './router/index.js';
export * from './app/index.js';
