// Signed-in accounts, in the order of their `/u/<n>` index. Tokens live in localStorage so the app
// starts offline once signed in; each account's mail lives in its own IndexedDB store.

/** One signed-in account. */
export interface Account {
  user: string;
  token: string;
}

/** Why signing in failed, worded for the person at the keyboard. */
export class SignInError extends Error {
  override name = 'SignInError';
}

/** The list of signed-in accounts, persisted under one localStorage key. */
export class AccountList {
  readonly #key: string;

  /** @param key the localStorage key (tests pass their own so runs do not share accounts) */
  constructor(key = 'outpost-mail:accounts') {
    this.#key = key;
  }

  /** The accounts, `/u/0` first. */
  all(): Account[] {
    try {
      const list = JSON.parse(localStorage.getItem(this.#key) ?? '[]') as unknown;
      return Array.isArray(list) ? list.filter((a): a is Account => typeof a?.user === 'string' && typeof a?.token === 'string') : [];
    } catch {
      return [];
    }
  }

  /** Adds (or refreshes the token of) an account; returns its index. */
  save(account: Account): number {
    const list = this.all();
    const i = list.findIndex((a) => a.user === account.user);
    if (i >= 0) list[i] = account;
    else list.push(account);
    localStorage.setItem(this.#key, JSON.stringify(list));
    return i >= 0 ? i : list.length - 1;
  }

  /** Forgets an account. */
  remove(user: string): void {
    localStorage.setItem(this.#key, JSON.stringify(this.all().filter((a) => a.user !== user)));
  }
}

/**
 * Signs in at the sync server (`POST /auth/v1/login`, docs/protocol.md) and returns the account.
 * Throws {@link SignInError} with a message to show.
 */
export async function signIn(server: string, user: string, password: string): Promise<Account> {
  let res: Response;
  try {
    res = await fetch(`${server}/auth/v1/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ user, password }),
    });
  } catch {
    throw new SignInError(`Could not reach the mail server at ${server}. Check your connection and try again; accounts already signed in keep working offline.`);
  }
  const body = (await res.json().catch(() => ({}))) as { token?: string; user?: string; error?: { message?: string } };
  if (res.status === 401) throw new SignInError('Wrong user name or password. The demo accounts are alice/alice and bob/bob.');
  if (!res.ok || !body.token) throw new SignInError(`Sign-in failed (${res.status}): ${body.error?.message ?? 'no detail from the server'}.`);
  return { user: body.user ?? user, token: body.token };
}
