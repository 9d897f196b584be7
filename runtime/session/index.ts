/**
 * `outpost/session`: the signed-in account, kept in IndexedDB for offline reloads and the service
 * worker (which imports `readSession` from `outpost/sw`). Its own entry: apps without sign-in do
 * not ship it.
 * @module
 */
export { openSessionStore, readSession, sessionStoreName } from './session-store.js';
export type { Session, SessionStore } from './session-store.js';
