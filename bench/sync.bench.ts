// Sync workloads against a real stub: mutation → live query / durable, and initial sync of many
// ~1 KB documents beside the floor (fetching the same pages + raw IndexedDB puts) in the same run.
import { deleteStore, openStore, type Store } from '../runtime/store/index.js';
import { createSync, syncCollections, type Sync } from '../runtime/sync/index.js';
import type { Change } from '../runtime/protocol/index.js';
import { jsHeapMB, startLongestTask } from './longest-task.mjs';
import { median, p95 } from './stats.mjs';

interface Row {
  name: string;
  outpost: number | null;
  raw: number | null;
  dexie: null;
  unit: string;
  runs: number;
  /** How the longest task was measured ('longtask' or 'raf-gap'), for those rows. */
  method?: string;
  samples?: number[];
}


async function login(url: string, user = 'alice'): Promise<string> {
  const res = await fetch(`${url}/auth/v1/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ user, password: user }) });
  return ((await res.json()) as { token: string }).token;
}

const schema = (name: string) => ({ name, version: 1, collections: { messages: { keyPath: 'id', indexes: { byDate: 'date', byLabel: 'labels*' } }, ...syncCollections } });

/** A raw IndexedDB database (version 1, made by `upgrade`), for the floors. */
function openRawDb(name: string, upgrade: (db: IDBDatabase) => void): Promise<IDBDatabase> {
  return new Promise<IDBDatabase>((resolve, reject) => {
    const open = indexedDB.open(name, 1);
    open.onupgradeneeded = () => upgrade(open.result);
    open.onsuccess = () => resolve(open.result);
    open.onerror = () => reject(open.error);
  });
}

/** Floor: pull the same pages with fetch and put them with raw IndexedDB, one transaction per page. */
async function floor(url: string, token: string): Promise<number> {
  const name = `bench-floor-${Math.random()}`;
  const db = await openRawDb(name, (d) => {
    const os = d.createObjectStore('messages', { keyPath: 'id' });
    os.createIndex('byDate', 'date');
    os.createIndex('byLabel', 'labels', { multiEntry: true });
  });
  const t0 = performance.now();
  let cursor: string | null = null;
  for (;;) {
    const res = await fetch(`${url}/sync/v1/pull`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ protocol: 1, clientId: `floor-${name}`, cursor, limit: 500 }) });
    const page = (await res.json()) as { changes: Change[]; cursor: string; hasMore: boolean };
    await new Promise<void>((resolve, reject) => {
      const tx = db.transaction('messages', 'readwrite');
      for (const c of page.changes) if (c.value) tx.objectStore('messages').put(c.value);
      tx.oncomplete = () => resolve();
      tx.onerror = () => reject(tx.error);
    });
    cursor = page.cursor;
    if (!page.hasMore) break;
  }
  const ms = performance.now() - t0;
  db.close();
  indexedDB.deleteDatabase(name);
  return ms;
}

const whenDone = (sync: EventTarget, atLeast = Infinity) =>
  new Promise<void>((resolve) =>
    sync.addEventListener('progress', (e) => {
      const { received, done } = (e as CustomEvent<{ received: number; done: boolean }>).detail;
      if (done || received >= atLeast) resolve();
    }),
  );

/**
 * Starts an initial sync, stops it once half the documents are in (the engine closed and the
 * database connection dropped, as a reload leaves them), opens both again on the same database and
 * returns the time from the new engine's creation to the end of the sync.
 */
async function resumeFromMiddle(url: string, token: string, docs: number): Promise<number> {
  const name = `bench-resume-${Math.random()}`;
  const first = await openStore(schema(name));
  const interrupted = await createSync({ store: first, url, auth: { token }, collections: { messages: {} }, events: false });
  await whenDone(interrupted, docs / 2);
  interrupted.close();
  first.close();
  const store = await openStore(schema(name));
  const before = await store.collection('messages').count();
  if (before >= docs) throw new Error(`the sync finished (${before} of ${docs}) before it could be interrupted`);
  const t0 = performance.now();
  const sync = await createSync({ store, url, auth: { token }, collections: { messages: {} }, events: false });
  await whenDone(sync);
  const ms = performance.now() - t0;
  const after = await store.collection('messages').count();
  if (after !== docs) throw new Error(`resumed sync stored ${after} of ${docs}`);
  sync.close();
  store.close();
  await deleteStore(name);
  return ms;
}

/** A raw IndexedDB database shaped like the synced messages (same indexes) with an outbox, for floors. */
function rawMailDb(name: string): Promise<IDBDatabase> {
  return openRawDb(name, (db) => {
    const os = db.createObjectStore('messages', { keyPath: 'id' });
    os.createIndex('byDate', 'date');
    os.createIndex('byLabel', 'labels', { multiEntry: true });
    db.createObjectStore('outbox', { keyPath: 'id', autoIncrement: true }).createIndex('byDoc', 'doc');
  });
}

/** What a patch does, in raw IndexedDB: read the record, put it changed and an outbox entry holding it before, one transaction. */
function rawPatch(db: IDBDatabase, id: string, patch: Record<string, unknown>): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const tx = db.transaction(['messages', 'outbox'], 'readwrite');
    const messages = tx.objectStore('messages');
    const get = messages.get(id);
    get.onsuccess = () => {
      const base = get.result as Record<string, unknown> | undefined;
      messages.put({ ...(base ?? { id, date: Date.now(), labels: ['INBOX'] }), ...patch });
      tx.objectStore('outbox').put({ mutation: { name: 'patch', collection: 'messages', key: id, value: patch }, doc: `messages/${id}`, createdAt: Date.now(), base });
    };
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error);
  });
}

/**
 * Times `n` pairs of steps while an initial sync of alice's mailbox pulls, from once a tenth (at
 * most 5,000) is in, ~20 ms apart, which of the pair goes first alternating: `ours` with the sync
 * and the store it fills, `floor` on a raw database of its own holding `rawRecords` mail-like
 * records (`m0`…). At least one pair, even when a small (quick) sync ends before the first.
 */
async function duringInitialSync(
  url: string,
  token: string,
  docs: number,
  n: number,
  rawRecords: number,
  ours: (sync: Sync, store: Store, i: number) => Promise<unknown>,
  floor: (db: IDBDatabase, i: number) => Promise<unknown>,
): Promise<{ ours: number[]; raw: number[] }> {
  const name = `bench-during-${Math.random()}`;
  const store = await openStore(schema(name));
  const rawName = `${name}-raw`;
  const db = await rawMailDb(rawName);
  await new Promise<void>((resolve, reject) => {
    const tx = db.transaction('messages', 'readwrite');
    for (let i = 0; i < rawRecords; i++) tx.objectStore('messages').put({ id: `m${i}`, threadId: `t${i >> 2}`, date: 1_700_000_000_000 + i, labels: ['INBOX'], subject: `Message ${i}`, text: 'lorem ipsum dolor sit amet '.repeat(34) });
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error);
  });
  const sync = await createSync({ store, url, auth: { token }, collections: { messages: {} }, events: false, periodicMs: 3_600_000 });
  let done = false;
  sync.addEventListener('progress', (e) => (done = (e as CustomEvent<{ done: boolean }>).detail.done));
  await whenDone(sync, Math.min(docs / 10, 5000));
  const times = { ours: [] as number[], raw: [] as number[] };
  const timed = async (into: number[], step: () => Promise<unknown>) => {
    const t0 = performance.now();
    await step();
    into.push(performance.now() - t0);
    await new Promise((r) => setTimeout(r, 10));
  };
  for (let i = 0; i < n && (!done || i === 0); i++) {
    const own = () => timed(times.ours, () => ours(sync, store, i));
    const raw = () => timed(times.raw, () => floor(db, i));
    if (i % 2) await raw().then(own);
    else await own().then(raw);
  }
  await (done ? Promise.resolve() : whenDone(sync));
  await sync.syncNow();
  sync.close();
  store.close();
  db.close();
  await deleteStore(name);
  indexedDB.deleteDatabase(rawName);
  return times;
}

/**
 * Mutation → durable while an initial sync of alice's mailbox is pulling: patches of documents it
 * already has (alice keeps the same number of documents for the next browser), one every ~20 ms.
 * Between them (the order alternating), the floor: the same patch in raw IndexedDB, in a database
 * of its own holding the same records, while the same sync writes.
 */
async function mutationsDuringSync(url: string, token: string, n: number, docs: number): Promise<Row[]> {
  const { ours: durable, raw } = await duringInitialSync(url, token, docs, n, n, (sync, _, i) => sync.patch('messages', `m${i}`, { touched: i }), (db, i) => rawPatch(db, `m${i}`, { touched: i }));
  const during = durable.length;
  const at = `while an initial sync of ${docs} pulls (a patch every 20 ms once ${Math.min(docs / 10, 5000)} are in, a raw one between)`;
  const floorOf = 'beside raw IndexedDB at the same moments (read the record, put it changed and an outbox entry, one transaction, a database of its own)';
  return [
    { name: `mutation → durable ${at}, p50`, outpost: durable.length ? median(durable) : null, raw: null, dexie: null, unit: 'ms', runs: during },
    { name: `mutation → durable ${at}, p95`, outpost: durable.length ? p95(durable) : null, raw: null, dexie: null, unit: 'ms', runs: during },
    { name: `mutation → durable ${at}, ${floorOf}, p50`, outpost: durable.length ? median(durable) : null, raw: raw.length ? median(raw) : null, dexie: null, unit: 'ms', runs: during },
    { name: `mutation → durable ${at}, ${floorOf}, p95`, outpost: durable.length ? p95(durable) : null, raw: raw.length ? p95(raw) : null, dexie: null, unit: 'ms', runs: during },
  ];
}

/** The newest 50 by date in raw IndexedDB: a `prev` cursor over the index (no backwards `getAll` where `getAllRecords` is missing). */
const rawNewest = (db: IDBDatabase) =>
  new Promise<void>((resolve, reject) => {
    const request = db.transaction('messages').objectStore('messages').index('byDate').openCursor(null, 'prev');
    let left = 50;
    request.onsuccess = () => (request.result && --left > 0 ? request.result.continue() : resolve());
    request.onerror = () => reject(request.error);
  });

/**
 * Read → result while an initial sync of alice's mailbox is pulling: the newest 50 by date, one
 * read every ~20 ms once a tenth is in (what a list's next page or a search reads), beside the same
 * read in raw IndexedDB (a `prev` cursor over the same index), in a database of its own holding as
 * many records, at the same moments. A read of the synced collections waits for the page's
 * transaction in flight.
 */
async function readsDuringSync(url: string, token: string, n: number, docs: number): Promise<Row[]> {
  const { ours, raw } = await duringInitialSync(url, token, docs, n, Math.min(docs, 5000), (_, store) => store.collection('messages').query({ index: 'byDate', direction: 'prev', limit: 50 }), rawNewest);
  const at = `while an initial sync of ${docs} pulls (one every 20 ms once ${Math.min(docs / 10, 5000)} are in), beside raw IndexedDB at the same moments (a prev cursor, a database of its own)`;
  return [
    { name: `read newest 50 by date → result ${at}, p50`, outpost: median(ours), raw: median(raw), dexie: null, unit: 'ms', runs: ours.length },
    { name: `read newest 50 by date → result ${at}, p95`, outpost: p95(ours), raw: p95(raw), dexie: null, unit: 'ms', runs: ours.length },
  ];
}

/** A mail-like record: ~2 KB of text, a thread, labels. */
const mail = (i: number) => ({ id: `b${i}`, threadId: `t${i >> 2}`, date: 1_700_000_000_000 + i * 60_000, labels: ['INBOX', ...(i % 3 ? [] : ['UNREAD'])], subject: `Budget review #${i}`, text: `Flight plans and the offsite agenda for week ${i}. `.repeat(40) });

/**
 * What archiving 500 conversations writes: one `sync.batch` of `n` label changes (1,500 messages
 * for 500 conversations of ~3) on mail-like records with a word index and the demo's kinds of
 * indexes, to its commit. Floor: the same records, changed, and one outbox-like entry each
 * (holding the record before, as sync's does) put with raw IndexedDB in one transaction over
 * stores with the same indexes (no word index: a label change leaves the words alone).
 */
async function bulkLabelChange(url: string, token: string, n: number, runs: number): Promise<Row> {
  const name = `bench-bulk-${Math.random()}`;
  const labelDate = (m: Record<string, unknown>) => (m.labels as string[]).map((l) => [l, m.date as number]);
  const store = await openStore({ name, version: 1, collections: { messages: { keyPath: 'id', indexes: { byDate: 'date', byThread: ['threadId', 'date'], byLabelDate: { compute: labelDate, multiEntry: true } }, words: ['subject', 'text'] }, ...syncCollections } });
  const records = Array.from({ length: n }, (_, i) => mail(i));
  await store.collection('messages').bulkPut(records);
  const sync = await createSync({ store, url, auth: { token }, collections: { messages: {} }, events: false, debounceMs: 3_600_000, periodicMs: 3_600_000 });
  await sync.syncNow();
  const rawName = `${name}-raw`;
  const db = await openRawDb(rawName, (d) => {
    const os = d.createObjectStore('messages', { keyPath: 'id' });
    os.createIndex('byDate', 'date');
    os.createIndex('byThread', ['threadId', 'date']);
    os.createIndex('byLabelDate', 'ld', { multiEntry: true });
    d.createObjectStore('outbox', { keyPath: 'id' }).createIndex('byDoc', 'doc');
  });
  const rawPut = (list: Array<Record<string, unknown>>, id0: number) => new Promise<void>((resolve, reject) => {
    const tx = db.transaction(['messages', 'outbox'], 'readwrite');
    list.forEach((m, i) => {
      tx.objectStore('messages').put({ ...m, ld: labelDate(m) });
      tx.objectStore('outbox').put({ id: id0 + i, mutation: { name: 'removeFromSet', collection: 'messages', key: m.id, field: 'labels', values: ['INBOX'] }, doc: `messages/${m.id}`, createdAt: Date.now(), base: m });
    });
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error);
  });
  await rawPut(records, 0);
  const ours: number[] = [];
  const floors: number[] = [];
  for (let r = 0; r < runs * 2; r++) {
    // Archive, then move back to the inbox: each run changes every record.
    const [add, remove] = r % 2 ? [['INBOX'], []] : [[], ['INBOX']];
    let t0 = performance.now();
    await sync.batch((b) => records.forEach((m) => (add.length ? b.addToSet('messages', m.id, 'labels', add) : b.removeFromSet('messages', m.id, 'labels', remove))));
    ours.push(performance.now() - t0);
    const changed = records.map((m) => ({ ...m, labels: add.length ? m.labels : m.labels.filter((l) => l !== 'INBOX') }));
    t0 = performance.now();
    await rawPut(changed, (r + 1) * n);
    floors.push(performance.now() - t0);
  }
  sync.close();
  store.close();
  db.close();
  await deleteStore(name);
  indexedDB.deleteDatabase(rawName);
  return { name: `${n} label changes in one sync.batch (archive 500 conversations), to the commit (floor: the records and an outbox entry each, raw IDB, one transaction)`, outpost: median(ours), raw: median(floors), dexie: null, unit: 'ms', runs: runs * 2 };
}

/**
 * A device back online with `n` pending edits (new ~1 KB documents made offline): from `syncNow`
 * to every edit acknowledged (the pull that follows not counted). Floor: the same mutations pushed
 * with fetch in the engine's batches of 100, each batch read from a raw IndexedDB outbox before,
 * and after deleted from it with its documents put with their new revs (the records' `$rev`,
 * as the engine keeps them), one transaction each.
 */
async function pendingPushed(url: string, token: string, n: number, runs: number): Promise<Row> {
  const ours: number[] = [];
  const floors: number[] = [];
  const doc = (p: string, i: number) => ({ id: `${p}-${i}`, date: Date.now(), labels: ['INBOX'], subject: `Pending ${i}`, text: 'lorem ipsum dolor sit amet '.repeat(34) });
  for (let r = 0; r < runs; r++) {
    const name = `bench-pending-${Math.random()}`;
    const store = await openStore(schema(name));
    // No sync until asked: the edits wait as they would offline.
    const sync = await createSync({ store, url, auth: { token }, collections: { messages: {} }, events: false, debounceMs: 3_600_000, periodicMs: 3_600_000 });
    await sync.syncNow();
    const handles = await sync.batch((b) => {
      for (let i = 0; i < n; i++) b.put('messages', doc(name, i));
    });
    let t0 = performance.now();
    void sync.syncNow();
    await Promise.all(handles.map((h) => h.acked));
    ours.push(performance.now() - t0);
    await sync.syncNow();
    sync.close();
    store.close();
    await deleteStore(name);

    const rawName = `${name}-raw`;
    const db = await openRawDb(rawName, (d) => {
      const os = d.createObjectStore('messages', { keyPath: 'id' });
      os.createIndex('byDate', 'date');
      os.createIndex('byLabel', 'labels', { multiEntry: true });
      d.createObjectStore('outbox', { keyPath: 'id' });
    });
    await new Promise<void>((resolve, reject) => {
      const tx = db.transaction('outbox', 'readwrite');
      for (let i = 0; i < n; i++) tx.objectStore('outbox').put({ id: i + 1, mutation: { id: i + 1, name: 'put', collection: 'messages', key: `${rawName}-${i}`, value: doc(rawName, i), baseRev: 0 } });
      tx.oncomplete = () => resolve();
      tx.onerror = () => reject(tx.error);
    });
    const rawTx = <T>(mode: IDBTransactionMode, fn: (tx: IDBTransaction) => IDBRequest<T> | void) =>
      new Promise<T | undefined>((resolve, reject) => {
        const tx = db.transaction(['messages', 'outbox'], mode);
        const req = fn(tx);
        tx.oncomplete = () => resolve(req ? req.result : undefined);
        tx.onerror = () => reject(tx.error);
      });
    t0 = performance.now();
    for (let from = 1; from <= n; from += 100) {
      const batch = (await rawTx('readonly', (tx) => tx.objectStore('outbox').getAll(IDBKeyRange.bound(from, from + 99)))) as Array<{ mutation: { value: object } }>;
      const res = await fetch(`${url}/sync/v1/push`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ protocol: 1, clientId: rawName, mutations: batch.map((e) => e.mutation) }) });
      if (!res.ok) throw new Error(`floor push: ${res.status} ${await res.text()}`);
      const { results } = (await res.json()) as { results: Array<{ rev: number }> };
      // The outbox entries go, and each document takes the rev the server gave it.
      await rawTx('readwrite', (tx) => {
        tx.objectStore('outbox').delete(IDBKeyRange.bound(from, from + 99));
        batch.forEach((e, i) => tx.objectStore('messages').put({ ...e.mutation.value, $rev: results[i].rev }));
      });
    }
    floors.push(performance.now() - t0);
    db.close();
    indexedDB.deleteDatabase(rawName);
  }
  return { name: `${n} edits made offline pushed once online, to every edit acknowledged (floor: the same batches of 100 fetched, each read from a raw IDB outbox, then deleted from it with the documents put with their revs)`, outpost: median(ours), raw: median(floors), dexie: null, unit: 'ms', runs };
}

/** Runs the sync workloads against the stub at `url` (seeded with `docs` messages for alice). */
export async function runSyncBench({ quick, url, docs }: { quick: boolean; url: string; docs: number }): Promise<Row[]> {
  const token = await login(url);
  const rows: Row[] = [];
  const runs = quick ? 1 : 3;

  const initial: number[] = [];
  const floors: number[] = [];
  const longest: number[] = [];
  const heap: number[] = [];
  let method = '';
  for (let r = 0; r < runs; r++) {
    floors.push(await floor(url, token));
    const name = `bench-sync-${Math.random()}`;
    const store = await openStore(schema(name));
    const probe = startLongestTask();
    const t0 = performance.now();
    const sync = await createSync({ store, url, auth: { token }, collections: { messages: {} }, events: false });
    await new Promise<void>((resolve) => sync.addEventListener('progress', (e) => (e as CustomEvent<{ done: boolean }>).detail.done && resolve()));
    initial.push(performance.now() - t0);
    const task = await probe.stop();
    longest.push(task.ms);
    method = task.method;
    const mb = jsHeapMB();
    if (mb !== null) heap.push(mb);
    if ((await store.collection('messages').count()) !== docs) throw new Error(`initial sync stored ${await store.collection('messages').count()} of ${docs}`);
    sync.close();
    store.close();
    await deleteStore(name);
  }
  rows.push({ name: `initial sync of ${docs} ~1 KB documents (floor: fetch same pages + raw IDB puts)`, outpost: median(initial), raw: median(floors), dexie: null, unit: 'ms', runs });
  rows.push({ name: `initial sync of ${docs}: longest main-thread task during it (no UI; method: see row)`, outpost: Math.max(...longest), raw: null, dexie: null, unit: 'ms', runs, method, samples: longest });
  if (heap.length) rows.push({ name: `initial sync of ${docs}: JS heap in use after it (performance.memory, no UI)`, outpost: median(heap), raw: null, dexie: null, unit: 'MB', runs: heap.length, samples: heap });
  const during = await mutationsDuringSync(url, token, quick ? 10 : 50, docs);
  rows.push(...during);
  rows.push(...(await readsDuringSync(url, token, quick ? 10 : 100, docs)));

  const resumed: number[] = [];
  for (let r = 0; r < runs; r++) resumed.push(await resumeFromMiddle(url, token, docs));
  rows.push({ name: `initial sync of ${docs}: resume after a reload at half way, time to finish (beside: the whole sync from zero)`, outpost: median(resumed), raw: median(initial), dexie: null, unit: 'ms', runs });

  // The bulk label change and mutation latency run as bob, so alice's seeded data stays the same
  // for the next browser's initial sync.
  const bob = await login(url, 'bob');
  rows.push(await bulkLabelChange(url, bob, 1500, quick ? 2 : 3));
  rows.push(await pendingPushed(url, bob, quick ? 300 : 5000, quick ? 1 : 3));

  // Mutation latency: to the live-query callback and to the local commit (durable in IndexedDB).
  const name = `bench-mut-${Math.random()}`;
  const store = await openStore(schema(name));
  const sync = await createSync({ store, url, auth: { token: bob }, collections: { messages: {} }, events: false, periodicMs: 3_600_000 });
  await sync.syncNow();
  const toLive: number[] = [];
  const toDurable: number[] = [];
  const n = quick ? 10 : 50;
  for (let i = 0; i < n; i++) {
    const id = `bench-m-${i}-${Math.random()}`;
    let t0 = 0;
    const seen = new Promise<number>((resolve) => {
      const stop = store.observe(['messages'], () => store.collection('messages').get(id), (v) => {
        if (v) {
          stop();
          resolve(performance.now() - t0);
        }
      });
    });
    await new Promise((r) => setTimeout(r, 5));
    t0 = performance.now();
    await sync.put('messages', { id, date: Date.now(), labels: ['INBOX'], subject: 'bench', text: 'x'.repeat(900) });
    toDurable.push(performance.now() - t0);
    toLive.push(await seen);
  }
  rows.push({ name: 'mutation → live-query callback, p50', outpost: median(toLive), raw: null, dexie: null, unit: 'ms', runs: n });
  rows.push({ name: 'mutation → live-query callback, p95', outpost: p95(toLive), raw: null, dexie: null, unit: 'ms', runs: n });
  rows.push({ name: 'mutation → durable (outbox + document committed), p50', outpost: median(toDurable), raw: null, dexie: null, unit: 'ms', runs: n });
  rows.push({ name: 'mutation → durable (outbox + document committed), p95', outpost: p95(toDurable), raw: null, dexie: null, unit: 'ms', runs: n });
  // Beside the same mutation with no sync running (this run, same machine load): the wait a pull adds.
  during[0].raw = median(toDurable);
  during[1].raw = p95(toDurable);
  await sync.syncNow();
  sync.close();
  store.close();
  await deleteStore(name);
  return rows;
}

(globalThis as { runSyncBench?: typeof runSyncBench }).runSyncBench = runSyncBench;
