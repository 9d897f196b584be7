// The signed-in state of an app: one or several accounts, each with its own token, kept in
// IndexedDB (a database of its own, `<app>:session`) so an offline reload still knows who is
// signed in, the sync engine reads the token at each request, and the service worker, which has
// no localStorage, can sync every account when the browser wakes it. outpost/accounts keeps the
// same records (it opens each account's store and sync on top).
import { openStore, type Store } from '../store/index.js';

/** A signed-in account. */
export interface Session {
  /** The account name, e.g. `alice`; apps keep one store per account (`accountStoreName`). */
  readonly user: string;
  /** The bearer token the sync server issued. */
  readonly token: string;
  /** When the account first signed in on this device (ms since the epoch); a new token keeps it. */
  readonly signedInAt: number;
}

/**
 * A token source for `createSync({ auth })`: the account's token at each call, and `subscribe`,
 * which calls `onChange` when that token changes (a sign-in, a new token, a sign-out): an engine
 * paused at `auth-required` tries again then, with no `setAuth`.
 */
export interface SessionToken {
  (): string | undefined;
  subscribe(onChange: () => void): () => void;
}

/**
 * @internal `read` as a {@link SessionToken} whose `subscribe` calls back when what `read` gives
 * changes; `listen` registers a callback for every change of the accounts (and returns its undo).
 * An engine paused at `auth-required` tries again when its account signs in again.
 */
export function tokenSource(read: () => string | undefined, listen: (listener: () => void) => () => void): SessionToken {
  return Object.assign(read, {
    subscribe(onChange: () => void) {
      let last = read();
      return listen(() => last !== (last = read()) && onChange());
    },
  });
}

/** Options for {@link SessionStore.signIn}. */
export interface SignInOptions {
  /**
   * Keep the accounts already signed in and add this one after them (or give it its new token in
   * its place), as gmail's `/u/1` (default false: this account replaces whoever was signed in).
   */
  add?: boolean;
}

/**
 * The signed-in accounts of `app`: read on start (offline too), written on sign-in, cleared on
 * sign-out, followed across tabs.
 */
export interface SessionStore {
  /** The first account (`/u/0`), or `undefined` when signed out: for an app with one account, the account. */
  readonly current: Session | undefined;
  /** Every signed-in account in sign-in order: `accounts[n]` is `/u/<n>`. */
  readonly accounts: readonly Session[];
  /**
   * A token source for `createSync({ auth: session.token })` on the first account's store: that
   * account's token, read at each request. Each read of `session.token` is bound to the account
   * first then (or, read while signed out, to the first one that signs in): once it signs out or
   * another account takes its place (a sign-in in another tab), it gives `undefined` (the engine's
   * next request is refused, `auth-required`, and the outbox kept), never the other account's
   * token, which would push this account's pending edits into the other's data. Read it again
   * for the store of the account signed in next. When the account signs in again (here or in
   * another tab), an engine it paused at `auth-required` resumes by itself ({@link SessionToken}).
   */
  readonly token: SessionToken;
  /** A token source for `user`'s sync: their current token, `undefined` once they signed out. */
  tokenOf(user: string): SessionToken;
  /** Keeps `user` signed in with `token` (see {@link SignInOptions.add}) and resolves with the session. */
  signIn(account: { user: string; token: string }, options?: SignInOptions): Promise<Session>;
  /** Forgets `user`'s session, or every session when `user` is omitted (the accounts' data stores are the app's to delete: `deleteStore`). */
  signOut(user?: string): Promise<void>;
  /** Calls `listener` after every change of the accounts (this tab or another); returns a function that stops it. */
  subscribe(listener: (current: Session | undefined, accounts: readonly Session[]) => void): () => void;
  /** Closes the database. */
  close(): void;
}

const COLLECTION = 'sessions';
/** One record per account, keyed by its name; `slot` orders them (`/u/<n>`). */
type SessionRecord = { id: string; user: string; token: string; signedInAt: number; slot: number; [field: string]: unknown };

/** The session database's name for `app`. */
export function sessionStoreName(app: string): string {
  if (!app) throw new TypeError("sessionStoreName: app must be a non-empty string naming the app, e.g. 'todo'.");
  return `${app}:session`;
}

function openSessionDb(app: string): Promise<Store> {
  return openStore({ name: sessionStoreName(app), version: 1, collections: { [COLLECTION]: { keyPath: 'id' } } });
}

async function readAll(db: Store): Promise<Session[]> {
  const records = await db.collection<SessionRecord>(COLLECTION).query();
  return records
    .filter((r) => typeof r.user === 'string' && typeof r.token === 'string')
    .sort((a, b) => (a.slot ?? 0) - (b.slot ?? 0))
    .map((r) => ({ user: r.user, token: r.token, signedInAt: r.signedInAt }));
}

const same = (a: readonly Session[], b: readonly Session[]) => a.length === b.length && a.every((s, i) => s.user === b[i].user && s.token === b[i].token);

function checkAccount({ user, token }: { user: string; token: string }, where: string): void {
  if (!user || !token) throw new TypeError(`${where}: user and token must be non-empty strings (the account name and the token the server issued).`);
}

/**
 * Replaces the signed-in accounts of `app` with `accounts`, in that order, in one transaction;
 * an account already signed in keeps its `signedInAt`. For code that keeps the list elsewhere
 * first (outpost/accounts' synchronous copy) and mirrors it here for the service worker.
 */
export async function writeSessions(app: string, accounts: ReadonlyArray<{ user: string; token: string }>): Promise<void> {
  accounts.forEach((a) => checkAccount(a, 'writeSessions'));
  const db = await openSessionDb(app);
  try {
    await db.transaction([COLLECTION], 'readwrite', async (tx) => {
      const sessions = tx.collection<SessionRecord>(COLLECTION);
      const before = new Map((await sessions.query()).map((r) => [r.user, r.signedInAt]));
      await sessions.clear();
      const now = Date.now();
      await sessions.bulkPut(accounts.map((a, slot) => ({ id: a.user, user: a.user, token: a.token, signedInAt: before.get(a.user) ?? now, slot })));
    });
  } finally {
    db.close();
  }
}

/**
 * Opens `app`'s session store and reads the signed-in accounts before resolving, so a page can
 * decide between its sign-in view and its data with no network.
 *
 * @example
 * const session = await openSessionStore('todo');
 * if (!session.current) await session.signIn({ user, token: await login(user, password) });
 * const sync = await createSync({ store, url, auth: session.token, collections: { todos: {} } });
 *
 * @example Several accounts side by side (`/u/0`, `/u/1`)
 * await session.signIn({ user: 'bob', token }, { add: true });
 * const bobSync = await createSync({ store: bobStore, url, auth: session.tokenOf('bob'), collections });
 */
export async function openSessionStore(app: string): Promise<SessionStore> {
  const db = await openSessionDb(app);
  const sessions = db.collection<SessionRecord>(COLLECTION);
  let accounts: readonly Session[] = await readAll(db);
  const listeners = new Set<(current: Session | undefined, accounts: readonly Session[]) => void>();
  const update = (next: readonly Session[]) => {
    if (same(next, accounts)) return;
    accounts = next;
    listeners.forEach((l) => l(accounts[0], accounts));
  };
  // Writes here and in other tabs: the first run repeats the read above and changes nothing.
  const stop = db.observe([COLLECTION], () => readAll(db), update);
  const changing = (read: () => string | undefined) =>
    tokenSource(read, (listener) => (listeners.add(listener), () => void listeners.delete(listener)));
  return {
    get current() {
      return accounts[0];
    },
    get accounts() {
      return accounts;
    },
    // A getter: each read is bound to its account (see SessionStore.token).
    get token() {
      let user = accounts[0]?.user;
      return changing(() => {
        const first = accounts[0];
        user ??= first?.user;
        return first?.user === user ? first?.token : undefined;
      });
    },
    tokenOf: (user) => changing(() => accounts.find((s) => s.user === user)?.token),
    async signIn(account, { add = false } = {}) {
      checkAccount(account, 'SessionStore.signIn');
      const { user, token } = account;
      const session = await db.transaction([COLLECTION], 'readwrite', async (tx) => {
        const all = tx.collection<SessionRecord>(COLLECTION);
        const records = await all.query();
        const mine = records.find((r) => r.user === user);
        if (!add) await all.bulkDelete(records.filter((r) => r.user !== user).map((r) => r.id));
        const slot = mine?.slot ?? Math.max(-1, ...records.map((r) => r.slot ?? 0)) + 1;
        const record: SessionRecord = { id: user, user, token, signedInAt: mine?.signedInAt ?? Date.now(), slot: add ? slot : 0 };
        await all.put(record);
        return { user, token, signedInAt: record.signedInAt };
      });
      // Set before the observer's re-read, which then sees no change: one call per sign-in.
      update(await readAll(db));
      return session;
    },
    async signOut(user) {
      if (user === undefined) await sessions.clear();
      else await sessions.delete(user);
      update(await readAll(db));
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
 * Every signed-in account of `app`, read once, `/u/0` first: for a service worker woken to sync.
 *
 * @example
 * handleBackgroundSync(self, async () => {
 *   for (const { user, token } of await readSessions('mail')) {
 *     const store = await openStore({ name: accountStoreName('mail', user), version: 1, collections });
 *     try {
 *       await syncOnce({ store, url: self.location.origin, auth: { token }, collections: synced });
 *     } finally {
 *       store.close();
 *     }
 *   }
 * });
 */
export async function readSessions(app: string): Promise<Session[]> {
  const db = await openSessionDb(app);
  try {
    return await readAll(db);
  } finally {
    db.close();
  }
}

/**
 * The first signed-in account of `app` (`/u/0`), read once: for the service worker of an app
 * with one account.
 *
 * @example
 * handleBackgroundSync(self, async () => {
 *   const session = await readSession('todo');
 *   if (session) await syncOnce({ store, url: self.location.origin, auth: { token: session.token }, collections });
 * });
 */
export async function readSession(app: string): Promise<Session | undefined> {
  return (await readSessions(app))[0];
}
