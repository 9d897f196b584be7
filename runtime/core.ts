/**
 * `outpost/core`: the DOM-free heart of Outpost — the store, the sync engine and the protocol's
 * types. No Lit, router or page globals, so the same modules run in tabs, in the service worker
 * (`outpost/sw` builds on this entry) and in Node tools; the root `outpost` entry re-exports all
 * of it beside the UI-facing layers.
 *
 * @example
 * // A schema module shared by the app and its service worker imports only this entry:
 * import type { CollectionSchema, Mutator } from 'outpost/core';
 * @module
 */
export { VERSION } from './version.js';
// The protocol's valibot schemas live in `outpost/protocol` (servers validate with them); the
// client only needs its types, so they stay out of what every app ships.
export type * as protocol from './protocol/index.js';
export * from './store/index.js';
export * from './sync/index.js';
