/**
 * `outpost/session`: the signed-in state of an app — one account or several side by side (`/u/0`,
 * `/u/1`), each with its token — kept in IndexedDB for offline reloads, the sync engine (a token
 * source) and the service worker (which imports `readSessions` from `outpost/sw`). Its own entry:
 * apps without sign-in do not ship it. outpost/accounts opens each account's store and sync on it.
 * @module
 */
export { openSessionStore, readSession, readSessions, sessionStoreName, writeSessions } from './session-store.js';
export type { Session, SessionStore, SessionToken, SignInOptions } from './session-store.js';
