// Store workloads, each measured for Outpost, raw IndexedDB and Dexie in the same page, each on a
// fresh database. Run by bench/run.mjs in headless Chromium and Firefox.
import { Dexie, liveQuery } from 'dexie';
import { deleteStore, openStore, type Store } from '../runtime/store/index.js';
import { wordsOf } from '../runtime/store/words.js';
import { median, p95 } from './stats.mjs';

interface Row {
  name: string;
  outpost: number;
  raw: number | null;
  dexie: number | null;
  unit: string;
  runs: number;
}

interface Mail {
  [k: string]: unknown;
  id: string;
  threadId: string;
  date: number;
  labels: string[];
  subject: string;
  body: string;
  words?: string[];
}

const WORDS = 'invoice meeting project budget travel lunch review release report hiring design offsite security update receipt flight agenda draft notes plan'.split(' ');

function record(i: number): Mail {
  const w = (k: number) => WORDS[(i * 7 + k * 13) % WORDS.length];
  const body = `${w(1)} ${w(2)} ${w(3)} `.repeat(40).slice(0, 900);
  return { id: `m${String(i).padStart(7, '0')}`, threadId: `t${Math.floor(i / 4)}`, date: 1_700_000_000_000 + i * 60_000, labels: i % 3 ? ['INBOX'] : ['INBOX', 'STARRED'], subject: `${w(0)} ${w(4)} #${i}`, body };
}


async function time(fn: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

/** `fields`: what the word index covers (the subject; the relabel workload's mails, their bodies too). */
const OUTPOST_SCHEMA = (name: string, fields = ['subject']) => ({
  name,
  version: 1,
  collections: { messages: { keyPath: 'id', indexes: { byThread: 'threadId', byLabel: 'labels*', byDate: 'date' }, words: fields } },
});

async function outpostDb(fields?: string[]): Promise<{ store: Store; name: string }> {
  const name = `bench-outpost-${Math.random()}`;
  return { store: await openStore(OUTPOST_SCHEMA(name, fields)), name };
}

function rawDb(): Promise<{ db: IDBDatabase; name: string }> {
  const name = `bench-raw-${Math.random()}`;
  return new Promise((resolve, reject) => {
    const req = indexedDB.open(name, 1);
    req.onupgradeneeded = () => {
      const os = req.result.createObjectStore('messages', { keyPath: 'id' });
      os.createIndex('byThread', 'threadId');
      os.createIndex('byLabel', 'labels', { multiEntry: true });
      os.createIndex('byDate', 'date');
      os.createIndex('words', 'words', { multiEntry: true });
    };
    req.onsuccess = () => resolve({ db: req.result, name });
    req.onerror = () => reject(req.error);
  });
}

function dexieDb(): Dexie {
  const db = new Dexie(`bench-dexie-${Math.random()}`);
  db.version(1).stores({ messages: 'id, threadId, *labels, date, *words' });
  return db;
}

// Raw and Dexie store the same word tokens Outpost derives, so every side does equal work.
const withWords = (m: Mail): Mail => ({ ...m, words: wordsOf(m, ['subject']) });

// A mail body of ~100 distinct words out of 5,000 (a real mail's word count), for the relabel workload.
const VOCABULARY = Array.from({ length: 5000 }, (_, i) => `w${((i * 2654435761) % 1e9).toString(36)}`);
function wordyRecord(i: number): Mail {
  const body = Array.from({ length: 110 }, (_, k) => VOCABULARY[(i * 31 + k * k * 17) % VOCABULARY.length]).join(' ');
  return { ...record(i), body };
}
const withBodyWords = (m: Mail): Mail => ({ ...m, words: wordsOf(m, ['subject', 'body']) });

/**
 * Relabelling `batch` of `size` mails whose word index covers their ~100-word bodies, one
 * transaction per sample: the write an archive of 500 conversations makes. Raw and Dexie keep the
 * words in a multiEntry index of the records, so IndexedDB rewrites every word entry of a written
 * record; Outpost's side store leaves them alone when the words did not change (the price is the
 * word search's extra reads by key above).
 */
async function relabelRows(size: number, batch: number, runs: number): Promise<Row> {
  const mails = Array.from({ length: size }, (_, i) => wordyRecord(i));
  const o = await outpostDb(['subject', 'body']);
  const raw = await rawDb();
  const d = dexieDb();
  await d.open();
  const load = async (fn: (rows: Mail[]) => Promise<unknown>) => {
    for (let i = 0; i < size; i += 1000) await fn(mails.slice(i, i + 1000));
  };
  await load((rows) => o.store.collection<Mail>('messages').bulkPut(rows));
  await load((rows) => rawPutAll(raw.db, rows.map(withBodyWords)));
  await load((rows) => d.table('messages').bulkPut(rows.map(withBodyWords)));
  const t = { outpost: [] as number[], raw: [] as number[], dexie: [] as number[] };
  for (let r = 0; r < runs; r++) {
    const start = (r * batch) % Math.max(1, size - batch);
    const relabelled = mails.slice(start, start + batch).map((m) => ({ ...m, labels: r % 2 ? ['INBOX'] : ['ARCHIVED'] }));
    t.outpost.push(await time(() => o.store.collection<Mail>('messages').bulkPut(relabelled)));
    t.raw.push(await time(() => rawPutAll(raw.db, relabelled.map(withBodyWords))));
    t.dexie.push(await time(() => d.table('messages').bulkPut(relabelled.map(withBodyWords))));
  }
  await dropAll(o, raw, d);
  return { name: `relabel ${batch} of ${size} records with ~100 indexed words each, one transaction`, outpost: median(t.outpost), raw: median(t.raw), dexie: median(t.dexie), unit: 'ms', runs };
}

/** Closes and deletes one database of each side. */
async function dropAll(o: { store: Store; name: string }, raw: { db: IDBDatabase; name: string }, d: Dexie): Promise<void> {
  o.store.close();
  await deleteStore(o.name);
  raw.db.close();
  indexedDB.deleteDatabase(raw.name);
  await d.delete();
}

function rawPutAll(db: IDBDatabase, rows: Mail[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const tx = db.transaction('messages', 'readwrite');
    const os = tx.objectStore('messages');
    for (const r of rows) os.put(r);
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error);
  });
}

function req<T>(r: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error);
  });
}

/**
 * Keeps the main thread busy with `ms`-long tasks back to back until the returned function is
 * called: a message channel, which browsers do not throttle as they do nested timers.
 */
function busyMainThread(ms: number): () => void {
  const channel = new MessageChannel();
  channel.port1.onmessage = () => {
    const t0 = performance.now();
    while (performance.now() - t0 < ms);
    channel.port2.postMessage(0);
  };
  channel.port2.postMessage(0);
  return () => {
    channel.port1.onmessage = null;
    channel.port1.close();
  };
}

function rawCursor(source: IDBIndex | IDBObjectStore, range: IDBKeyRange | null, dir: IDBCursorDirection, skip: number, take: number, distinct = false): Promise<unknown[]> {
  return new Promise((resolve, reject) => {
    const out: unknown[] = [];
    const seen = new Set<IDBValidKey>();
    let skipped = false;
    const r = source.openCursor(range, dir);
    r.onsuccess = () => {
      const c = r.result;
      if (!c || out.length >= take) return resolve(out);
      if (!skipped && skip > 0) {
        skipped = true;
        return c.advance(skip);
      }
      if (!distinct || !seen.has(c.primaryKey)) {
        seen.add(c.primaryKey);
        out.push(c.value);
      }
      c.continue();
    };
    r.onerror = () => reject(r.error);
  });
}

/**
 * Milliseconds from a write to the live callback that shows it. `subscribe` starts the live query
 * and returns what stops it; the write starts once its first result is in.
 */
function liveLatency<V>(subscribe: (cb: (v: V) => void) => () => void, shows: (v: V) => boolean, write: () => void): Promise<number> {
  return new Promise((resolve) => {
    let t0 = 0;
    let done = false;
    const stop: () => void = subscribe((v) => {
      if (t0 === 0) {
        t0 = -1;
        setTimeout(() => {
          t0 = performance.now();
          write();
        }, 0);
      } else if (t0 > 0 && !done && shows(v)) {
        done = true;
        const ms = performance.now() - t0;
        queueMicrotask(() => stop());
        resolve(ms);
      }
    });
  });
}

/**
 * Runs every store workload; `n` records for writes, `big` for the read workloads. `reads: true`
 * skips the bulk-write workload and `big` sets the size of the read workloads' collection (for
 * iterating on the read and live-query paths); `reps` times each read sample (but count's) as the
 * mean of that many reads in a row (default 10, 1 when quick).
 */
export async function runStoreBench({ quick, reads = false, runs: wantRuns, big: wantBig, reps: wantReps }: { quick: boolean; reads?: boolean; runs?: number; big?: number; reps?: number }): Promise<Row[]> {
  const n = quick ? 1000 : 10_000;
  const big = wantBig ?? (quick ? 5000 : 100_000);
  const runs = wantRuns ?? (quick ? 1 : 5);
  // Ten reads in a row per sample: one read of a page takes 1–4 ms, about the step of Firefox's
  // clock (1 ms) and of the machine's noise; single reads made the medians swing 2× between runs.
  const readReps = wantReps ?? (quick ? 1 : 10);
  // Samples per side of a read row: a sample of ten reads lasts 10–40 ms, and with 5 a burst of
  // another tenant's work on two of one side's samples moved a median 1.5× (2026-12-06); 15 cost
  // a few seconds a browser and take a median over such bursts.
  const readSamples = quick ? 3 : Math.max(runs, 15);
  const rows: Row[] = [];
  const writeSet = Array.from({ length: n }, (_, i) => record(i));

  // Load `big` records (once per side) and keep the databases for the read workloads.
  const bigSet = Array.from({ length: big }, (_, i) => record(i));
  const o = await outpostDb();
  const raw = await rawDb();
  const d = dexieDb();
  await d.open();
  const load = {
    outpost: await time(async () => {
      for (let i = 0; i < big; i += 10_000) await o.store.collection<Mail>('messages').bulkPut(bigSet.slice(i, i + 10_000));
    }),
    raw: await time(async () => {
      for (let i = 0; i < big; i += 10_000) await rawPutAll(raw.db, bigSet.slice(i, i + 10_000).map(withWords));
    }),
    dexie: await time(async () => {
      for (let i = 0; i < big; i += 10_000) await d.table('messages').bulkPut(bigSet.slice(i, i + 10_000).map(withWords));
    }),
  };
  rows.push({ name: `load ${big} records (chunks of 10k)`, ...load, unit: 'ms', runs: 1 });

  const messages = o.store.collection<Mail>('messages');
  // `fromTimer`: each sample starts in a task of its own, as a click's read does; one started in
  // the callback that ended the sample before it waits a turn more on a busy main thread.
  const measure = async (name: string, fns: { outpost: () => Promise<unknown>; raw: () => Promise<unknown>; dexie: () => Promise<unknown> }, reps = readReps, fromTimer = false) => {
    const t = { outpost: [] as number[], raw: [] as number[], dexie: [] as number[] };
    // `reps` reads per sample, averaged: Firefox's clock has 1 ms steps, a read takes a few.
    const repeated = (fn: () => Promise<unknown>) => async () => {
      for (let i = 0; i < reps; i++) await fn();
    };
    // Who reads first turns each run: the database still settling after the load (or a write
    // row) slowed whoever came first, and Outpost always did.
    const order = ['outpost', 'raw', 'dexie'] as const;
    for (let r = 0; r < readSamples; r++) for (let j = 0; j < 3; j++) {
      const k = order[(r + j) % 3];
      if (fromTimer) await new Promise((resolve) => setTimeout(resolve, 0));
      t[k].push((await time(repeated(fns[k]))) / reps);
    }
    rows.push({ name, outpost: median(t.outpost), raw: median(t.raw), dexie: median(t.dexie), unit: 'ms', runs: readSamples });
  };
  const rawStore = () => raw.db.transaction('messages').objectStore('messages');

  await measure(`newest 50 of ${big} by date index`, {
    outpost: () => messages.query({ index: 'byDate', direction: 'prev', limit: 50 }),
    raw: () => rawCursor(rawStore().index('byDate'), null, 'prev', 0, 50),
    dexie: () => d.table('messages').orderBy('date').reverse().limit(50).toArray(),
  });
  // The same page with a range no read had before (its upper bound above every date, new each
  // read): where a browser lacks getAllRecords, a page read again starts where it last ended
  // (page-read.ts), and this row shows a first read's cost.
  let fresh = 0;
  const above = () => 1e15 + fresh++;
  await measure(`newest 50 of ${big} by date index, a page not read before (a new range each read)`, {
    outpost: () => messages.query({ index: 'byDate', between: [-Infinity, above()], direction: 'prev', limit: 50 }),
    raw: () => rawCursor(rawStore().index('byDate'), IDBKeyRange.bound(-Infinity, above()), 'prev', 0, 50),
    dexie: () => d.table('messages').where('date').between(-Infinity, above(), true, true).reverse().limit(50).toArray(),
  });
  // The same read while the main thread runs 5 ms tasks back to back, as an app applying a sync's
  // pages or starting up does: each request's answer then waits for a turn, so the rows show what
  // a read costs in round trips (a cursor takes one per row; Firefox's preloaded steps too).
  const stopBusy = busyMainThread(5);
  await measure(`newest 50 of ${big} by date index, a page not read before, main thread busy in 5 ms tasks`, {
    outpost: () => messages.query({ index: 'byDate', between: [-Infinity, above()], direction: 'prev', limit: 50 }),
    raw: () => rawCursor(rawStore().index('byDate'), IDBKeyRange.bound(-Infinity, above()), 'prev', 0, 50),
    dexie: () => d.table('messages').where('date').between(-Infinity, above(), true, true).reverse().limit(50).toArray(),
  }, 1, true);
  stopBusy();
  const page1 = await messages.page({ index: 'byLabel', equals: 'STARRED', limit: 50 });
  const page2 = await messages.page({ index: 'byLabel', equals: 'STARRED', limit: 50, after: page1.next });
  await measure(`page 3 (50 per page) of a label query over ${big}`, {
    // Outpost pages with the token page 2 handed out (what a scrolling list holds), so no skipped row is read.
    outpost: () => messages.page({ index: 'byLabel', equals: 'STARRED', limit: 50, after: page2.next }),
    raw: () => rawCursor(rawStore().index('byLabel'), IDBKeyRange.only('STARRED'), 'next', 100, 50),
    dexie: () => d.table('messages').where('labels').equals('STARRED').offset(100).limit(50).toArray(),
  });
  await measure(`count ${big}`, {
    outpost: () => messages.count(),
    raw: () => req(rawStore().count()),
    dexie: () => d.table('messages').count(),
  }, 1);
  await measure(`word-prefix search "inv" over ${big} (first 50)`, {
    outpost: () => messages.query({ words: 'inv', limit: 50 }),
    raw: () => rawCursor(rawStore().index('words'), IDBKeyRange.bound('inv', 'inv\uffff'), 'next', 0, 50, true),
    dexie: () => d.table('messages').where('words').startsWith('inv').distinct().limit(50).toArray(),
  });

  // Live queries: write → callback with the new result. Raw has no live queries: its figure is the
  // write's own commit, the floor any notification sits on. Each write starts once the query's
  // first result is in.
  const lq = { outpost: [] as number[], raw: [] as number[], dexie: [] as number[] };
  const rerun: number[] = [];
  const list = { outpost: [] as number[], raw: [] as number[], dexie: [] as number[] };
  // 60 samples: a p95 of 20 is their slowest but one, one stall on a busy machine moves it.
  for (let r = 0; r < Math.max(runs, 60); r++) {
    const id = `live-${r}`;
    const put = (k: number) => () => void messages.put({ ...record(big + r), id: `${id}-${k}` });
    lq.outpost.push(await liveLatency<Mail[]>((cb) => messages.observe({ equals: `${id}-0` }, cb), (v) => v.length > 0, put(0)));
    rerun.push(await liveLatency<Mail | undefined>((cb) => o.store.observe(['messages'], () => messages.get(`${id}-1`), cb), (v) => !!v, put(1)));
    lq.raw.push(await time(() => rawPutAll(raw.db, [withWords({ ...record(big + r), id })])));
    lq.dexie.push(
      await liveLatency<Mail | undefined>(
        (cb) => {
          const sub = liveQuery(() => d.table('messages').get(id)).subscribe(cb);
          return () => sub.unsubscribe();
        },
        (v) => !!v,
        () => void d.table('messages').put(withWords({ ...record(big + r), id })),
      ),
    );
    // The newest 50 as a list, and a new newest message.
    const newest = (k: number): Mail => ({ ...record(big + 100 + r), id: `${id}-new`, date: 2_000_000_000_000 + r * 10 + k });
    list.outpost.push(await liveLatency<Mail[]>((cb) => messages.observe({ index: 'byDate', direction: 'prev', limit: 50 }, cb), (v) => v[0]?.date === newest(0).date, () => void messages.put(newest(0))));
    list.raw.push(await time(() => rawPutAll(raw.db, [withWords(newest(1))])));
    list.dexie.push(
      await liveLatency<Mail[]>(
        (cb) => {
          const sub = liveQuery(() => d.table('messages').orderBy('date').reverse().limit(50).toArray()).subscribe(cb);
          return () => sub.unsubscribe();
        },
        (v) => v[0]?.date === newest(2).date,
        () => void d.table('messages').put(withWords(newest(2))),
      ),
    );
  }
  rows.push({ name: 'live query: write → callback, median', outpost: median(lq.outpost), raw: median(lq.raw), dexie: median(lq.dexie), unit: 'ms', runs: lq.outpost.length });
  rows.push({ name: 'live query: write → callback, p95', outpost: p95(lq.outpost), raw: p95(lq.raw), dexie: p95(lq.dexie), unit: 'ms', runs: lq.outpost.length });
  rows.push({ name: 'live query re-run by store.observe (no patching): write → callback, median', outpost: median(rerun), raw: median(lq.raw), dexie: median(lq.dexie), unit: 'ms', runs: rerun.length });
  rows.push({ name: 'live query re-run by store.observe (no patching): write → callback, p95', outpost: p95(rerun), raw: p95(lq.raw), dexie: p95(lq.dexie), unit: 'ms', runs: rerun.length });
  rows.push({ name: 'live list, newest 50 by date: new message → callback, median', outpost: median(list.outpost), raw: median(list.raw), dexie: median(list.dexie), unit: 'ms', runs: list.outpost.length });
  rows.push({ name: 'live list, newest 50 by date: new message → callback, p95', outpost: p95(list.outpost), raw: p95(list.raw), dexie: p95(list.dexie), unit: 'ms', runs: list.outpost.length });

  // Write workloads after the reads (the big databases still open): Chromium cleans up a deleted
  // database in the background, and run first their cleanup stalled the live queries' writes (p95
  // of 9–32 ms on every side, 2–3 without).
  const bw = { outpost: [] as number[], raw: [] as number[], dexie: [] as number[] };
  for (let r = 0; r < (reads ? 0 : runs); r++) {
    const o = await outpostDb();
    bw.outpost.push(await time(() => o.store.collection<Mail>('messages').bulkPut(writeSet)));
    o.store.close();
    await deleteStore(o.name);
    const raw = await rawDb();
    bw.raw.push(await time(() => rawPutAll(raw.db, writeSet.map(withWords))));
    raw.db.close();
    indexedDB.deleteDatabase(raw.name);
    const d = dexieDb();
    await d.open();
    bw.dexie.push(await time(() => d.table('messages').bulkPut(writeSet.map(withWords))));
    await d.delete();
  }
  // Listed first, as they always were.
  if (!reads) rows.unshift({ name: `bulk write ${n} records, one transaction`, outpost: median(bw.outpost), raw: median(bw.raw), dexie: median(bw.dexie), unit: 'ms', runs }, await relabelRows(quick ? 500 : 5000, quick ? 150 : 1500, runs));
  await dropAll(o, raw, d);

  return rows;
}

(globalThis as { runStoreBench?: typeof runStoreBench }).runStoreBench = runStoreBench;
