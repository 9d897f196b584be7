// The signed-in account, kept in IndexedDB (a database of its own, `<app>:session`) so that an
// offline reload still knows who is signed in and with which token, and so the service worker,
// which has no localStorage, can sync for that account when the browser wakes it.
import { openStore, type Store } from '../store/index.js';

/** A signed-in account. */
export interface Session {
  /** The account name, e.g. `alice`; apps keep one store per account (`accountStoreName`). */
  readonly user: string;
  /** The bearer token the sync server issued. */
  readonly token: string;
  /** When the account signed in (ms since the epoch). */
  readonly signedInAt: number;
}

/** The session kept for `app`: read on start (offline too), written on sign-in, cleared on sign-out. */
export interface SessionStore {
  /** The signed-in account, or `undefined` when signed out; follows sign-ins and sign-outs in other tabs. */
  readonly current: Session | undefined;
  /** A token source for `createSync({ auth: session.token })`: the current token, read at each request. */
  readonly token: () => string | undefined;
  /** Keeps `user` signed in with `token` (replacing whoever was), and resolves with the session. */
  signIn(account: { user: string; token: string }): Promise<Session>;
  /** Forgets the session (the account's data store is the app's to delete: `deleteStore`). */
  signOut(): Promise<void>;
  /** Calls `listener` after every change of `current` (this tab or another); returns a function that stops it. */
  subscribe(listener: (session: Session | undefined) => void): () => void;
  /** Closes the database. */
  close(): void;
}

const COLLECTION = 'sessions';
const KEY = 'current';
type SessionRecord = { id: typeof KEY; user: string; token: string; signedInAt: number; [field: string]: unknown };

/** The session database's name for `app`. */
export function sessionStoreName(app: string): string {
  if (!app) throw new TypeError("sessionStoreName: app must be a non-empty string naming the app, e.g. 'todo'.");
  return `${app}:session`;
}

function openSessionDb(app: string): Promise<Store> {
  return openStore({ name: sessionStoreName(app), version: 1, collections: { [COLLECTION]: { keyPath: 'id' } } });
}

function toSession(record: SessionRecord | undefined): Session | undefined {
  return record ? { user: record.user, token: record.token, signedInAt: record.signedInAt } : undefined;
}

/**
 * Opens `app`'s session store and reads the current session before resolving, so a page can
 * decide between its sign-in view and its data with no network.
 *
 * @example
 * const session = await openSessionStore('todo');
 * if (!session.current) await session.signIn({ user, token: await login(user, password) });
 * const sync = await createSync({ store, url, auth: session.token, collections: { todos: {} } });
 */
export async function openSessionStore(app: string): Promise<SessionStore> {
  const db = await openSessionDb(app);
  const sessions = db.collection<SessionRecord>(COLLECTION);
  let current = toSession(await sessions.get(KEY));
  const listeners = new Set<(session: Session | undefined) => void>();
  let first = true;
  const notify = () => listeners.forEach((l) => l(current));
  const stop = db.observe(
    [COLLECTION],
    () => sessions.get(KEY),
    (record) => {
      const next = toSession(record);
      const changed = next?.token !== current?.token || next?.user !== current?.user;
      current = next;
      // The observer's first run repeats the read above; only later runs are changes.
      if (first) first = false;
      else if (changed) notify();
    },
  );
  return {
    get current() {
      return current;
    },
    token: () => current?.token,
    async signIn({ user, token }) {
      if (!user || !token) throw new TypeError('SessionStore.signIn: user and token must be non-empty strings (the account name and the token the server issued).');
      const session: Session = { user, token, signedInAt: Date.now() };
      await sessions.put({ id: KEY, ...session });
      // Set before the observer's re-read, which then sees no change: one call per sign-in.
      current = session;
      notify();
      return session;
    },
    async signOut() {
      await sessions.delete(KEY);
      current = undefined;
      notify();
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    close() {
      stop();
      db.close();
    },
  };
}

/**
 * The current session of `app`, read once: for a service worker woken to sync.
 *
 * @example
 * handleBackgroundSync(self, async () => {
 *   const session = await readSession('todo');
 *   if (session) await syncOnce({ store, url: self.location.origin, auth: { token: session.token }, collections });
 * });
 */
export async function readSession(app: string): Promise<Session | undefined> {
  const db = await openSessionDb(app);
  try {
    return toSession(await db.collection<SessionRecord>(COLLECTION).get(KEY));
  } finally {
    db.close();
  }
}
