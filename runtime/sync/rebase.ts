// Pending mutations re-applied over what the server holds, and edits waiting for the rev of one
// acknowledged without it: shared by push answers (push-results.ts) and pulled pages
// (pull-pages.ts). Loaded with the network code, after the app has rendered from IndexedDB.
import type { StoreTransaction } from '../store/index.js';
import type { DocumentValue } from '../protocol/index.js';
import { applyMutation } from './apply.js';
import type { Outbox } from './outbox.js';
import { docId, type OutboxEntry, type Pulled } from './schema.js';
import { revOf, writeDoc } from './revs.js';

type Tx = StoreTransaction;
/** The `$meta` collection: sync's own keys (cursor, pull epoch, documents whose rev is unknown). */
export const META = '$meta';

/**
 * The collection and key of a `docId` (a key may hold `/`, a collection name does not). Here,
 * not beside `docId` in schema.ts: only the network code reads doc ids back, and schema.ts
 * is in the start-up bundle.
 */
export function docOf(doc: string): { collection: string; key: string } {
  const at = doc.indexOf('/');
  return { collection: doc.slice(0, at), key: doc.slice(at + 1) };
}

/**
 * A server value as this document's record: the wire value need not hold the key field (the
 * server's addToSet creates `{ [field]: values }`, other clients may omit it), and a record without
 * it, or with another key, fails the page's write for good or lands on another document.
 */
export function keyed(o: Outbox, collection: string, key: string, value: DocumentValue | undefined): DocumentValue | undefined {
  const field = o.config.keyPaths[collection];
  // Almost every value holds its own key: kept as it is (an initial sync copies none of 50,000).
  return value && (value[field] === key ? value : { ...value, [field]: key });
}

/** `server` (undefined = gone) with the document's pending mutations re-applied on top. */
export function rebased(o: Outbox, collection: string, doc: string, server: DocumentValue | undefined, pending: OutboxEntry[]): DocumentValue | undefined {
  let value = server;
  for (const e of pending) if (e.doc === doc) value = applyMutation(value, e.mutation, o.config.keyPaths[collection]);
  return value;
}

/**
 * Records on each pending entry that writes one of `pulled`'s documents (`pending`, in id order)
 * that document before it as the server now has it: the pulled value (undefined: gone there) with
 * the earlier pending built-in edits of it on top (a custom mutation's effect is its server
 * handler's to decide; the pull after it brings that). A rejection then rolls back to this, not to
 * the value the entry was made on, which another client's change pulled since has replaced.
 * Entries are read afresh (the caller's copies may predate its own writes of them: a rev wait, a
 * move), all at once: a page of many edited documents costs two round trips, not two per entry.
 */
export async function notePulled(o: Outbox, tx: Tx, pulled: Map<string, DocumentValue | undefined>, pending: OutboxEntry[]): Promise<void> {
  const mine = pending.filter((e) => docsOf(e).some((d) => pulled.has(d)));
  if (!mine.length) return;
  const outbox = tx.collection<OutboxEntry>('$outbox');
  const fresh = await Promise.all(mine.map((e) => outbox.get(e.id)));
  const value = new Map(pulled);
  const at = (doc: string): Pulled => (value.get(doc) === undefined ? {} : { value: value.get(doc) });
  // The callbacks run in id order, so each document's value builds up entry by entry.
  await Promise.all(
    fresh.map((e) => {
      if (!e) return;
      if (!e.doc) return outbox.put({ ...e, writes: e.writes!.map((w) => (value.has(w.doc) ? { ...w, pulled: at(w.doc) } : w)) });
      const next = outbox.put({ ...e, pulled: at(e.doc) });
      value.set(e.doc, applyMutation(value.get(e.doc), e.mutation, o.config.keyPaths[docOf(e.doc).collection]));
      return next;
    }),
  );
}

/** The value a rejection of an edit restores: as the server last had it, else the one it was made on. */
export const before = (e: { base?: DocumentValue; pulled?: Pulled }): DocumentValue | undefined => (e.pulled ? e.pulled.value : e.base);

/**
 * Sets a document to `server` with pending mutations re-applied on top, based on server rev `rev`
 * (undefined: the rev it has).
 */
export async function rebuild(o: Outbox, tx: Tx, collection: string, key: string, server: DocumentValue | undefined, pending: OutboxEntry[], rev?: number): Promise<void> {
  const value = rebased(o, collection, docId(collection, key), server, pending);
  await writeDoc(tx, collection, key, value, rev ?? (await revOf(tx, collection, key)));
}

/**
 * Re-runs pending custom mutators after their documents in `reset` were set back to the server's
 * value (all documents when absent: a resync rebuilt everything). A write to any other document is
 * skipped: that document still holds the mutator's effect, and applying it again would count a
 * counter twice, once more for every pulled page.
 */
export async function rerunCustom(o: Outbox, tx: Tx, pending: OutboxEntry[], reset?: Set<string>): Promise<void> {
  for (const e of pending) {
    const mutator = e.doc ? undefined : o.config.mutators[e.mutation.name];
    if (!mutator) continue;
    const mtx = o.mutatorTx(tx, async (c, key) => !reset || reset.has(docId(c, key)));
    try {
      await mutator(mtx, (e.mutation as { args?: unknown }).args);
    } catch {
      // A mutator that fails on rebase only loses its own optimistic effect; the server decides.
    }
  }
}

/**
 * Later edits of a document whose earlier mutation was acknowledged without its rev: they wait for
 * a full pull (which brings the rev) before they are pushed, or they would conflict with their own
 * predecessor.
 */
export async function waitForRev(o: Outbox, tx: Tx, later: OutboxEntry[]): Promise<void> {
  if (!later.length) return;
  const epoch = (await o.meta<number>('pullEpoch', tx)) ?? 0;
  for (const e of later) if ('baseRev' in e.mutation) await tx.collection('$outbox').put({ ...e, rebaseAfter: epoch });
}

/**
 * `$meta` key: documents acknowledged without their rev (a `duplicate` after a lost answer, or
 * through `lastMutationIds`) whose rev no pull has brought yet. Their local record still holds the
 * rev before that acknowledged edit, so an edit made now would be pushed on a rev the server has
 * moved past and meet a conflict with itself: {@link sendable} holds such edits, and the next full
 * pull marks them to take the pulled rev (see {@link waitForRev}), then forgets the documents.
 */
export const REV_UNKNOWN = 'revUnknown';

/**
 * Adds `docs` to the documents whose rev is unknown until the next full pull ends (`stored`: the
 * list as the caller read it in `tx`).
 */
export async function revUnknown(o: Outbox, tx: Tx, docs: Iterable<string>, stored?: string[]): Promise<void> {
  const known = stored ?? (await o.meta<string[]>(REV_UNKNOWN, tx)) ?? [];
  const next = [...new Set([...known, ...docs])];
  if (next.length > known.length) await tx.collection(META).put({ key: REV_UNKNOWN, value: next });
}

/** The documents an entry wrote locally: a built-in edit's, or those a custom mutator wrote. */
export const docsOf = (e: OutboxEntry): string[] => (e.doc ? [e.doc] : (e.writes ?? []).map((w) => w.doc));
