/**
 * The signed-in session, kept in IndexedDB for offline reloads and the service worker.
 * @module
 */
export { openSessionStore, readSession, sessionStoreName } from './session-store.js';
export type { Session, SessionStore } from './session-store.js';
