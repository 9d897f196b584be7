import { openStore, deleteStore, type Store } from '../../../runtime/store/index.js';
import { createSync, syncCollections, type Sync, type SyncOptions } from '../../../runtime/sync/index.js';
import { rename } from './fixtures/rename.js';
import { stubUrl } from '../../../testing/commands.js';
import type { Change } from '../../../runtime/protocol/index.js';
import { CONDITION_TIMEOUT_MS } from '../../timeouts.js';

export const unique = (p: string) => `${p}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;

export async function login(user = 'alice'): Promise<string> {
  const url = await stubUrl();
  const res = await fetch(`${url}/auth/v1/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ user, password: user }) });
  if (!res.ok) throw new Error(`login ${user}: ${res.status}`);
  return ((await res.json()) as { token: string }).token;
}

export interface Client {
  store: Store;
  sync: Sync;
  name: string;
  token: string;
}

const opened: Client[] = [];

/** A client: its own store (database) and sync engine against the test stub. */
export async function client(options: { user?: string; name?: string; token?: string; sync?: Partial<SyncOptions> } = {}): Promise<Client> {
  const url = await stubUrl();
  const token = options.token ?? (await login(options.user));
  const name = options.name ?? unique('sync');
  const store = await openStore({ name, version: 1, collections: { notes: { keyPath: 'id' }, tasks: { keyPath: 'id' }, ...syncCollections } });
  const sync = await createSync({ store, url, auth: { token }, collections: { notes: {}, tasks: {} }, events: false, ...options.sync });
  const c = { store, sync, name, token };
  opened.push(c);
  return c;
}

/**
 * Sync options of a client whose notes settle conflicts `server-wins` (a conflicting edit is
 * dropped, so a test sees one) and which has the `rename` mutator (fixtures/rename.ts).
 */
export const renaming: Partial<SyncOptions> = { collections: { notes: { conflict: 'server-wins' }, tasks: {} }, mutators: { rename } };

/** Closes a client's sync and store, like a tab closing (pending mutations stay stored). */
export function closeClient(c: Client): void {
  c.sync.close();
  c.store.close();
}

export async function closeAll(): Promise<void> {
  for (const c of opened.splice(0)) {
    closeClient(c);
    await deleteStore(c.name).catch(() => undefined);
  }
}

/** Every document of `user` on the server whose key starts with `prefix`, by `collection/key`. */
export async function serverDocs(prefix: string, user = 'alice'): Promise<Map<string, Change>> {
  const url = await stubUrl();
  const token = await login(user);
  const docs = new Map<string, Change>();
  let cursor: string | null = null;
  for (;;) {
    const res = await fetch(`${url}/sync/v1/pull`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ protocol: 1, clientId: unique('reader'), cursor, limit: 1000 }) });
    const page = (await res.json()) as { changes: Change[]; cursor: string; hasMore: boolean };
    for (const c of page.changes) if (c.key.startsWith(prefix)) docs.set(`${c.collection}/${c.key}`, c);
    cursor = page.cursor;
    if (!page.hasMore) return docs;
  }
}

/** Local documents of a collection whose key starts with `prefix`, sorted by key. */
export async function localDocs(c: Client, collection: string, prefix: string): Promise<Record<string, unknown>[]> {
  return (await c.store.collection(collection).query({ startsWith: prefix })) as Record<string, unknown>[];
}

/**
 * Resolves once `condition` holds (checked every 20 ms); fails after `timeoutMs` naming `what` and
 * what `detail` says then (e.g. the engine's status).
 */
export async function waitFor(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = CONDITION_TIMEOUT_MS, detail?: () => unknown): Promise<void> {
  const until = performance.now() + timeoutMs;
  while (!(await condition())) {
    if (performance.now() > until) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}${detail ? ` (${JSON.stringify(detail())})` : ''}.`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * Runs `fn` while `c` cannot read the server (its token is refused, so its cycles fail and pause),
 * then gives the token back. A mutation `fn` makes on `c` is based on what `c` held before `fn`,
 * whatever cycles its engine runs meanwhile (its first one as leader, a focus), and is pushed after.
 */
export async function whileCut<T>(c: Client, fn: () => Promise<T>): Promise<T> {
  c.sync.setAuth({ token: 'refused-for-the-test' });
  // A cycle already under way may have sent its pull with the real token: wait for it to end.
  await waitFor(() => c.sync.status.state !== 'syncing' && c.sync.status.state !== 'connecting', 'no cycle of the cut client running', 10_000, () => c.sync.status);
  try {
    return await fn();
  } finally {
    c.sync.setAuth({ token: c.token });
  }
}

/**
 * Another client of the same user, synced, that patches note `id` on the server (applied, else
 * this throws): the change a test's client has not pulled yet.
 */
export async function editElsewhere(id: string, patch: Record<string, unknown>): Promise<Client> {
  const b = await client();
  await b.sync.syncNow();
  const outcome = await (await b.sync.patch('notes', id, patch)).acked;
  if (outcome.status !== 'applied') throw new Error(`editElsewhere: the other client's patch of ${id} was ${JSON.stringify(outcome)}, not applied.`);
  return b;
}

/**
 * Runs `edit` on `c` while its next cycle's pull is on its way: the cycle starts with nothing to
 * push, its pull waits at the token until `edit` is done, then brings its page. The edit is thus
 * pending when a pulled page is applied, and pushed only after it (by the cycle that follows).
 * With `refuseAfter`, every request after that pull is refused (the engine pauses with
 * `auth-required`) until the test gives the token back with `setAuth`. `c` must have no cycle under
 * way (`await c.sync.syncNow()` after its last edit): that cycle's pull would ask for the held
 * token and bring the page before the edit is made.
 */
export async function duringPull<T>(c: Client, edit: () => Promise<T>, { refuseAfter = false } = {}): Promise<T> {
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  let asked = 0;
  c.sync.setAuth(async () => {
    if (++asked > 1) return refuseAfter ? 'refused-for-the-test' : c.token;
    await gate;
    return c.token;
  });
  const synced = c.sync.syncNow();
  try {
    await waitFor(() => asked > 0, 'the pull to ask for its token', CONDITION_TIMEOUT_MS, () => c.sync.status);
    return await edit();
  } finally {
    if (!refuseAfter) c.sync.setAuth({ token: c.token });
    release();
    await synced;
  }
}
