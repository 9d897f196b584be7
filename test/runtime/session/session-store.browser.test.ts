import { expect } from '@open-wc/testing';
import { deleteStore } from '../../../runtime/store/index.js';
import { openSessionStore, readSession, sessionStoreName, type Session, type SessionStore } from '../../../runtime/session/index.js';

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
