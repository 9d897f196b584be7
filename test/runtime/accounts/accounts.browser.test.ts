import { expect } from '@open-wc/testing';
import { openAccounts, type Account, type Accounts } from '../../../runtime/accounts/index.js';
import { readSessions, writeSessions } from '../../../runtime/session/index.js';
import { snapshot, type Snapshot } from '../../../runtime/snapshot/index.js';
import { accountStoreName, openStore, type Store } from '../../../runtime/store/index.js';
import { createSync, syncCollections, type Sync } from '../../../runtime/sync/index.js';
import { stubUrl } from '../../../testing/commands.js';
import { until } from '../../components/helpers.js';
import { login, serverDocs, unique, waitFor } from '../sync/helpers.js';

interface NoteSession {
  store: Store;
  sync: Sync;
  close(): void;
}

const made: Array<Accounts<NoteSession>> = [];

/** Accounts of a fresh app whose sessions are a notes store and its sync against the test stub. */
async function notesAccounts(app = unique('acc')): Promise<{ app: string; accounts: Accounts<NoteSession>; opened: string[] }> {
  const url = await stubUrl();
  const opened: string[] = [];
  const accounts = openAccounts<NoteSession>({
    app,
    async open(account, token) {
      opened.push(account.user);
      const store = await openStore({ name: accountStoreName(app, account.user), version: 1, collections: { notes: { keyPath: 'id' }, ...syncCollections } });
      const sync = await createSync({ store, url, auth: token, collections: { notes: {} }, events: false });
      return { store, sync, close: () => (sync.close(), store.close()) };
    },
  });
  made.push(accounts);
  return { app, accounts, opened };
}

const account = async (user: string): Promise<Account> => ({ user, token: await login(user) });
const databases = async () => (await indexedDB.databases()).map((d) => d.name);

describe('openAccounts', () => {
  afterEach(async () => {
    for (const a of made.splice(0)) {
      for (const { user } of a.list()) await a.signOut(user);
      await a.mirrored;
      a.close();
    }
  });

  it('keeps accounts side by side at their index, each with its own store and sync opened once', async () => {
    const { app, accounts, opened } = await notesAccounts();
    expect(accounts.signIn(await account('alice'))).to.equal(0);
    expect(accounts.signIn(await account('bob'))).to.equal(1);
    const [a1, a2, bob] = await Promise.all([accounts.session(0), accounts.session('alice'), accounts.session(1)]);
    expect(a1).to.equal(a2);
    expect(opened).to.deep.equal(['alice', 'bob']);
    expect([a1.store.name, bob.store.name]).to.deep.equal([accountStoreName(app, 'alice'), accountStoreName(app, 'bob')]);
    const id = unique('n');
    await (await a1.sync.put('notes', { id, title: "alice's" })).acked;
    expect(await bob.store.collection('notes').get(id)).to.equal(undefined);
    expect((await serverDocs(id, 'alice')).has(`notes/${id}`)).to.equal(true);
    expect((await serverDocs(id, 'bob')).size).to.equal(0);
    // Signing in again refreshes the token in place: same index, and the open sync reads the new one.
    const again = await account('alice');
    expect(accounts.signIn(again)).to.equal(0);
    expect(accounts.token('alice')()).to.equal(again.token);
    await (await a1.sync.put('notes', { id, title: 'again' })).acked;
  });

  it('an open sync paused at auth-required (its token revoked) resumes by itself when the account signs in again, with no setAuth', async () => {
    const { accounts } = await notesAccounts();
    const first = await account('alice');
    accounts.signIn(first);
    const alice = await accounts.session('alice');
    await (await alice.sync.put('notes', { id: unique('n') })).acked;
    // The server forgets the token (a sign-out elsewhere, an expiry): the next push is refused.
    const url = await stubUrl();
    await fetch(`${url}/auth/v1/logout`, { method: 'POST', headers: { Authorization: `Bearer ${first.token}` } });
    const id = unique('resume');
    await alice.sync.put('notes', { id, by: 'alice' });
    await waitFor(() => alice.sync.status.lastError?.code === 'auth-required', 'the push with the revoked token to be refused', undefined, () => alice.sync.status);
    // Signing in again refreshes the token in the list; nothing else is called.
    accounts.signIn(await account('alice'));
    await waitFor(async () => (await alice.sync.pendingFor('notes', id)) === 0, 'the edit to be pushed with the new token', undefined, () => alice.sync.status);
    expect((await serverDocs(id, 'alice')).get(`notes/${id}`)?.rev).to.equal(1);
    // The push is acknowledged before its cycle pulls; the status clears its error as the cycle ends.
    await waitFor(() => alice.sync.status.lastError === undefined, 'the cycle that pushed to end well', undefined, () => alice.sync.status);
  });

  it('signing one account out closes its sync and deletes only its store; the list outlives the instance; an unknown index is a RangeError', async () => {
    const { app, accounts } = await notesAccounts();
    accounts.signIn(await account('alice'));
    accounts.signIn(await account('bob'));
    const bob = await accounts.session('bob');
    const alice = await accounts.session('alice');
    let changes = 0;
    accounts.addEventListener('change', () => changes++);
    await accounts.signOut('bob');
    expect(changes).to.equal(1);
    expect(accounts.list().map((a) => a.user)).to.deep.equal(['alice']);
    expect(accounts.opened('bob')).to.equal(undefined);
    const names = await databases();
    expect(names).to.not.include(bob.store.name);
    expect(names).to.include(alice.store.name);
    // The closed sync takes no more writes; alice's still syncs.
    let refused: unknown;
    await bob.sync.put('notes', { id: unique('late') }).catch((e: unknown) => (refused = e));
    expect(refused).to.be.instanceOf(Error);
    await (await alice.sync.put('notes', { id: unique('n') })).acked;
    // Another instance of the same app (a reload) sees the same list.
    const { accounts: reloaded } = await notesAccounts(app);
    expect(reloaded.list().map((a) => a.user)).to.deep.equal(['alice']);
    const missing = await reloaded.session(1).then(() => undefined, (e: unknown) => e);
    expect(missing).to.be.instanceOf(RangeError);
    expect((missing as Error).message).to.contain('/u/1');
  });

  it("signing an account out forgets its snapshots and no one else's; a new sign-in starts with none, a token refresh keeps them", async () => {
    const { app, accounts } = await notesAccounts();
    accounts.signIn(await account('alice'));
    accounts.signIn(await account('bob'));
    const [alice, bob] = ['alice', 'bob'].map((u) => snapshot<string>(accountStoreName(app, u), 'inbox'));
    const write = async (s: Snapshot<string>, value: string) => {
      s.write(value);
      await until(() => s.read() === value, `the snapshot ${value}`);
    };
    await write(alice, "alice's rows");
    await write(bob, "bob's rows");
    await accounts.signOut('bob');
    expect(bob.read(), "bob's rows after his sign-out").to.equal(undefined);
    expect(alice.read()).to.equal("alice's rows");
    // Bob's rows written by an earlier session (another tab's late write) are not shown to a new sign-in.
    await write(bob, 'left by an earlier session');
    accounts.signIn(await account('bob'));
    expect(bob.read()).to.equal(undefined);
    accounts.signIn(await account('alice'));
    expect(alice.read(), 'a token refresh keeps them').to.equal("alice's rows");
  });

  it("are outpost/session's accounts: every change is in the session database the service worker reads, in /u/<n> order", async () => {
    const { app, accounts } = await notesAccounts();
    const alice = await account('alice');
    const bob = await account('bob');
    accounts.signIn(alice);
    accounts.signIn(bob);
    await accounts.mirrored;
    expect((await readSessions(app)).map((s) => [s.user, s.token])).to.deep.equal([['alice', alice.token], ['bob', bob.token]]);
    await accounts.signOut('alice');
    await accounts.mirrored;
    expect((await readSessions(app)).map((s) => s.user)).to.deep.equal(['bob']);
    // A start whose list was mirrored already leaves the session database alone (opening and
    // writing it would slow every start): the empty list written here behind its back stays.
    await writeSessions(app, []);
    const { accounts: started } = await notesAccounts(app);
    await started.mirrored;
    expect(await readSessions(app)).to.deep.equal([]);
    // A list from before the mirror (or a write a closed tab never finished) is written on start.
    localStorage.removeItem(`${app}:accounts:mirrored`);
    const { accounts: reloaded } = await notesAccounts(app);
    await reloaded.mirrored;
    expect((await readSessions(app)).map((s) => s.user)).to.deep.equal(['bob']);
    // So is a list changed in localStorage whose mirror never happened.
    localStorage.setItem(`${app}:accounts`, JSON.stringify([bob, alice]));
    const { accounts: again } = await notesAccounts(app);
    await again.mirrored;
    expect((await readSessions(app)).map((s) => s.user)).to.deep.equal(['bob', 'alice']);
  });
});
