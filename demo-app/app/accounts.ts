// Signing in at the demo's server. The signed-in accounts themselves (in `/u/<n>` order, each with
// its own store and sync) are the framework's: `openAccounts` from outpost/accounts (main.ts).

/** One signed-in account. */
export interface Account {
  user: string;
  token: string;
}

/** Why signing in failed, worded for the person at the keyboard. */
export class SignInError extends Error {
  override name = 'SignInError';
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

/**
 * Revokes an account's token at the sync server (`POST /auth/v1/logout`), so a copy of it left
 * anywhere stops working. Best effort: offline, the token simply expires after the server's session
 * lifetime without use.
 */
export async function signOutAt(server: string, token: string): Promise<void> {
  await fetch(`${server}/auth/v1/logout`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: '{}' }).catch(() => undefined);
}
