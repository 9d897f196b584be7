// Faults from between the client and the server, injected by the testing kit's proxy: each test
// proves pending changes survive them and the engine reports, retries and recovers.
import { expect } from '@open-wc/testing';
import { closeAll, client, login, renaming, serverDocs, unique, waitFor, type Client } from './helpers.js';
import { goOffline, goOnline, killStub, proxyCounts, proxyUrl, setProxyRules, startStubAgain, dropEventStreams } from '../../../testing/commands.js';
import type { SyncErrorInfo, SyncStatus } from '../../../runtime/sync/index.js';

/** A client whose sync traffic goes through the fault proxy. */
async function proxied(options: Parameters<typeof client>[0] = {}): Promise<Client> {
  return client({ ...options, sync: { url: await proxyUrl(), ...options.sync } });
}

/** Every status the engine reports from now on. */
function recordStatus(c: Client): SyncStatus[] {
  const seen: SyncStatus[] = [];
  c.sync.subscribe((s) => seen.push(s));
  return seen;
}

describe('sync engine: faults between client and server', () => {
  afterEach(async () => {
    await setProxyRules([]);
    await goOnline();
    await startStubAgain();
    await closeAll();
  });

  for (const status of [403, 404, 405, 409, 413]) {
    it(`an HTML ${status} from a proxy during pushes loses nothing: status error naming it, then idle once healed`, async () => {
      const prefix = unique(`p${status}`);
      const a = await proxied();
      await a.sync.syncNow();
      const errors: SyncErrorInfo[] = [];
      a.sync.addEventListener('error', (e) => errors.push((e as CustomEvent<SyncErrorInfo>).detail));
      await setProxyRules([{ route: 'push', fault: { respond: { status } } }]);
      const handles = [];
      for (let i = 0; i < 3; i++) handles.push(await a.sync.put('notes', { id: `${prefix}-${i}`, i }));
      await waitFor(() => a.sync.status.state === 'error', 'status error');
      const { lastError } = a.sync.status;
      expect(lastError!.code).to.equal('unexpected-response');
      expect(lastError!.message).to.include(`answered ${status}`).and.include('/sync/v1/push').and.include('Blocked by proxy');
      expect(errors[0]).to.deep.equal(lastError);
      expect(await a.store.collection('$outbox').count()).to.equal(3);
      expect(await a.store.collection('$rejected').count()).to.equal(0);
      expect((await a.store.collection('notes').query({ startsWith: prefix })).length).to.equal(3);
      await setProxyRules([]);
      // The engine's own retry (backoff), not a syncNow() from here, heals it.
      await waitFor(() => a.sync.status.state === 'idle' && a.sync.status.pending === 0, 'idle with nothing pending', 20_000);
      expect((await Promise.all(handles.map((h) => h.acked))).map((o) => o.status)).to.deep.equal(['applied', 'applied', 'applied']);
      expect(a.sync.status.lastError).to.equal(undefined);
      expect((await serverDocs(prefix)).size).to.equal(3);
    });
  }

  it('a JSON error with a code the protocol does not define (a 403 from a gateway) is not final either', async () => {
    const id = unique('g');
    const a = await proxied();
    await setProxyRules([{ route: 'push', times: 1, fault: { respond: { status: 403, contentType: 'application/json', body: '{"error":{"code":"forbidden","message":"WAF rule 942100"}}' } } }]);
    const h = await a.sync.put('notes', { id });
    expect(await h.acked).to.include({ status: 'applied', rev: 1 });
    expect((await proxyCounts()).push).to.be.at.least(2);
  });

  it("409 too-many-clients is the server's protocol error: its message shows in the status, the outbox is kept and pushed once the server takes the client", async () => {
    const id = unique('cap');
    const a = await proxied();
    await a.sync.syncNow();
    const message = "User 'alice' already has 2 client ids, the most this server keeps (--max-clients 2).";
    await setProxyRules([{ route: 'push', fault: { respond: { status: 409, contentType: 'application/json', body: JSON.stringify({ error: { code: 'too-many-clients', message } }) } } }]);
    const h = await a.sync.put('notes', { id });
    await waitFor(() => a.sync.status.state === 'error', 'status error', undefined, () => ({ status: a.sync.status }));
    expect(a.sync.status.lastError!.code).to.equal('protocol-error');
    expect(a.sync.status.lastError!.message).to.include(`too-many-clients: ${message}`).and.include('Pending changes are kept');
    expect(await a.store.collection('$outbox').count()).to.equal(1);
    await setProxyRules([]);
    expect(await h.acked).to.include({ status: 'applied', rev: 1 });
    expect(await a.store.collection('$rejected').count()).to.equal(0);
  });

  it('a push the server applied but whose answer was lost is applied once and acknowledged', async () => {
    const id = unique('lost');
    const a = await proxied();
    await a.sync.syncNow();
    const seen = recordStatus(a);
    await setProxyRules([{ route: 'push', times: 1, fault: { forwardThenCut: true } }]);
    const h = await a.sync.put('notes', { id, v: 1 });
    expect(await h.acked).to.include({ status: 'applied' });
    expect(seen.some((s) => s.lastError?.code === 'network'), 'the lost answer was seen as a failure').to.equal(true);
    const doc = (await serverDocs(id)).get(`notes/${id}`)!;
    expect(doc.rev, 'applied exactly once').to.equal(1);
    expect(await a.store.collection('$outbox').count()).to.equal(0);
  });

  it('a push whose answer never comes fails after requestTimeoutMs and is retried: applied once, nothing stalls', async function () {
    // A deadline for a broken run (the wait, a backoff and the retry take a few seconds).
    this.timeout(60_000);
    const id = unique('held');
    const a = await proxied({ sync: { requestTimeoutMs: 1500 } });
    await a.sync.syncNow();
    const seen = recordStatus(a);
    // The server applies the push; the proxy keeps the connection open and never answers.
    await setProxyRules([{ route: 'push', times: 1, fault: { forwardThenHold: true } }]);
    const h = await a.sync.put('notes', { id, v: 1 });
    expect(await h.acked).to.include({ status: 'applied' });
    const timedOut = seen.find((s) => s.lastError?.code === 'network');
    expect(timedOut?.lastError?.message, 'the held push was seen as a network failure naming the wait').to.match(/no complete answer within 1\.5 s/);
    expect((await serverDocs(id)).get(`notes/${id}`)!.rev, 'applied exactly once').to.equal(1);
    expect(await a.store.collection('$outbox').count()).to.equal(0);
  });

  it('a push whose CORS preflight is on its way when the device goes offline is given up at once, then applied once back online', async () => {
    // Firefox never settles such a fetch (its emulated offline cancels the request after the
    // preflight without telling the page): without the engine giving it up on `offline`, the push
    // waited out requestTimeoutMs (60 s), the soak's Firefox hangs. Chromium sent it anyway.
    const id = unique('preflight');
    // An origin whose preflight the browser has not cached, so the push sends one; the proxy holds it.
    const a = await client({ sync: { url: await proxyUrl({ newOrigin: true }), events: false } });
    await setProxyRules([{ route: 'push', preflight: true, times: 1, fault: { holdUntilRulesChange: true } }]);
    const h = await a.sync.put('notes', { id, v: 1 });
    await waitFor(async () => (await proxyCounts()).faulted === 1, 'the push preflight held by the proxy');
    await goOffline();
    await waitFor(() => a.sync.status.state === 'offline', 'the page to see the network gone', 10_000, () => a.sync.status);
    // The preflight goes on and is answered while the device is offline.
    await setProxyRules([]);
    await waitFor(() => a.sync.status.lastError?.code === 'network', 'the push given up', 10_000, () => a.sync.status);
    // Given up by the engine at 'offline', or failed by the browser first (Firefox under load,
    // once in CI): either way within seconds, not after requestTimeoutMs.
    expect(a.sync.status.lastError!.message).to.include('/sync/v1/push').and.match(/went offline|Could not reach the sync server/);
    expect(h.status, 'not settled').to.be.oneOf(['pending', 'sent']);
    expect(await a.store.collection('$outbox').count()).to.equal(1);
    await goOnline();
    expect(await h.acked).to.include({ status: 'applied', rev: 1 });
    expect((await serverDocs(id)).get(`notes/${id}`)!.rev, 'applied exactly once').to.equal(1);
    await waitFor(() => a.sync.status.pending === 0, 'nothing pending', 10_000, () => a.sync.status);
  });

  it('an edit waiting for the rev of an edit acknowledged without one becomes a conflict when another client changed the document in between', async () => {
    const id = unique('moved');
    const a = await proxied();
    const b = await client();
    await (await a.sync.put('notes', { id, text: 'a' })).acked;
    // The server applies A's first edit but its answer is lost; A's pushes then wait an hour.
    await setProxyRules([
      { route: 'push', times: 1, fault: { forwardThenCut: true } },
      { route: 'push', fault: { respond: { status: 503, contentType: 'application/json', headers: { 'Retry-After': '3600' }, body: '{"error":{"code":"internal","message":"busy"}}' } } },
    ]);
    const [first, second] = await a.sync.batch((x) => {
      x.patch('notes', id, { text: 'a1' });
      x.patch('notes', id, { text: 'mine' });
    });
    await waitFor(() => a.sync.status.lastError?.code === 'server-busy', "A's retry held off", 10_000, () => a.sync.status);
    // Meanwhile another client edits the note on top of A's first edit.
    await b.sync.syncNow();
    expect(await b.store.collection('notes').get(id)).to.deep.equal({ id, text: 'a1' });
    expect(await (await b.sync.patch('notes', id, { text: 'theirs' })).acked).to.include({ status: 'applied', rev: 3 });
    // A's retry is a bare duplicate (no rev: a server that keeps no first answers, or an answer
    // older than its record): its second edit waits for the pull, which brings B's edit.
    await setProxyRules([{ route: 'push', fault: { forwardWithoutOriginals: true } }]);
    await a.sync.syncNow();
    expect(await first.acked).to.include({ status: 'applied' });
    expect(await second.acked, 'a conflict, not a silent overwrite of B\'s edit').to.include({ status: 'conflict', resolution: 'stored' });
    expect((await serverDocs(id)).get(`notes/${id}`)!.value).to.deep.equal({ id, text: 'theirs' });
    const conflicts = (await a.store.collection('$conflicts').query()) as Array<{ fields: string[]; mine: unknown; theirs: unknown }>;
    expect(conflicts.map((c) => [c.fields, c.mine, c.theirs])).to.deep.equal([[['text'], { id, text: 'mine' }, { id, text: 'theirs' }]]);
    expect(await a.store.collection('$outbox').count()).to.equal(0);
  });

  it('an edit made after its document\'s last edit was acknowledged without a rev, before a pull brought the rev, is applied on that rev: no conflict with itself', async () => {
    // Server-wins drops a conflicting edit: pushed on the stale rev (soak seed 574200775, Firefox), it was lost.
    const id = unique('stale');
    const a = await proxied({ sync: { collections: { notes: { conflict: 'server-wins' }, tasks: {} } } });
    await (await a.sync.put('notes', { id, v: 0 })).acked;
    // The server applies the next edit but its answer is lost; the retry is a bare duplicate (no
    // rev, as from a server that keeps no first answers), and the pull that would bring the rev is
    // refused for an hour.
    await setProxyRules([
      { route: 'push', times: 1, fault: { forwardThenCut: true } },
      { route: 'push', fault: { forwardWithoutOriginals: true } },
      { route: 'pull', fault: { respond: { status: 503, contentType: 'application/json', headers: { 'Retry-After': '3600' }, body: '{"error":{"code":"internal","message":"busy"}}' } } },
    ]);
    const first = await a.sync.put('notes', { id, v: 1 });
    // Cycles now, whatever backoff or Retry-After a cycle met; the last one's pull met the 503.
    await waitFor(async () => (await a.sync.syncNow(), first.status === 'applied'), 'the edit acknowledged as a duplicate', 20_000, () => a.sync.status);
    expect(a.sync.status.lastError?.code, "A's pull refused").to.equal('server-busy');
    // Made on the local record, which still holds the rev before the acknowledged edit.
    const second = await a.sync.put('notes', { id, v: 2 });
    await setProxyRules([]);
    // One cycle: the push holds the edit, the pull brings the rev, the edit goes out (as a service
    // worker's syncOnce runs it).
    await a.sync.syncNow();
    expect(second.status, 'applied within the cycle whose pull brought its rev').to.equal('applied');
    expect(await second.acked).to.include({ status: 'applied', rev: 3 });
    const doc = (await serverDocs(id)).get(`notes/${id}`)!;
    expect([doc.value, doc.rev]).to.deep.equal([{ id, v: 2 }, 3]);
    expect(await a.store.collection('notes').get(id)).to.deep.equal({ id, v: 2 });
    expect(await a.store.collection('$outbox').count()).to.equal(0);
  });

  it("an edit made on a custom mutation's optimistic effect after the mutation was acknowledged as a duplicate waits for the pull, then is applied on the handler's rev", async () => {
    // Server-wins drops a conflicting edit: a duplicate lists no writes, and the edit went out on
    // the rev from before the handler's write, met a conflict with it and was lost.
    const id = unique('dup-custom');
    const a = await proxied({ sync: renaming });
    await (await a.sync.put('notes', { id, title: 'a', body: 'b' })).acked;
    // The server applies the rename but its answer is lost; the retry is a duplicate, and the pull
    // that would bring the handler's write is refused for an hour.
    await setProxyRules([
      { route: 'push', times: 1, fault: { forwardThenCut: true } },
      { route: 'pull', fault: { respond: { status: 503, contentType: 'application/json', headers: { 'Retry-After': '3600' }, body: '{"error":{"code":"internal","message":"busy"}}' } } },
    ]);
    const renamed = await a.sync.custom('rename', { key: id, title: 'renamed' });
    await waitFor(async () => (await a.sync.syncNow(), renamed.status === 'applied'), 'the rename acknowledged as a duplicate', 20_000, () => a.sync.status);
    // Made on the optimistic rename; the local record still holds rev 1.
    const edited = await a.sync.patch('notes', id, { body: 'edited' });
    await a.sync.syncNow();
    expect(edited.status, 'held while the pull is refused').to.equal('pending');
    await setProxyRules([]);
    await a.sync.syncNow();
    expect(await edited.acked).to.include({ status: 'applied', rev: 3 });
    const doc = (await serverDocs(id)).get(`notes/${id}`)!;
    expect([doc.value, doc.rev]).to.deep.equal([{ id, title: 'renamed', body: 'edited' }, 3]);
    expect(await a.store.collection('notes').get(id)).to.deep.equal(doc.value);
    expect(await a.store.collection('$outbox').count()).to.equal(0);
  });

  it('the stub SIGKILLed while a push is in flight loses nothing and applies it once after restart', async () => {
    const prefix = unique('kill');
    const a = await proxied();
    await a.sync.syncNow();
    await setProxyRules([{ route: 'push', times: 1, fault: { killStub: true } }]);
    const handles = await a.sync.batch((b) => [0, 1, 2].forEach((i) => b.put('notes', { id: `${prefix}-${i}`, i })));
    await waitFor(() => a.sync.status.state === 'unreachable' || a.sync.status.state === 'error', 'the push to fail', 10_000, () => a.sync.status);
    expect(await a.store.collection('$rejected').count()).to.equal(0);
    await startStubAgain();
    // The engine's backoff may have grown while the stub restarted; don't wait it out here.
    await a.sync.syncNow();
    const outcomes = await Promise.all(handles.map((h) => h.acked));
    expect(outcomes.map((o) => o.status)).to.deep.equal(['applied', 'applied', 'applied']);
    const docs = await serverDocs(prefix);
    expect([...docs.values()].map((d) => d.rev)).to.deep.equal([1, 1, 1]);
  });

  for (const status of [429, 503]) {
    it(`a ${status} with Retry-After is retried no sooner than the server asked`, async () => {
      const id = unique(`r${status}`);
      const a = await proxied();
      await a.sync.syncNow();
      let failedAt = 0;
      a.sync.addEventListener('error', () => (failedAt ||= performance.now()));
      await setProxyRules([{ route: 'push', times: 1, fault: { respond: { status, headers: { 'Retry-After': '2' } } } }]);
      const h = await a.sync.put('notes', { id });
      expect(await h.acked).to.include({ status: 'applied' });
      await waitFor(() => a.sync.status.state === 'idle', 'idle');
      // Without Retry-After the first retry comes within 500 ms (backoff with jitter).
      expect(performance.now() - failedAt).to.be.at.least(1900);
      expect(a.sync.status.lastError).to.equal(undefined);
    });
  }

  it('a push answered 200 with no result is a failed cycle retried with backoff, not pushed again at once for good; nothing is lost', async () => {
    const id = unique('none');
    const a = await proxied();
    await a.sync.syncNow();
    await setProxyRules([{ route: 'push', fault: { respond: { status: 200, contentType: 'application/json', body: '{"results":[],"lastMutationId":0}' } } }]);
    let failed = 0;
    a.sync.addEventListener('error', () => failed++);
    const h = await a.sync.put('notes', { id });
    await waitFor(() => a.sync.status.state === 'error', 'status error', undefined, () => ({ status: a.sync.status }));
    expect(a.sync.status.lastError!.code).to.equal('unexpected-response');
    expect(a.sync.status.lastError!.message).to.include('/sync/v1/push').and.include("'results'");
    // Each push is one failed cycle, retried after its backoff: by the third failure, three
    // pushes (a fourth may be on its way), not a storm of them.
    await waitFor(() => failed >= 3, 'three failed cycles', undefined, () => ({ failed, status: a.sync.status }));
    expect((await proxyCounts()).push, 'pushes by the third failed cycle').to.be.at.most(failed + 1);
    expect(await a.store.collection('$outbox').count()).to.equal(1);
    await setProxyRules([]);
    expect(await h.acked).to.include({ status: 'applied', rev: 1 });
    expect((await serverDocs(id)).get(`notes/${id}`)!.rev).to.equal(1);
  });

  for (const [what, result] of [
    ['a result for a mutation not sent', { id: 999, status: 'rejected', error: { code: 'x', message: 'y' } }],
    ['a conflict without the current document', { id: 1, status: 'conflict' }],
    ['an unknown status', { id: 1, status: 'ok' }],
    ['a duplicate whose original rejection lacks its error', { id: 1, status: 'duplicate', original: { status: 'rejected' } }],
    ['a duplicate whose original is a duplicate', { id: 1, status: 'duplicate', original: { status: 'duplicate' } }],
  ] as const) {
    it(`a push answer with ${what} is reported as unexpected-response naming it; the mutation is applied once later`, async () => {
      const id = unique('bad');
      const a = await proxied();
      const errors: SyncErrorInfo[] = [];
      a.sync.addEventListener('error', (e) => errors.push((e as CustomEvent<SyncErrorInfo>).detail));
      await setProxyRules([{ route: 'push', times: 1, fault: { respond: { status: 200, contentType: 'application/json', body: JSON.stringify({ results: [result], lastMutationId: 1 }) } } }]);
      const h = await a.sync.put('notes', { id });
      expect(await h.acked).to.include({ status: 'applied', rev: 1 });
      expect(errors.map((e) => e.code)).to.deep.equal(['unexpected-response']);
      expect(errors[0].message).to.include('results[0]');
      expect(await a.store.collection('$rejected').count()).to.equal(0);
    });
  }

  it('a pull page with a malformed change writes nothing of it and is reported as unexpected-response', async () => {
    const id = unique('pc');
    const a = await proxied();
    await (await a.sync.put('notes', { id, text: 'kept' })).acked;
    await a.sync.syncNow();
    const cursor = (await a.store.collection('$meta').get('cursor'))!.value;
    // Neither a value nor a tombstone.
    const body = JSON.stringify({ changes: [{ collection: 'notes', key: id, rev: 2 }], cursor: 'bogus', hasMore: false, lastMutationIds: {} });
    // The cycle whose pull meets the fault may be one a poke started: read its error event (the
    // cycle syncNow() waits for starts after the fault is set, so the faulted pull is over by then).
    const errors: SyncErrorInfo[] = [];
    a.sync.addEventListener('error', (e) => errors.push((e as CustomEvent<SyncErrorInfo>).detail));
    await setProxyRules([{ route: 'pull', times: 1, fault: { respond: { status: 200, contentType: 'application/json', body } } }]);
    await a.sync.syncNow();
    expect(errors.map((e) => e.code)).to.deep.equal(['unexpected-response']);
    expect(errors[0].message).to.include('changes[0]');
    expect(await a.store.collection('notes').get(id)).to.deep.equal({ id, text: 'kept' });
    expect((await a.store.collection('$meta').get('cursor'))!.value).to.equal(cursor);
  });

  it('a pull answer whose lastMutationIds is null is reported as unexpected-response', async () => {
    const a = await proxied();
    await a.sync.syncNow();
    const errors: SyncErrorInfo[] = [];
    a.sync.addEventListener('error', (e) => errors.push((e as CustomEvent<SyncErrorInfo>).detail));
    await setProxyRules([{ route: 'pull', times: 1, fault: { respond: { status: 200, contentType: 'application/json', body: '{"changes":[],"cursor":"c","hasMore":false,"lastMutationIds":null}' } } }]);
    await a.sync.syncNow();
    expect(errors.map((e) => e.code)).to.deep.equal(['unexpected-response']);
    expect(errors[0].message).to.include('lastMutationIds');
  });

  it('426 from the server pauses syncing with update-required and keeps the outbox', async () => {
    const a = await proxied();
    await a.sync.syncNow();
    let updateRequired = 0;
    a.sync.addEventListener('update-required', () => updateRequired++);
    await setProxyRules([{ route: 'push', fault: { respond: { status: 426, contentType: 'application/json', body: '{"error":{"code":"unsupported-protocol","message":"This server speaks sync protocol 2."}}' } } }]);
    await a.sync.put('notes', { id: unique('u') });
    await waitFor(() => updateRequired === 1, 'update-required');
    expect(a.sync.status.lastError!.code).to.equal('update-required');
    await a.sync.syncNow();
    expect((await proxyCounts()).push, 'paused: no more pushes').to.equal(1);
    expect(await a.store.collection('$outbox').count()).to.equal(1);
  });

  it('a token source function is asked before each request; a revoked token pauses with auth-required until setAuth', async () => {
    const prefix = unique('tok');
    const tokens = [await login(), await login()];
    let calls = 0;
    let revoked = false;
    await setProxyRules([]);
    const a = await proxied({ sync: { auth: () => (revoked ? 'revoked' : tokens[calls++ % 2]) } });
    await (await a.sync.put('notes', { id: `${prefix}-0` })).acked;
    await (await a.sync.put('notes', { id: `${prefix}-1` })).acked;
    await waitFor(() => a.sync.status.state === 'idle', 'idle');
    const counts = await proxyCounts();
    expect(calls, 'one call per request').to.equal(counts.push + counts.pull);
    let authRequired = 0;
    a.sync.addEventListener('auth-required', () => authRequired++);
    revoked = true;
    await a.sync.put('notes', { id: `${prefix}-2` });
    await waitFor(() => authRequired === 1, 'auth-required');
    expect(a.sync.status.lastError!.code).to.equal('auth-required');
    expect(await a.store.collection('$outbox').count()).to.equal(1);
    a.sync.setAuth(() => tokens[0]);
    await waitFor(() => a.sync.status.state === 'idle' && a.sync.status.pending === 0, 'resumed');
    expect((await serverDocs(prefix)).size).to.equal(3);
  });

  it('a dropped event stream is re-established and its pokes still bring other clients\' changes', async () => {
    const id = unique('sse');
    const a = await proxied({ sync: { events: true, periodicMs: 3_600_000 } });
    await waitFor(async () => (await proxyCounts()).streams === 1, 'the event stream');
    await a.sync.syncNow();
    expect(await dropEventStreams()).to.equal(1);
    await waitFor(async () => (await proxyCounts()).streams === 1, 'the event stream re-established');
    const b = await client();
    await (await b.sync.put('notes', { id, from: 'b' })).acked;
    await waitFor(async () => (await a.store.collection('notes').get(id)) !== undefined, 'the poke to pull b\'s change', 15_000);
  });

  it('an event stream whose CORS preflight is on its way when the device goes offline is given up and opened again once online', async () => {
    // As for a push (above): in Firefox the stream's fetch stayed pending for good, and no poke came
    // until the engine restarted.
    await setProxyRules([{ route: 'events', preflight: true, times: 1, fault: { holdUntilRulesChange: true } }]);
    const a = await client({ sync: { url: await proxyUrl({ newOrigin: true }), events: true } });
    await waitFor(async () => (await proxyCounts()).faulted === 1, 'the event stream preflight held by the proxy');
    await goOffline();
    await waitFor(() => a.sync.status.state === 'offline', 'the page to see the network gone', 10_000, () => a.sync.status);
    // The preflight goes on and is answered while the device is offline.
    await setProxyRules([]);
    await goOnline();
    await waitFor(async () => (await proxyCounts()).streams === 1, 'the event stream opened again', 15_000);
  });

  it('when the event stream opens again after the stub was down, the engine syncs at once, whatever backoff or Retry-After it was waiting out', async function () {
    // The stream reconnects with its own backoff (0.5–30 s, a few seconds after a short outage).
    this.timeout(60_000);
    const id = unique('back');
    const a = await proxied({ sync: { events: true, periodicMs: 3_600_000 } });
    await waitFor(async () => (await proxyCounts()).streams === 1, 'the event stream');
    await a.sync.syncNow();
    // The stub goes down (the stream ends, reconnecting fails), and the one push that gets an
    // answer is told to come back in an hour.
    await killStub();
    await setProxyRules([{ route: 'push', times: 1, fault: { respond: { status: 503, contentType: 'application/json', headers: { 'Retry-After': '3600' }, body: '{"error":{"code":"internal","message":"busy"}}' } } }]);
    const h = await a.sync.put('notes', { id });
    await waitFor(() => a.sync.status.lastError?.code === 'server-busy', 'the push told to retry in an hour');
    await setProxyRules([]);
    await startStubAgain();
    // No timer, write or syncNow from here: only the reopened stream can bring the push forward.
    await waitFor(() => h.status === 'applied', 'the push once the stream is back', 50_000, () => a.sync.status);
    expect(await h.acked).to.include({ status: 'applied', rev: 1 });
    // The count follows the outbox through a live query, a moment after the handle settles.
    await waitFor(() => a.sync.status.pending === 0, 'nothing pending', 10_000, () => a.sync.status);
  });

  it('online, focus and visibility each trigger a sync', async () => {
    const prefix = unique('trig');
    const a = await client({ sync: { periodicMs: 3_600_000 } });
    const b = await client();
    await a.sync.syncNow();
    const pulled = (key: string) => async () => (await a.store.collection('notes').get(key)) !== undefined;
    // Both clients share this page's network, so b writes before it goes offline.
    await (await b.sync.put('notes', { id: `${prefix}-online` })).acked;
    await goOffline();
    await waitFor(() => a.sync.status.state === 'offline', 'offline');
    await goOnline();
    await waitFor(pulled(`${prefix}-online`), 'a sync on online');
    await (await b.sync.put('notes', { id: `${prefix}-focus` })).acked;
    dispatchEvent(new Event('focus'));
    await waitFor(pulled(`${prefix}-focus`), 'a sync on focus');
    await (await b.sync.put('notes', { id: `${prefix}-visible` })).acked;
    document.dispatchEvent(new Event('visibilitychange'));
    await waitFor(pulled(`${prefix}-visible`), 'a sync on visibilitychange');
  });
});
