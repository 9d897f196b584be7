// Push errors about the request rather than one mutation: a mutation is rejected only when the
// sync server's own answer is about it; everything else keeps the outbox and is retried.
import { expect } from '@open-wc/testing';
import { closeAll, closeClient, client, login, serverDocs, unique, waitFor, type Client } from './helpers.js';
import { proxyCounts, proxyUrl, setProxyRules, stubUrl } from '../../../testing/commands.js';
import { openStore, deleteStore, type Store } from '../../../runtime/store/index.js';
import { createSync, syncCollections, SyncRequestError, type SyncErrorInfo } from '../../../runtime/sync/index.js';

const collections = { notes: { keyPath: 'id' }, tasks: { keyPath: 'id' }, ...syncCollections };

/** Opens client store `name` (as the helpers' client() does), for a test to write to before an engine runs. */
const openClientStore = (name: string): Promise<Store> => openStore({ name, version: 1, collections });

/** Every `error` event the engine fires from now on. */
function recordErrors(c: Client): SyncErrorInfo[] {
  const errors: SyncErrorInfo[] = [];
  c.sync.addEventListener('error', (e) => errors.push((e as CustomEvent<SyncErrorInfo>).detail));
  return errors;
}

describe('sync engine: request errors', () => {
  afterEach(async () => {
    await setProxyRules([]);
    await closeAll();
  });

  it('createSync refuses a clientId the protocol refuses (too long, empty, U+0000, a lone surrogate) with invalid-client-id, storing nothing', async () => {
    const name = unique('badid');
    const store = await openClientStore(name);
    const options = { store, url: await stubUrl(), auth: { token: await login() }, collections: { notes: {} }, events: false };
    try {
      const cases: Array<[string, string]> = [
        [`c-${'x'.repeat(200)}`, 'it has 202 characters; a client id has 1 to 128'],
        ['', 'it has 0 characters'],
        ['a\u0000b', 'U+0000'],
        ['a\uD800b', 'lone UTF-16 surrogate'],
      ];
      for (const [clientId, why] of cases) {
        const err = await createSync({ ...options, clientId }).then(
          (s) => (s.close(), undefined),
          (e: unknown) => e,
        );
        expect(err, JSON.stringify(clientId)).to.be.instanceOf(SyncRequestError);
        const { code, message } = err as SyncRequestError;
        expect(code).to.equal('invalid-client-id');
        expect(message).to.include('createSync: the clientId option').and.include(why).and.include('crypto.randomUUID()');
      }
      expect(await store.collection('$meta').get('clientId'), 'no refused id is kept').to.equal(undefined);
      // The longest id the protocol takes is taken.
      const longest = 'c'.repeat(128);
      const sync = await createSync({ ...options, clientId: longest });
      expect(sync.clientId).to.equal(longest);
      sync.close();
    } finally {
      store.close();
      await deleteStore(name);
    }
  });

  it('a push refused for its clientId (a 400 naming no mutation) rejects nothing: the edits stay pending, protocol-error shows, the push is retried, and it goes through once the id is fixed', async () => {
    const prefix = unique('reqlevel');
    const name = unique('storedid');
    // A client id kept from before createSync checked it: the stub answers every push (and pull)
    // 400 invalid-request about `clientId`, whatever the mutations.
    const seeded = await openClientStore(name);
    await seeded.collection('$meta').put({ key: 'clientId', value: `c-${'x'.repeat(200)}` });
    seeded.close();
    const a = await client({ name });
    const errors = recordErrors(a);
    const handles = await a.sync.batch((b) => {
      for (let i = 0; i < 3; i++) b.put('notes', { id: `${prefix}-${i}`, i });
    });
    // Retried with backoff by the engine itself, not by a syncNow() from here.
    await waitFor(() => errors.length >= 2, 'a second failed push', undefined, () => a.sync.status);
    expect(handles.map((h) => h.status)).to.not.include('rejected');
    expect(await a.store.collection('$rejected').count()).to.equal(0);
    expect(await a.store.collection('$outbox').count()).to.equal(3);
    expect((await a.store.collection('notes').query({ startsWith: prefix })).length, 'the edits are still shown').to.equal(3);
    // The engine retries on its own (the backoff may be ~0 ms): read the failed cycles' errors,
    // and wait for a moment between two cycles to see the status.
    for (const e of errors) {
      expect(e.code).to.equal('protocol-error');
      expect(e.message).to.include('/sync/v1/push answered 400').and.include('invalid-request').and.include('clientId').and.include('not one of its mutations');
    }
    await waitFor(() => a.sync.status.state === 'error' && a.sync.status.lastError?.code === 'protocol-error', 'the status to show protocol-error', undefined, () => a.sync.status);
    // The app fixes the id (a fresh one); the same edits are then pushed and applied.
    closeClient(a);
    const fixing = await openClientStore(name);
    await fixing.collection('$meta').put({ key: 'clientId', value: unique('fixed') });
    fixing.close();
    const again = await client({ name, token: a.token });
    await again.sync.syncNow();
    await waitFor(() => again.sync.status.state === 'idle' && again.sync.status.pending === 0, 'idle with nothing pending', undefined, () => again.sync.status);
    expect([...(await serverDocs(prefix)).values()].map((d) => d.rev)).to.deep.equal([1, 1, 1]);
  });

  it('a 400 naming one mutation of a batch (mutations.0.key, mutations[0].key) rejects that one only; the others are applied', async () => {
    const prefix = unique('culprit');
    const a = await client();
    // A key over the schema's 512 characters (`mutations.0.key: …`) and one with U+0000 (the stub's own check: `mutations[0].key …`).
    const long = `${prefix}-${'k'.repeat(600)}`;
    const nul = `${prefix}-a\u0000b`;
    const handles = await a.sync.batch((b) => {
      b.put('notes', { id: `${prefix}-1` });
      b.put('notes', { id: long });
      b.put('notes', { id: `${prefix}-2` });
      b.put('notes', { id: nul });
      b.put('notes', { id: `${prefix}-3` });
    });
    const outcomes = await Promise.all(handles.map((h) => h.acked));
    expect(outcomes.map((o) => [o.status, o.error?.code])).to.deep.equal([
      ['applied', undefined],
      ['rejected', 'invalid-request'],
      ['applied', undefined],
      ['rejected', 'invalid-request'],
      ['applied', undefined],
    ]);
    expect(outcomes[1].error!.message).to.include('mutations.0.key');
    expect(outcomes[3].error!.message).to.include('mutations[0].key');
    expect((await serverDocs(prefix)).size).to.equal(3);
  });

  it("a proxy's HTML 413 to a push of many mutations halves the batch until it passes: every mutation applied, none rejected", async () => {
    const prefix = unique('proxy413');
    const a = await client({ sync: { url: await proxyUrl() } });
    await a.sync.syncNow();
    // ~1.1 KB a mutation: a push of 5 passes the proxy's 6,000 bytes, one of 20 (or 10) does not.
    await setProxyRules([{ route: 'push', fault: { bodyLimit: 6000 } }]);
    const text = 't'.repeat(1000);
    const handles = await a.sync.batch((b) => {
      for (let i = 0; i < 20; i++) b.put('notes', { id: `${prefix}-${i}`, text });
    });
    await waitFor(() => a.sync.status.pending === 0, 'every mutation pushed', undefined, () => a.sync.status);
    const outcomes = await Promise.all(handles.map((h) => h.acked));
    expect(outcomes.map((o) => o.status)).to.deep.equal(Array(20).fill('applied'));
    expect(await a.store.collection('$rejected').count()).to.equal(0);
    expect((await serverDocs(prefix)).size).to.equal(20);
    const counts = await proxyCounts();
    expect(counts.faulted, 'the pushes of 20 and of 10 were refused').to.be.at.least(2);
    // The next cycles push at the size that passed instead of meeting the limit again.
    const more = await a.sync.batch((b) => {
      for (let i = 20; i < 40; i++) b.put('notes', { id: `${prefix}-${i}`, text });
    });
    expect((await Promise.all(more.map((h) => h.acked))).every((o) => o.status === 'applied')).to.equal(true);
    expect((await proxyCounts()).faulted, 'no push refused again').to.equal(counts.faulted);
    expect((await serverDocs(prefix)).size).to.equal(40);
  });

  it('a pushBatch of 0 still pushes (one mutation at a time): a batch of none would have left every edit pending for good', async () => {
    const prefix = unique('batch0');
    const a = await client({ sync: { pushBatch: 0 } });
    const handles = await a.sync.batch((b) => {
      for (let i = 0; i < 3; i++) b.put('notes', { id: `${prefix}-${i}` });
    });
    expect((await Promise.all(handles.map((h) => h.acked))).map((o) => o.status)).to.deep.equal(['applied', 'applied', 'applied']);
    expect((await serverDocs(prefix)).size).to.equal(3);
  });

  it("a proxy's HTML 413 to a push of one mutation keeps it pending with an error naming the proxy's limit; it is applied once the limit allows it", async () => {
    const id = unique('proxy413one');
    const a = await client({ sync: { url: await proxyUrl() } });
    await a.sync.syncNow();
    const errors = recordErrors(a);
    await setProxyRules([{ route: 'push', fault: { bodyLimit: 1000 } }]);
    const h = await a.sync.put('notes', { id, text: 't'.repeat(2000) });
    await waitFor(() => errors.length >= 2, 'a second failed push: retried', undefined, () => a.sync.status);
    // The failed cycles' errors: the status may already show the next retry under way.
    for (const e of errors) {
      expect(e.code).to.equal('unexpected-response');
      expect(e.message).to.include('answered 413').and.include('413 Request Entity Too Large').and.include('client_max_body_size').and.include('never rejected');
    }
    expect(h.status).to.not.equal('rejected');
    expect(await a.store.collection('$outbox').count()).to.equal(1);
    expect(await a.store.collection('$rejected').count()).to.equal(0);
    await setProxyRules([]);
    expect(await h.acked).to.include({ status: 'applied', rev: 1 });
  });

  it("the sync server's own 413 (document-too-large) in a batch rejects only the mutation too large for it; the others are applied", async () => {
    const prefix = unique('server413');
    const a = await client();
    // Over the stub's 256 KiB a document (--max-document), well under its 1 MiB a body.
    const big = 'b'.repeat(300 * 1024);
    const handles = await a.sync.batch((b) => {
      b.put('notes', { id: `${prefix}-1` });
      b.put('notes', { id: `${prefix}-big`, big });
      b.put('notes', { id: `${prefix}-2` });
      b.put('notes', { id: `${prefix}-3` });
    });
    const outcomes = await Promise.all(handles.map((h) => h.acked));
    expect(outcomes.map((o) => [o.status, o.error?.code])).to.deep.equal([
      ['applied', undefined],
      ['rejected', 'document-too-large'],
      ['applied', undefined],
      ['applied', undefined],
    ]);
    expect(await a.store.collection('notes').get(`${prefix}-big`), 'rolled back').to.equal(undefined);
    expect((await serverDocs(prefix)).size).to.equal(3);
  });
});
