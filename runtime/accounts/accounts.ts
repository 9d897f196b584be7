// Several signed-in accounts side by side, as gmail's /u/0 and /u/1: each with its own store and
// sync, opened once on first use, and sign-out wiping only that account's data. The accounts are
// outpost/session's: the same records, mirrored into its database after every change.
import { tokenSource, writeSessions, type SessionToken } from '../session/session-store.js';
import { clearSnapshots } from '../snapshot/snapshot.js';
import { accountStoreName, deleteStore, type Store } from '../store/index.js';

/** One signed-in account. */
export interface Account {
  /** The account name the server knows, e.g. `alice`. */
  readonly user: string;
  /** The bearer token the sync server issued. */
  readonly token: string;
}

/** What an app opens per account: at least the account's store (deleted on sign-out) and a close. */
export interface AccountSession {
  /** The account's own store (named as `AccountsOptions.storeName` says). */
  readonly store: Store;
  /** Stops the account's sync and closes its store; its data stays. */
  close(): void;
}

/** Options for {@link openAccounts}. */
export interface AccountsOptions<S extends AccountSession> {
  /** The app's name: the list is kept in localStorage under `<app>:accounts` unless `storageKey` says otherwise. */
  app: string;
  /** The localStorage key of the list (default `<app>:accounts`). */
  storageKey?: string;
  /** The name of an account's store, deleted on sign-out even when not opened here (default `accountStoreName(app, user)`). */
  storeName?: (user: string) => string;
  /**
   * Opens an account's store and starts its sync, e.g. with `createSync({ auth: token })`.
   * `token` reads the account's current token at each call, so a new sign-in's token is used at
   * once (an engine paused at `auth-required` resumes with it: see {@link Accounts.token}).
   */
  open(account: Account, token: SessionToken): Promise<S>;
}

/**
 * The signed-in accounts of an app, in the order of their index (`/u/0` first), each with its own
 * session (store and sync) opened once on first use. The page reads the list synchronously from
 * localStorage (its first view needs it before any await) and every change is written through to
 * outpost/session's database (`<app>:session`), where the service worker reads the same accounts
 * with `readSessions(app)`. Other tabs' sign-ins and sign-outs are followed.
 * Events: `change` after the list changed (here or in another tab).
 *
 * @example
 * const accounts = openAccounts({ app: 'mail', open: async (account, token) => {
 *   const store = await openStore({ name: accountStoreName('mail', account.user), version: 1, collections });
 *   const sync = await createSync({ store, url, auth: token, collections: { messages: {} } });
 *   return { store, sync, close: () => { sync.close(); store.close(); } };
 * } });
 * const index = accounts.signIn({ user: 'bob', token });   // → 1: bob is /u/1
 * const bob = await accounts.session(index);                // his store and sync
 */
export class Accounts<S extends AccountSession> extends EventTarget {
  readonly #options: AccountsOptions<S>;
  readonly #key: string;
  readonly #opening = new Map<string, Promise<S>>();
  readonly #opened = new Map<string, S>();
  readonly #abort = new AbortController();
  #mirrored: Promise<void> = Promise.resolve();

  /** @internal Use {@link openAccounts}. */
  constructor(options: AccountsOptions<S>) {
    super();
    if (!options.app) throw new TypeError("openAccounts: app must be a non-empty string naming the app, e.g. 'mail'.");
    this.#options = options;
    this.#key = options.storageKey ?? `${options.app}:accounts`;
    // Another tab signed someone in or out: say so (a signed-out account's session closes here too).
    addEventListener('storage', (e) => {
      if (e.key !== this.#key) return;
      for (const user of this.#opened.keys()) if (this.indexOf(user) < 0) this.#closeSession(user);
      this.dispatchEvent(new Event('change'));
    }, { signal: this.#abort.signal });
    // A list kept before the session database existed, or a write a closed tab never finished
    // (only then: opening that database and writing to it would slow every start's first reads).
    if (localStorage.getItem(`${this.#key}:mirrored`) !== this.#raw()) this.#mirror();
  }

  /**
   * Resolves once every change so far is in outpost/session's database (`readSessions(app)`).
   * A failed write is logged and retried with the next change or the next start.
   */
  get mirrored(): Promise<void> {
    return this.#mirrored;
  }

  /** Writes the list to the session database, one write after another so the last list wins. */
  #mirror(): void {
    this.#mirrored = this.#mirrored
      .then(async () => {
        const raw = this.#raw();
        await writeSessions(this.#options.app, this.list());
        localStorage.setItem(`${this.#key}:mirrored`, raw);
      })
      .catch((err: unknown) => console.warn(`Accounts '${this.#options.app}': the service worker will not see the latest sign-ins until the next change: ${(err as Error).message}`));
  }

  /** The list as localStorage keeps it. */
  #raw(): string {
    return localStorage.getItem(this.#key) ?? '[]';
  }

  /** The accounts, `/u/0` first. */
  list(): Account[] {
    try {
      const list = JSON.parse(this.#raw()) as unknown;
      return Array.isArray(list) ? list.filter((a): a is Account => typeof a?.user === 'string' && typeof a?.token === 'string') : [];
    } catch {
      return [];
    }
  }

  /** The index of `user` (its `/u/<n>`), or -1 when not signed in. */
  indexOf(user: string): number {
    return this.list().findIndex((a) => a.user === user);
  }

  /** The account at `index`, if any. */
  at(index: number): Account | undefined {
    return this.list()[index];
  }

  /**
   * A token source for the account: its current token, read at each call (undefined once signed
   * out). Its `subscribe` says when that token changes (a sign-in here or in another tab), so an
   * engine paused at `auth-required` (a token the server revoked) resumes with the new one.
   */
  token(user: string): SessionToken {
    return tokenSource(
      () => this.list().find((a) => a.user === user)?.token,
      (listener) => (this.addEventListener('change', listener), () => this.removeEventListener('change', listener)),
    );
  }

  /** Adds an account, or refreshes the token of one already signed in (an open sync uses it at once); returns its index. */
  signIn(account: Account): number {
    const list = this.list();
    const i = list.findIndex((a) => a.user === account.user);
    if (i >= 0) list[i] = { user: account.user, token: account.token };
    else {
      list.push({ user: account.user, token: account.token });
      // A new sign-in starts with no snapshot: one an earlier session left may be stale.
      clearSnapshots(this.#storeName(account.user));
    }
    localStorage.setItem(this.#key, JSON.stringify(list));
    this.#mirror();
    this.dispatchEvent(new Event('change'));
    return i >= 0 ? i : list.length - 1;
  }

  /**
   * The session of the account at `index` (or named `user`), opened on first use; concurrent calls
   * share one opening.
   * @throws {RangeError} when no such account is signed in.
   */
  session(which: number | string): Promise<S> {
    const account = typeof which === 'number' ? this.at(which) : this.list().find((a) => a.user === which);
    if (!account) return Promise.reject(new RangeError(`Accounts '${this.#options.app}': no signed-in account ${typeof which === 'number' ? `at /u/${which}` : `'${which}'`}. Sign in first (accounts.signIn), or go to an index below ${this.list().length}.`));
    let opening = this.#opening.get(account.user);
    if (!opening) {
      opening = this.#options.open(account, this.token(account.user));
      this.#opening.set(account.user, opening);
      opening.then(
        (s) => {
          // Signed out (or closed) while it opened: do not leave it running.
          if (this.#opening.get(account.user) !== opening) return s.close();
          this.#opened.set(account.user, s);
        },
        () => this.#opening.delete(account.user),
      );
    }
    return opening;
  }

  /** The session of `user` if it is open already. */
  opened(user: string): S | undefined {
    return this.#opened.get(user);
  }

  /** Signs `user` out: closes their session, forgets the account and deletes only their store. */
  async signOut(user: string): Promise<void> {
    // An opening session is waited for, so it is closed rather than left running.
    await this.#opening.get(user)?.catch(() => undefined);
    this.#closeSession(user);
    localStorage.setItem(this.#key, JSON.stringify(this.list().filter((a) => a.user !== user)));
    this.#mirror();
    this.dispatchEvent(new Event('change'));
    clearSnapshots(this.#storeName(user));
    await deleteStore(this.#storeName(user));
  }

  #storeName(user: string): string {
    return this.#options.storeName?.(user) ?? accountStoreName(this.#options.app, user);
  }

  #closeSession(user: string): void {
    this.#opened.get(user)?.close();
    this.#opened.delete(user);
    this.#opening.delete(user);
  }

  /** Closes every open session (their data stays) and stops following other tabs. */
  close(): void {
    this.#abort.abort();
    for (const user of [...this.#opened.keys()]) this.#closeSession(user);
    this.#opening.clear();
  }
}

/** Opens the accounts list of an app (see {@link Accounts}). */
export function openAccounts<S extends AccountSession>(options: AccountsOptions<S>): Accounts<S> {
  return new Accounts(options);
}
