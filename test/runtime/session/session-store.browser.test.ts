import { expect } from '@open-wc/testing';
import { deleteStore } from '../../../runtime/store/index.js';
import { openSessionStore, readSession, readSessions, sessionStoreName, type Session, type SessionStore } from '../../../runtime/session/index.js';

/** Resolves once `predicate` holds, checked each frame. */
async function until(predicate: () => boolean): Promise<void> {
  while (!predicate()) await new Promise((r) => requestAnimationFrame(r));
}

describe('session store', () => {
  let app: string;
  const open: SessionStore[] = [];
  const openOne = async () => {
    const s = await openSessionStore(app);
    open.push(s);
    return s;
  };
  beforeEach(() => {
    app = `session-test-${crypto.randomUUID()}`;
  });
  afterEach(async () => {
    open.splice(0).forEach((s) => s.close());
    await deleteStore(sessionStoreName(app));
  });

  it('keeps a sign-in across a reopen (a reload) and gives the token to sync and to the service worker', async () => {
    const first = await openOne();
    expect(first.current).to.equal(undefined);
    expect(first.token()).to.equal(undefined);
    await first.signIn({ user: 'alice', token: 't-1' });
    first.close();

    const again = await openOne();
    expect(again.current?.user).to.equal('alice');
    expect(again.token()).to.equal('t-1');
    expect((await readSession(app))?.token).to.equal('t-1');

    await again.signOut();
    expect(again.current).to.equal(undefined);
    expect(await readSession(app)).to.equal(undefined);
  });

  it('follows a sign-in and a sign-out made through another connection (another tab)', async () => {
    const a = await openOne();
    const b = await openOne();
    const seen: Array<Session | undefined> = [];
    b.subscribe((s) => seen.push(s));
    await a.signIn({ user: 'bob', token: 't-2' });
    await until(() => b.current?.token === 't-2');
    await a.signOut();
    await until(() => b.current === undefined);
    expect(seen.map((s) => s?.user ?? null)).to.deep.equal(['bob', null]);
  });

  it('keeps several accounts side by side in sign-in order, each with its own token, for the page and the worker', async () => {
    const s = await openOne();
    // Signed in in the opposite order of their names, so the order kept is not the key order.
    await s.signIn({ user: 'bob', token: 'b-1' }, { add: true });
    await s.signIn({ user: 'alice', token: 'a-1' }, { add: true });
    const aliceToken = s.tokenOf('alice');
    // A new token for bob keeps him at /u/0 and his first sign-in time.
    const since = s.accounts[0].signedInAt;
    await s.signIn({ user: 'bob', token: 'b-2' }, { add: true });
    expect(s.accounts.map((a) => [a.user, a.token])).to.deep.equal([['bob', 'b-2'], ['alice', 'a-1']]);
    expect(s.accounts[0].signedInAt).to.equal(since);
    expect([s.current?.user, s.token(), aliceToken()]).to.deep.equal(['bob', 'b-2', 'a-1']);
    expect((await readSessions(app)).map((a) => a.user)).to.deep.equal(['bob', 'alice']);

    // Another tab sees the same list; signing one account out leaves the other.
    const other = await openOne();
    expect(other.accounts.map((a) => a.user)).to.deep.equal(['bob', 'alice']);
    await s.signOut('bob');
    await until(() => other.accounts.length === 1);
    expect([other.current?.user, aliceToken()]).to.deep.equal(['alice', 'a-1']);
    expect((await readSession(app))?.user).to.equal('alice');

    // Without `add`, a sign-in replaces every account (one-account apps); signOut() forgets all.
    await s.signIn({ user: 'carol', token: 'c-1' });
    expect(s.accounts.map((a) => a.user)).to.deep.equal(['carol']);
    expect(aliceToken()).to.equal(undefined);
    await s.signOut();
    expect(await readSessions(app)).to.deep.equal([]);
  });

  it('refuses an empty user or token with a message naming both', async () => {
    const s = await openOne();
    let error: unknown;
    try {
      await s.signIn({ user: 'alice', token: '' });
    } catch (e) {
      error = e;
    }
    expect(String(error)).to.match(/user and token must be non-empty strings/);
    expect(s.current).to.equal(undefined);
  });
});
