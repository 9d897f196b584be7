// Pulled pages applied locally: each document set to the server's value with the pending
// mutations re-applied on top, written in slices that step aside for local mutations.
// Loaded with the network code, after the app has rendered from IndexedDB.
import type { StoreTransaction } from '../store/index.js';
import type { Change, DocumentValue } from '../protocol/index.js';
import { applyMutation } from './apply.js';
import type { Outbox } from './outbox.js';
import { docId, type OutboxEntry } from './schema.js';
import { REV_FIELD } from '../protocol/fields.js';
import { readDoc } from './revs.js';
import { writeDocs, type BulkDoc, type BulkLib } from './outbox-bulk.js';
import { docOf, docsOf, keyed, META, notePulled, REV_UNKNOWN, rebased, rebuild, rerunCustom, revUnknown, waitForRev } from './rebase.js';

/** What outbox-bulk.ts takes from the modules it does not import (see its note). */
const BULK_LIB: BulkLib = { readDoc, applyMutation, docId, revField: REV_FIELD };

type Tx = StoreTransaction;

/** Whether two documents (undefined: none) hold the same fields and values, in any order. */
function sameDocument(a: DocumentValue | undefined, b: DocumentValue | undefined): boolean {
  if (!a || !b) return a === b;
  return [...new Set([...Object.keys(a), ...Object.keys(b)])].every((f) => JSON.stringify(a[f]) === JSON.stringify(b[f]));
}

/**
 * `first` (the next edit of a document, waiting for the rev of an acknowledged one) was made on
 * `first.base`; if the pulled `server` value differs, another client changed the document in
 * between: marks it `moved`, so {@link sendable} pushes it as a conflict rather than on the
 * pulled rev.
 */
async function markMoved(tx: Tx, first: OutboxEntry | undefined, server: DocumentValue | undefined): Promise<void> {
  if (!first || sameDocument(first.base, server)) return;
  const outbox = tx.collection<OutboxEntry>('$outbox');
  const stored = await outbox.get(first.id);
  if (stored?.rebaseAfter !== undefined) await outbox.put({ ...stored, moved: true });
}

/**
 * How long one slice of a pulled page may take, in ms: a page is written a slice at a time (each
 * slice in its own task, so the page stays responsive while a big page is stored), and a local
 * mutation waits for at most the slice in flight (see {@link applyPage}). Slices are resized to
 * it as they go: 500 plain documents take a few ms, 500 mails with a word index tens of ms.
 */
const SLICE_MS = 8;

/**
 * The slice length for a while after the pull stepped aside for a local mutation
 * ({@link BUSY_FOR_MS}): the user is acting, and each next action waits for the slice in flight.
 */
const BUSY_SLICE_MS = 2;
const BUSY_FOR_MS = 1000;

/**
 * How long a page's transaction stays open before it commits what it has and the rest of the page
 * goes in a new one: a read of the synced collections waits for the transaction in flight, and
 * another tab's reads (a second tab starting during a first sync) cannot be seen from here. Each
 * split costs a commit and the next transaction's outbox read: at 50 ms the demo's first sync of
 * 10k took 15–30% longer, at 250 ms 3–8% (docs/benchmarks.md).
 */
const OPEN_MS = 250;

/**
 * Documents per slice, per outbox, carried from page to page: each page starting again at 100
 * made its first slice the longest task of a sync (100 mails with their word and computed
 * indexes: 0.3–0.4 s at load 11–17, docs/benchmarks.md). It starts small, grows at most
 * twofold per slice (one quick slice says little) and shrinks at once.
 */
const sliceSizes = new WeakMap<Outbox, Slice>();

/**
 * @internal The size of the next slice after one of `size` documents that held `held` (fewer at
 * a page's end) and took `elapsed` ms, aiming at `target` ms: at most twice as many (one quick
 * slice says little), at once fewer when it was slow. Sized from what the slice held: sizing a
 * page's short last slice as a full one doubled the size after each quick remainder, and slices
 * of 200–420 documents (12–34 ms) ran while the user acted. A short remainder says nothing
 * unless it was slow.
 */
export function nextSliceSize(size: number, held: number, elapsed: number, target: number): number {
  const fit = Math.round((held * target) / Math.max(1, elapsed));
  const next = held >= size ? Math.min(2 * size, fit) : elapsed > target ? Math.min(size, fit) : size;
  return Math.max(5, Math.min(500, next));
}

/** How many documents a slice takes, and when the pull last stepped aside for a local mutation. */
interface Slice {
  size: number;
  steppedAside: number;
}

/** Where a cursor was before clients syncing fewer collections moved it, and what it covered there. */
type Older = { value: string; covers: string[] };

/**
 * The `cursor` record of `$meta`: the cursor and the collections whose changes before it are
 * applied here (a page's other changes are dropped, see {@link applyPage}), and `older` while some
 * collection is covered only from an earlier cursor. A record without `covers` (stored before it
 * was kept) is taken to cover the synced collections: an upgrade does not re-pull everything.
 */
export interface Cursor extends Older {
  older?: Older;
}

const within = (a: string[], b: string[]) => a.every((c) => b.includes(c));

/**
 * Where a pull starts (`value`, null: from the start) and the record its pages store: the stored
 * cursor if it covers every collection this client syncs, else the older one if that does (a
 * service worker syncing fewer pulled meanwhile), else the start (an update added a collection).
 * Re-applying what a client already has is harmless (each document is set to the server's value).
 */
export async function startOf(o: Outbox): Promise<{ value: string | null; covers: string[]; older?: Older }> {
  const synced = o.synced;
  const stored = (await o.config.store.collection(META).get('cursor')) as Cursor | undefined;
  if (!stored) return { value: null, covers: synced };
  const { value, covers = synced, older } = stored;
  // Fewer than covered: the others' changes from here on are dropped; a client syncing them pulls from here.
  if (within(synced, covers)) return { value, covers: synced, older: within(covers, synced) ? older : (older ?? { value, covers }) };
  if (older && within(synced, older.covers)) return { value: older.value, covers: synced, older: within(older.covers, synced) ? undefined : older };
  return { value: null, covers: synced };
}

/**
 * Applies one pulled page and commits the cursor with its last document, so a reload resumes
 * after the page (re-applying part of a page is harmless: each document is set to the server's
 * value with the pending mutations on top). Each document is one write: its rev is kept on its
 * record. A page is one transaction, written in slices of about {@link SLICE_MS}; when a local
 * mutation is waiting (`Outbox.writing`) after a slice, or another transaction of this tab's
 * store (a read), or the transaction has been open {@link OPEN_MS}, it commits what it has and
 * the rest of the page goes in a new one, queued after theirs (IndexedDB runs overlapping
 * transactions in the order they were created), so the mutation is durable and the read answered
 * without waiting for the page. Entries the server already applied (per `lastMutationId`) leave the
 * outbox; `onAcked` gets their ids as soon as the transaction that removed them committed, before
 * the rest of the page: a tab closed meanwhile would otherwise never tell the others, whose handles
 * then wait for good. `done` (the last page) ends a pull epoch. While a custom mutation is pending
 * the page is one transaction, so its mutator is re-run once.
 */
export async function applyPage(o: Outbox, changes: Change[], cursor: Cursor, lastMutationId: number, onAcked: (ids: number[]) => void, done = false, term?: AbortSignal): Promise<void> {
  // The last change of each document wins (a page lists a document once; this keeps it so). Other
  // collections' changes are dropped: the stored cursor says which it covers ({@link startOf}).
  const byDoc = new Map<string, Change>();
  for (const c of changes) if (o.synced.includes(c.collection)) byDoc.set(docId(c.collection, c.key), c);
  const custom = (await o.config.store.collection<OutboxEntry>('$outbox').query()).some((e) => !e.doc && e.id > lastMutationId);
  let slice = sliceSizes.get(o);
  if (!slice) sliceSizes.set(o, (slice = { size: 20, steppedAside: -Infinity }));
  for (let docs = [...byDoc]; ;) {
    const end = await applyChunk(o, docs, lastMutationId, { cursor, done }, slice, !custom, term);
    if (end.acked.length) onAcked(end.acked);
    if (!end.rest.length) return;
    docs = end.rest;
  }
}

/**
 * One transaction of {@link applyPage}: writes `docs` slice by slice and, when they are all
 * written, the cursor; returns the documents left when it stepped aside for a local mutation.
 */
function applyChunk(o: Outbox, docs: Array<[string, Change]>, lastMutationId: number, end: { cursor: Cursor; done: boolean }, slice: Slice, yieldToLocal: boolean, term?: AbortSignal): Promise<{ acked: number[]; rest: Array<[string, Change]> }> {
  return o.config.store.transaction(o.all, 'readwrite', async (tx) => {
    // A page older than what the tab that now leads has applied must not overwrite it.
    if (term?.aborted) return { acked: [], rest: [] };
    const outbox = tx.collection<OutboxEntry>('$outbox');
    const all = await outbox.query();
    const acked = all.filter((e) => e.id <= lastMutationId);
    if (acked.length) await outbox.bulkDelete(acked.map((e) => e.id));
    const pending = all.filter((e) => e.id > lastMutationId);
    const ackedDocs = new Set(acked.flatMap(docsOf));
    // This page's acknowledged documents, and those acknowledged without a rev since the last full
    // pull: their edits take the rev this pull brings (the page with their change may come later).
    const stored = (await o.meta<string[]>(REV_UNKNOWN, tx)) ?? [];
    const unknown = new Set([...stored, ...ackedDocs]);
    await waitForRev(o, tx, pending.filter((e) => unknown.has(e.doc)));
    // Kept until the pull's last slice is written: the page may step aside for a local edit first.
    await revUnknown(o, tx, ackedDocs, stored);
    const pendingDocs = new Set(pending.map((e) => e.doc));
    // Built-in edits' documents and those pending custom mutators wrote.
    const touched = new Set(pending.flatMap(docsOf));
    // Documents whose next edit waits for the rev of one acknowledged without it.
    const waiting = new Set([...unknown, ...pending.filter((e) => e.rebaseAfter !== undefined).map((e) => e.doc)]);
    const opened = performance.now();
    let i = 0;
    while (i < docs.length) {
      const t0 = performance.now();
      const part = docs.slice(i, (i += slice.size));
      const byCollection = new Map<string, BulkDoc[]>();
      const pulled = new Map<string, DocumentValue | undefined>();
      for (const [doc, c] of part) {
        const server = c.deleted ? undefined : keyed(o, c.collection, c.key, c.value);
        const value = pendingDocs.has(doc) ? rebased(o, c.collection, doc, server, pending) : server;
        if (waiting.has(doc)) await markMoved(tx, pending.find((e) => e.doc === doc && 'baseRev' in e.mutation), server);
        if (touched.has(doc)) pulled.set(doc, server);
        const list = byCollection.get(c.collection) ?? [];
        list.push({ collection: c.collection, key: c.key, value: value as DocumentValue | undefined, rev: c.rev });
        byCollection.set(c.collection, list);
      }
      // One bulk write per collection and kind (outbox-bulk.ts). Awaiting the slice's requests
      // ends this task: the page renders and handles input between slices.
      await Promise.all([...byCollection].map(([c, list]) => writeDocs(BULK_LIB, tx, c, list)).concat(notePulled(o, tx, pulled, pending)));
      const now = performance.now();
      // Committed early for a local mutation, for any other transaction of this tab (a read queued
      // behind this one: a list's next page, a search), or once open OPEN_MS. Only a mutation
      // shrinks the slices: the user is acting.
      const aside = yieldToLocal && i < docs.length && (o.writing > 0 || o.config.store.busy > 1 || now - opened >= OPEN_MS);
      if (aside && o.writing > 0) slice.steppedAside = now;
      const target = now - slice.steppedAside < BUSY_FOR_MS ? BUSY_SLICE_MS : SLICE_MS;
      slice.size = nextSliceSize(slice.size, part.length, now - t0, target);
      if (aside) return { acked: acked.map((e) => e.id), rest: docs.slice(i) };
    }
    // This transaction set these documents to the server's value; the others keep the mutators' effects.
    if (docs.length) await rerunCustom(o, tx, pending, new Set(docs.map(([doc]) => doc)));
    if (end.done && unknown.size) await tx.collection(META).delete(REV_UNKNOWN);
    if (end.done) await tx.collection(META).put({ key: 'pullEpoch', value: ((await o.meta<number>('pullEpoch', tx)) ?? 0) + 1 });
    await tx.collection(META).put({ key: 'cursor', ...end.cursor });
    return { acked: acked.map((e) => e.id), rest: [] };
  });
}

/** After `410 cursor-expired`: drop synced data but keep the outbox, re-applied over nothing. */
export async function resetForResync(o: Outbox): Promise<void> {
  await o.config.store.transaction(o.all, 'readwrite', async (tx) => {
    for (const c of o.synced) await tx.collection(c).clear();
    await tx.collection('$revs').clear();
    await tx.collection(META).delete('cursor');
    const pending = await tx.collection<OutboxEntry>('$outbox').query();
    const docs = new Set(pending.filter((e) => e.doc).map((e) => e.doc));
    for (const d of docs) {
      const { collection, key } = docOf(d);
      await rebuild(o, tx, collection, key, undefined, pending, 0);
    }
    await rerunCustom(o, tx, pending);
  });
}
