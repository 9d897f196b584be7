import { expect } from '@open-wc/testing';
import { closeAll, closeClient, client, duringPull, editElsewhere, localDocs, login, renaming, serverDocs, unique, waitFor, whileCut, type Client } from './helpers.js';
import { goOffline, goOnline, killStub, resetStub, startStubAgain, stubUrl } from '../../../testing/commands.js';
import type { OutboxEntry } from '../../../runtime/sync/index.js';

describe('sync engine: mutations, push and pull', () => {
  afterEach(async () => {
    await goOnline();
    await closeAll();
  });

  it('a mutation is visible locally at once and acked by the server with its rev', async () => {
    const a = await client();
    const id = unique('n');
    const h = await a.sync.put('notes', { id, text: 'hello' });
    expect(await a.store.collection('notes').get(id)).to.deep.equal({ id, text: 'hello' });
    expect(await a.sync.pendingFor('notes', id)).to.be.at.most(1);
    const outcome = await h.acked;
    expect(outcome).to.include({ status: 'applied', rev: 1 });
    expect(h.status).to.equal('applied');
    expect((await serverDocs(id)).get(`notes/${id}`)!.value).to.deep.equal({ id, text: 'hello' });
    expect(await a.sync.pendingFor('notes', id)).to.equal(0);
  });

  it('a push the server answers only in part (its write budget passed) leaves the rest pending, and they apply exactly once on the next push', async () => {
    const prefix = unique('big');
    const url = await stubUrl();
    const token = await login();
    // 30 documents of ~180 KB: a set op compares and rewrites its document, so the stub's default
    // --max-push-writes (8 MiB) takes ~23 of 30 label changes in one push.
    const text = 'x'.repeat(180_000);
    for (let i = 0; i < 30; i += 5) {
      const mutations = Array.from({ length: 5 }, (_, j) => ({ id: 1 + i + j, name: 'put', collection: 'notes', key: `${prefix}-${i + j}`, baseRev: 0, value: { id: `${prefix}-${i + j}`, text, tags: [] } }));
      const res = await fetch(`${url}/sync/v1/push`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ protocol: 1, clientId: `${prefix}-seed`, mutations }) });
      expect(res.status).to.equal(200);
    }
    const a = await client({ sync: { debounceMs: 3_600_000 } });
    await a.sync.syncNow();
    expect(await a.store.collection('notes').count()).to.be.at.least(30);
    const handles = await a.sync.batch((b) => {
      for (let i = 0; i < 30; i++) b.addToSet('notes', `${prefix}-${i}`, 'tags', ['read']);
    });
    let pushes = 0;
    const answered: number[] = [];
    const seen = globalThis.fetch;
    globalThis.fetch = async (...args: Parameters<typeof fetch>) => {
      const res = await seen(...args);
      if (String(args[0] instanceof Request ? args[0].url : args[0]).endsWith('/sync/v1/push')) {
        pushes++;
        answered.push(((await res.clone().json()) as { results: unknown[] }).results.length);
      }
      return res;
    };
    try {
      await a.sync.syncNow();
      const outcomes = await Promise.all(handles.map((h) => h.acked));
      expect(outcomes.map((o) => [o.status, o.rev])).to.deep.equal(Array(30).fill(['applied', 2]));
    } finally {
      globalThis.fetch = seen;
    }
    expect(pushes, `answers of ${answered.join(', ')} results`).to.be.at.least(2);
    expect(answered[0]).to.be.below(30);
    expect(await a.store.collection('$outbox').count()).to.equal(0);
    const docs = await serverDocs(prefix);
    expect([...docs.values()].map((d) => [d.rev, (d.value as { tags: string[] }).tags])).to.deep.equal(Array(30).fill([2, ['read']]));
    // 5 MB that every later client of alice's would pull first.
    await resetStub();
  });

  it('offline edits survive a reload and are applied exactly once', async () => {
    const id = unique('n');
    const first = await client();
    await goOffline();
    await first.sync.put('notes', { id, v: 1 });
    await first.sync.patch('notes', id, { v: 2 });
    await first.sync.patch('notes', id, { v: 3, title: 'three' });
    closeClient(first);
    await goOnline();
    // "Reload": the same database, a new engine.
    const again = await client({ name: first.name, token: first.token });
    expect(again.sync.clientId).to.equal(first.sync.clientId);
    await again.sync.syncNow();
    // A cycle pushes one edit of a document at a time, and an edit whose predecessor was
    // acknowledged without its rev (the engine's own first cycle racing this one on a loaded
    // machine) goes out in the next cycle: wait for the outbox to drain, not for one cycle.
    await waitFor(async () => (await again.store.collection('$outbox').count()) === 0, 'the three offline edits pushed', undefined, () => again.sync.status);
    const doc = (await serverDocs(id)).get(`notes/${id}`)!;
    expect(doc.value).to.deep.equal({ id, v: 3, title: 'three' });
    // Three writes, three revs: none was applied twice.
    expect(doc.rev).to.equal(3);
  });

  it('two clients converge on the same data', async () => {
    const prefix = unique('c');
    const a = await client();
    const b = await client();
    await a.sync.put('notes', { id: `${prefix}-1`, text: 'from a' });
    await b.sync.put('notes', { id: `${prefix}-2`, text: 'from b' });
    await a.sync.syncNow();
    await b.sync.syncNow();
    await b.sync.delete('notes', `${prefix}-1`);
    await b.sync.syncNow();
    await a.sync.syncNow();
    expect(await localDocs(a, 'notes', prefix)).to.deep.equal([{ id: `${prefix}-2`, text: 'from b' }]);
    expect(await localDocs(b, 'notes', prefix)).to.deep.equal(await localDocs(a, 'notes', prefix));
  });

  it('set operations from two clients on the same document both survive', async () => {
    const id = unique('s');
    const a = await client();
    const b = await client();
    await (await a.sync.put('notes', { id, labels: ['inbox'] })).acked;
    await b.sync.syncNow();
    await a.sync.addToSet('notes', id, 'labels', ['work']);
    await b.sync.addToSet('notes', id, 'labels', ['travel']);
    await b.sync.removeFromSet('notes', id, 'labels', ['inbox']);
    await a.sync.syncNow();
    await b.sync.syncNow();
    await a.sync.syncNow();
    const labels = ((await a.store.collection('notes').get(id)) as { labels: string[] }).labels;
    expect([...labels].sort()).to.deep.equal(['travel', 'work']);
    expect(await b.store.collection('notes').get(id)).to.deep.equal(await a.store.collection('notes').get(id));
  });

  it("a pulled value whose key field names another document is stored under the change's key, leaving that document alone", async () => {
    const url = await stubUrl();
    const token = await login('bob');
    const [id, other] = [unique('k1'), unique('k2')];
    const a = await client({ user: 'bob' });
    await (await a.sync.put('notes', { id: other, text: 'mine' })).acked;
    const res = await fetch(`${url}/sync/v1/push`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ protocol: 1, clientId: unique('foreign'), mutations: [{ id: 1, name: 'put', collection: 'notes', key: id, baseRev: 0, value: { id: other, text: 'foreign' } }] }) });
    expect(res.status).to.equal(200);
    await a.sync.syncNow();
    expect(await a.store.collection('notes').get(other)).to.deep.equal({ id: other, text: 'mine' });
    expect(await a.store.collection('notes').get(id)).to.deep.equal({ id, text: 'foreign' });
  });

  it("a document the server holds without its key field (created by addToSet) is pulled under its key, and does not stop the pull", async () => {
    // bob's data: before the fix the document stopped every later pull of its user.
    const id = unique('set');
    const a = await client({ user: 'bob' });
    const h = await a.sync.addToSet('notes', id, 'tags', ['x']);
    expect(await h.acked).to.include({ status: 'applied', rev: 1 });
    expect((await serverDocs(id, 'bob')).get(`notes/${id}`)!.value, "the server's own value has no key field").to.deep.equal({ tags: ['x'] });
    await a.sync.syncNow();
    expect(a.sync.status).to.include({ state: 'idle' });
    const b = await client({ user: 'bob' });
    await b.sync.syncNow();
    expect(b.sync.status, JSON.stringify(b.sync.status.lastError)).to.include({ state: 'idle' });
    expect(await b.store.collection('notes').get(id)).to.deep.equal({ tags: ['x'], id });
  });

  it('a rejected mutation rolls back its optimistic change and is kept with its reason', async () => {
    const id = unique('r');
    const a = await client();
    await (await a.sync.put('notes', { id, labels: 'not-a-list' })).acked;
    const h = await a.sync.addToSet('notes', id, 'labels', ['x']);
    expect(await a.store.collection('notes').get(id)).to.deep.equal({ id, labels: ['x'] });
    const outcome = await h.acked;
    expect(outcome.status).to.equal('rejected');
    expect(outcome.error!.code).to.equal('not-a-set');
    expect(await a.store.collection('notes').get(id)).to.deep.equal({ id, labels: 'not-a-list' });
    const rejected = (await a.store.collection('$rejected').query()) as Array<{ error: { code: string } }>;
    expect(rejected.map((r) => r.error.code)).to.deep.equal(['not-a-set']);
    expect(await a.store.collection('$outbox').count()).to.equal(0);
  });

  it('$rejected keeps the newest 200 refusals: older ones go as new ones are stored', async () => {
    const id = unique('r200');
    const a = await client();
    const ids = Array.from({ length: 205 }, (_, i) => `${id}-${i}`);
    await Promise.all((await a.sync.batch((b) => ids.map((k) => b.put('notes', { id: k, labels: 'not-a-list' })))).map((h) => h.acked));
    const refused = await a.sync.batch((b) => ids.map((k) => b.addToSet('notes', k, 'labels', ['x'])));
    const outcomes = await Promise.all(refused.map((h) => h.acked));
    expect(outcomes.every((o) => o.status === 'rejected')).to.equal(true);
    const kept = (await a.store.collection('$rejected').query()) as Array<{ id: number; mutation: { key: string } }>;
    expect(kept.length).to.equal(200);
    // The first five refused are the ones gone.
    expect(kept.map((r) => r.mutation.key).sort()).to.deep.equal(ids.slice(5).sort());
  });

  it('two rejected mutations of one document roll it back to what the server has, not to the first one\'s effect', async () => {
    const id = unique('r2');
    const a = await client();
    await (await a.sync.put('notes', { id, labels: 'not-a-list' })).acked;
    const [h1, h2] = await a.sync.batch((b) => {
      b.addToSet('notes', id, 'labels', ['x']);
      b.addToSet('notes', id, 'labels', ['y']);
    });
    expect(await a.store.collection('notes').get(id)).to.deep.equal({ id, labels: ['x', 'y'] });
    expect((await h1.acked).status).to.equal('rejected');
    expect((await h2.acked).status).to.equal('rejected');
    // No pull has brought the note since (the server's copy did not change): this is the rollback's doing.
    expect(await a.store.collection('notes').get(id)).to.deep.equal({ id, labels: 'not-a-list' });
  });

  /**
   * Client a, which has note `id` as `{ labels: 'not-a-list', title: 'one' }` (an addToSet of
   * labels is rejected) and no cycle under way, and another client's change of its title to 'two'
   * on the server since.
   */
  async function changedElsewhere(id: string): Promise<Client> {
    const a = await client();
    await (await a.sync.put('notes', { id, labels: 'not-a-list', title: 'one' })).acked;
    await a.sync.syncNow();
    await editElsewhere(id, { title: 'two' });
    return a;
  }

  it('a rejected mutation rolls back to the document a pull brought after it was made, not to the one it was made on', async () => {
    const id = unique('rp');
    const a = await changedElsewhere(id);
    // Made while a's pull of b's change is on its way: applied on top of the pulled note, pushed after.
    const h = await duringPull(a, () => a.sync.addToSet('notes', id, 'labels', ['x']));
    const [entry] = (await a.store.collection('$outbox').query()) as OutboxEntry[];
    expect(entry.base, 'made on the note before the pull brought b\'s change').to.include({ title: 'one' });
    expect(await a.store.collection('notes').get(id), 'the pulled note with the edit on top').to.deep.equal({ id, labels: ['x'], title: 'two' });
    expect((await h.acked).status).to.equal('rejected');
    expect(await a.store.collection('notes').get(id), "the server's note, b's change kept").to.deep.equal({ id, labels: 'not-a-list', title: 'two' });
    expect((await serverDocs(id)).get(`notes/${id}`)!.value).to.deep.equal({ id, labels: 'not-a-list', title: 'two' });
  });

  it('after a rejection the document\'s next edit, rejected too, rolls back to the pulled document', async () => {
    const id = unique('rp2');
    const a = await changedElsewhere(id);
    const [h1, h2] = await duringPull(a, () =>
      a.sync.batch((m) => {
        m.addToSet('notes', id, 'labels', ['x']);
        m.addToSet('notes', id, 'labels', ['y']);
      }),
    );
    expect(((await a.store.collection('$outbox').query()) as OutboxEntry[]).map((e) => e.base?.title), 'made before the pull').to.deep.equal(['one', 'one']);
    expect(await a.store.collection('notes').get(id)).to.deep.equal({ id, labels: ['x', 'y'], title: 'two' });
    expect((await h1.acked).status).to.equal('rejected');
    expect((await h2.acked).status).to.equal('rejected');
    expect(await a.store.collection('notes').get(id)).to.deep.equal({ id, labels: 'not-a-list', title: 'two' });
  });

  it('a later edit rejected after the server won a conflict rolls back to the server\'s document, not to the dropped edit', async () => {
    const id = unique('rc');
    const a = await client({ sync: renaming });
    await (await a.sync.put('notes', { id, labels: 'not-a-list', title: 'one' })).acked;
    const [h1, h2] = await whileCut(a, async () => {
      await editElsewhere(id, { title: 'two' });
      return a.sync.batch((m) => {
        m.patch('notes', id, { title: 'mine' });
        m.addToSet('notes', id, 'labels', ['x']);
      });
    });
    expect(await h1.acked).to.include({ status: 'conflict', resolution: 'server' });
    expect((await h2.acked).status).to.equal('rejected');
    expect(await a.store.collection('notes').get(id)).to.deep.equal({ id, labels: 'not-a-list', title: 'two' });
  });

  it('an edit moved behind a conflict\'s resubmission and rejected rolls back to the settled document, not to an older pull\'s', async () => {
    const id = unique('rm');
    const a = await client();
    await (await a.sync.put('notes', { id, labels: 'not-a-list', title: 'one', n: 0 })).acked;
    await a.sync.syncNow();
    const b = await editElsewhere(id, { n: 1 });
    // Made while a's pull (of n: 1) is on its way; every request after that pull is refused.
    const [h1, h2] = await duringPull(
      a,
      () =>
        a.sync.batch((m) => {
          m.patch('notes', id, { title: 'mine' });
          m.addToSet('notes', id, 'labels', ['x']);
        }),
      { refuseAfter: true },
    );
    await waitFor(() => a.sync.status.lastError?.code === 'auth-required', "a's push to be refused", undefined, () => a.sync.status);
    expect(((await a.store.collection('$outbox').query()) as OutboxEntry[]).map((e) => e.base?.n), 'made before the pull').to.deep.equal([0, 0]);
    expect(await a.store.collection('notes').get(id)).to.deep.equal({ id, labels: ['x'], title: 'mine', n: 1 });
    // The server moves on after that pull; a's first edit then meets a conflict, merged and resubmitted.
    expect(await (await b.sync.patch('notes', id, { n: 2 })).acked).to.include({ status: 'applied' });
    a.sync.setAuth({ token: a.token });
    // Its handle settles with the resubmission: applied on b's rev 3.
    expect(await h1.acked).to.include({ status: 'applied', rev: 4 });
    expect((await h2.acked).status).to.equal('rejected');
    expect(await a.store.collection('notes').get(id)).to.deep.equal({ id, labels: 'not-a-list', title: 'mine', n: 2 });
    expect((await serverDocs(id)).get(`notes/${id}`)!.value).to.deep.equal({ id, labels: 'not-a-list', title: 'mine', n: 2 });
  });

  it('the stub killed and restarted mid-push loses nothing and applies each mutation once', async () => {
    const prefix = unique('k');
    const a = await client();
    await killStub();
    const handles = [];
    for (let i = 0; i < 5; i++) handles.push(await a.sync.put('notes', { id: `${prefix}-${i}`, i }));
    await a.sync.syncNow();
    expect(a.sync.status.state).to.be.oneOf(['unreachable', 'error']);
    await startStubAgain();
    await a.sync.syncNow();
    const outcomes = await Promise.all(handles.map((h) => h.acked));
    expect(outcomes.map((o) => o.status)).to.deep.equal(['applied', 'applied', 'applied', 'applied', 'applied']);
    const docs = await serverDocs(prefix);
    expect(docs.size).to.equal(5);
    for (const d of docs.values()) expect(d.rev).to.equal(1);
  });

  it('a follower hands its mutations to the leader; when the leader closes another takes over', async () => {
    const id = unique('l');
    const leader = await client();
    const follower = await client({ name: leader.name, token: leader.token });
    // The first tab's claim of the lead is asynchronous (Web Locks): waited for, never slept on.
    await waitFor(() => leader.sync.status.leader, 'the first tab to lead');
    expect(leader.sync.status.leader).to.equal(true);
    expect(follower.sync.status.leader).to.equal(false);
    const h1 = await follower.sync.put('notes', { id, n: 1 });
    expect(await h1.acked).to.include({ status: 'applied' });
    closeClient(leader);
    const h2 = await follower.sync.patch('notes', id, { n: 2 });
    expect(await h2.acked).to.include({ status: 'applied' });
    expect(follower.sync.status.leader).to.equal(true);
    const doc = (await serverDocs(id)).get(`notes/${id}`)!;
    expect(doc.value).to.deep.equal({ id, n: 2 });
    expect(doc.rev).to.equal(2);
  });

  it("a mutation's transaction reads the id counter beside the document and sends the document and its outbox entry together", async () => {
    const a = await client();
    const id = unique('n');
    await a.sync.put('notes', { id, v: 1 });
    await a.sync.syncNow();
    // Every request of the next mutation, in the order it is sent, and the order their answers arrive.
    const events: string[] = [];
    const proto = IDBObjectStore.prototype as unknown as Record<'get' | 'put', (...args: unknown[]) => IDBRequest>;
    const originals = { get: proto.get, put: proto.put };
    for (const method of ['get', 'put'] as const) {
      proto[method] = function (this: IDBObjectStore, ...args: unknown[]) {
        const request = originals[method].apply(this, args);
        const name = `${method} ${this.name}`;
        events.push(`sent ${name}`);
        request.addEventListener('success', () => events.push(`done ${name}`));
        return request;
      };
    }
    try {
      await a.sync.patch('notes', id, { v: 2 });
    } finally {
      Object.assign(proto, originals);
    }
    expect(await a.store.collection('notes').get(id)).to.deep.equal({ id, v: 2 });
    const at = (e: string) => events.indexOf(e);
    for (const e of ['sent get $meta', 'sent get notes', 'sent put notes', 'sent put $outbox', 'done put $outbox']) expect(at(e), `${e} in ${events.join(', ')}`).to.be.at.least(0);
    // Round trip one: the id counter and the document are read together (not one after the other).
    expect(at('sent get notes'), events.join(', ')).to.be.below(at('done get $meta'));
    // Round trip two: the document and its outbox entry go out together.
    expect(at('sent put $outbox'), events.join(', ')).to.be.below(at('done put notes'));
    expect(at('sent put notes'), events.join(', ')).to.be.below(at('done put $outbox'));
  });
});
