/**
 * Message names between pages and an Outpost service worker. Plain strings in the protocol module,
 * so the page side (runtime/sw-client/) and the worker (sw/, bundled separately) share them without
 * importing each other.
 * @module
 */

/** Page → waiting worker: take over now (workbox-window's `messageSkipWaiting` sends the same). */
export const SKIP_WAITING = 'SKIP_WAITING';
/** Page → worker: run a background sync cycle now (replied to with the result). */
export const SYNC_NOW = 'OUTPOST_SYNC_NOW';
/** Page → worker: which build are you (replied to with `{ version }`)? */
export const GET_VERSION = 'OUTPOST_GET_VERSION';
/** Page → worker: this page runs your build (old precache entries go once every page has said so). */
export const CLIENT_READY = 'OUTPOST_CLIENT_READY';
/** The Background Sync tag an Outpost worker answers. */
export const SYNC_TAG = 'outpost-sync';
