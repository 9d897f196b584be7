import { expect } from '@open-wc/testing';
import { openSessionStore, sessionStoreName } from '../../../runtime/session/index.js';
import { deleteStore } from '../../../runtime/store/index.js';
import { client, closeAll, login, serverDocs, unique, waitFor } from './helpers.js';
import { stubUrl } from '../../../testing/commands.js';

// A store holds one account's data and outbox; its engine reads `session.token` at each request.
// Another tab signing a second account in (in the first one's place) must not hand this engine
// that account's token: the server would take the pending edits as the second account's (a client
// id it has not seen yet is registered to whoever pushes first).

describe("the engine of one account's store after another account signs in", () => {
  afterEach(closeAll);

  it("never pushes alice's pending edit with bob's token; it stays pending and goes to alice's data once she signs in again", async () => {
    const app = unique('app');
    const tab1 = await openSessionStore(app);
    const tab2 = await openSessionStore(app);
    const real = window.fetch;
    let offline = true;
    window.fetch = (input: RequestInfo | URL, init?: RequestInit) => (offline && String(input).includes('/sync/v1/') ? Promise.reject(new TypeError('offline (test)')) : real(input, init));
    try {
      await tab1.signIn({ user: 'alice', token: await login('alice') });
      // An edit made offline: alice's client id has never reached the server.
      const alice = await client({ sync: { auth: tab1.token } });
      const id = unique('switch');
      await alice.sync.put('notes', { id, by: 'alice' });
      // Another tab signs bob in, in alice's place; this tab's app has not reacted yet.
      await tab2.signIn({ user: 'bob', token: await login('bob') });
      await waitFor(() => tab1.current?.user === 'bob', 'the first tab to see the sign-in');
      offline = false;
      await alice.sync.syncNow();
      expect((await serverDocs(id, 'bob')).size, "alice's note in bob's data").to.equal(0);
      expect(alice.sync.status.lastError?.code).to.equal('auth-required');
      expect(await alice.sync.pendingFor('notes', id), "alice's edit still pending").to.equal(1);
      // Alice signs in again: her edit goes to her data, once.
      await tab2.signIn({ user: 'alice', token: await login('alice') });
      await waitFor(() => tab1.current?.user === 'alice', 'the first tab to see alice again');
      alice.sync.setAuth(tab1.token);
      await alice.sync.syncNow();
      expect((await serverDocs(id, 'alice')).get(`notes/${id}`)?.rev).to.equal(1);
      expect((await serverDocs(id, 'bob')).size).to.equal(0);
      expect(await alice.sync.pendingFor('notes', id)).to.equal(0);
    } finally {
      window.fetch = real;
      tab1.close();
      tab2.close();
      await deleteStore(sessionStoreName(app));
    }
  });

  it("resumes alice's engine paused at auth-required by itself once she signs in again in another tab, with no setAuth (an app as the guide shows)", async () => {
    const app = unique('app');
    const tab1 = await openSessionStore(app);
    const tab2 = await openSessionStore(app);
    const real = window.fetch;
    // Counts the event streams that opened: one open with alice's token stays open through the
    // switch, so its reopening (which resumes a paused engine) does not come to the rescue.
    let streams = 0;
    window.fetch = (input: RequestInfo | URL, init?: RequestInit) => {
      const answer = real(input, init);
      if (String(input).includes('/sync/v1/events')) answer.then((r) => void (r.ok && streams++), () => undefined);
      return answer;
    };
    try {
      await tab1.signIn({ user: 'alice', token: await login('alice') });
      // As the guide's app: `auth: session.token`, and the event stream on (createSync's default).
      const alice = await client({ sync: { auth: tab1.token, events: true } });
      await waitFor(() => streams > 0 && alice.sync.status.state === 'idle', "alice's engine to sync with its event stream open", undefined, () => alice.sync.status);
      // Another tab signs bob in, in alice's place; alice's next edit is refused (no token for her).
      await tab2.signIn({ user: 'bob', token: await login('bob') });
      await waitFor(() => tab1.current?.user === 'bob', 'the first tab to see the sign-in');
      const id = unique('resume');
      await alice.sync.put('notes', { id, by: 'alice' });
      await waitFor(() => alice.sync.status.lastError?.code === 'auth-required', "alice's engine to stop at auth-required", undefined, () => alice.sync.status);
      // Alice signs in again in the other tab: nothing else is done here (no setAuth, no syncNow).
      await tab2.signIn({ user: 'alice', token: await login('alice') });
      await waitFor(async () => (await alice.sync.pendingFor('notes', id)) === 0, "alice's edit to be pushed once she signed in again", undefined, () => alice.sync.status);
      expect((await serverDocs(id, 'alice')).get(`notes/${id}`)?.rev).to.equal(1);
      expect((await serverDocs(id, 'bob')).size, "alice's note in bob's data").to.equal(0);
      // The push is acknowledged before its cycle pulls; the status clears its error as the cycle ends.
      await waitFor(() => alice.sync.status.lastError === undefined, 'the cycle that pushed to end well', undefined, () => alice.sync.status);
    } finally {
      window.fetch = real;
      tab1.close();
      tab2.close();
      await deleteStore(sessionStoreName(app));
    }
  });

  it("resumes by itself when the account's token changed while the request that was refused (401) was on its way: a token refreshed mid-cycle", async () => {
    const app = unique('app');
    const session = await openSessionStore(app);
    const real = window.fetch;
    // Holds alice's pushes (each already carrying the token it was sent with) until released.
    let hold: Promise<void> | undefined;
    let held = 0;
    window.fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
      if (hold && String(input).includes('/sync/v1/push')) {
        held++;
        await hold;
      }
      return real(input, init);
    };
    try {
      const old = await login('alice');
      await session.signIn({ user: 'alice', token: old });
      const alice = await client({ sync: { auth: session.token } });
      await waitFor(() => alice.sync.status.leader && alice.sync.status.state === 'idle', "alice's engine to lead and sync", undefined, () => alice.sync.status);
      // The server ends the old token's session (an expiry, a sign-out elsewhere).
      const url = await stubUrl();
      await real(`${url}/auth/v1/logout`, { method: 'POST', headers: { Authorization: `Bearer ${old}` } });
      let release!: () => void;
      hold = new Promise((resolve) => (release = resolve));
      const id = unique('midcycle');
      await alice.sync.put('notes', { id, by: 'alice' });
      await waitFor(() => held > 0, 'the push with the old token to be on its way');
      // The app gets a new token for alice while that push is on its way (a refresh, a sign-in in another tab).
      await session.signIn({ user: 'alice', token: await login('alice') });
      hold = undefined;
      release();
      // The held push is refused (401: the old token); nothing else is called.
      await waitFor(async () => (await alice.sync.pendingFor('notes', id)) === 0 && !alice.sync.status.lastError, "alice's edit to be pushed with the token she has", undefined, () => alice.sync.status);
      expect((await serverDocs(id, 'alice')).get(`notes/${id}`)?.rev).to.equal(1);
    } finally {
      window.fetch = real;
      session.close();
      await deleteStore(sessionStoreName(app));
    }
  });
});
