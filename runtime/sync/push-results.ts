// What the server answered to a push, applied locally: acknowledgements, rejections rolled back,
// conflicts settled by the collection's policy; and which pending entries a push may send.
// Loaded with the network code, after the app has rendered from IndexedDB.
import type { Collection, StoreTransaction } from '../store/index.js';
import type { CurrentDocument, DocumentValue, Mutation, MutationResult, ProtocolError } from '../protocol/index.js';
import { applyMutation, mergeFields } from './apply.js';
import type { MutationOutcome, Outbox } from './outbox.js';
import { docId, type CustomWrite, type OutboxEntry, type StoredConflict, type StoredRejection } from './schema.js';
import { REV_FIELD } from '../protocol/fields.js';
import type { IDBPTransaction } from 'idb';
import { revOf, stored, writeDoc } from './revs.js';
import { before, docOf, docsOf, keyed, META, notePulled, REV_UNKNOWN, rebuild, rerunCustom, revUnknown } from './rebase.js';

type Tx = StoreTransaction;

/**
 * Undoes a rejected custom mutation's optimistic writes: each document it wrote goes back to its
 * value before, with the pending mutations made after it re-applied on top (built-ins on that
 * document, and custom mutators that wrote it too).
 */
async function rollBackCustom(o: Outbox, tx: Tx, entry: OutboxEntry): Promise<void> {
  const outbox = tx.collection<OutboxEntry>('$outbox');
  const docs = new Set(entry.writes!.map((w) => w.doc));
  for (const w of entry.writes!) {
    const { collection, key } = docOf(w.doc);
    await rebuild(o, tx, collection, key, before(w), await outbox.query({ index: 'byDoc', equals: w.doc }));
  }
  const later = (await outbox.query()).filter((e) => e.id > entry.id && !e.doc && e.writes?.some((w) => docs.has(w.doc)));
  await rerunCustom(o, tx, later, docs);
}

/**
 * A rejected mutation never happened: for each document it wrote, the next pending mutation of that
 * document (built-in or custom) was made on top of it, so it takes the rejected one's value before
 * as its own. Its rollback, should it be rejected too, then restores what was there before both,
 * not the first one's optimistic effect.
 */
async function handDown(tx: Tx, entry: OutboxEntry, sent: Map<number, OutboxEntry>): Promise<void> {
  const wrote: CustomWrite[] = entry.doc ? [{ doc: entry.doc, base: entry.base, pulled: entry.pulled }] : (entry.writes ?? []);
  if (!wrote.length) return;
  const outbox = tx.collection<OutboxEntry>('$outbox');
  const later = (await outbox.query()).filter((e) => e.id > entry.id);
  for (const { doc, base, pulled } of wrote) {
    const next = later.find((e) => e.doc === doc || e.writes?.some((w) => w.doc === doc));
    if (!next) continue;
    // What the server had before both, when a pull brought it (see Pulled).
    const value: CustomWrite = { doc, ...(base === undefined ? {} : { base }), ...(pulled ? { pulled } : {}) };
    if (next.doc) {
      delete next.base;
      delete next.pulled;
      if (base !== undefined) next.base = base;
      if (pulled) next.pulled = pulled;
    } else next.writes = next.writes!.map((w) => (w.doc === doc ? value : w));
    await outbox.put(next);
    // Later in this push: its result, when rejected too, rolls back from what it holds now.
    if (sent.has(next.id)) sent.set(next.id, next);
  }
}

/**
 * Records a new server rev for a document whose local value stays as it is: rewrites the stored
 * record with only its hidden rev changed (no change notification: the app's value is the same).
 * Here rather than in revs.ts, which loads at start: only push results use it.
 */
async function setRev(tx: StoreTransaction, collection: string, key: string, rev: number): Promise<void> {
  const record = await stored(tx, collection, key);
  if (record) await (tx.raw as IDBPTransaction<unknown, string[], 'readwrite'>).objectStore(collection).put({ ...record, [REV_FIELD]: rev });
  else await tx.collection('$revs').put({ doc: docId(collection, key), rev });
}

/**
 * After a custom mutation was applied: each document both its mutator and the server's handler
 * wrote takes the rev the handler wrote it at, and the document's later edits base on that rev
 * (made on the mutator's optimistic effect, they would otherwise meet a conflict with their own
 * predecessor). A document only the handler wrote comes with the next pull.
 */
async function customRevs(tx: Tx, mine: CustomWrite[], writes: Array<{ collection: string; key: string; rev: number }>): Promise<void> {
  const docs = new Set(mine.map((w) => w.doc));
  for (const { collection, key, rev } of writes) {
    if (!docs.has(docId(collection, key)) || !Number.isSafeInteger(rev)) continue;
    await acknowledgedAt(tx, collection, key, rev, await tx.collection<OutboxEntry>('$outbox').query({ index: 'byDoc', equals: docId(collection, key) }));
  }
}

/**
 * A document's edit was applied at server rev `rev`: the record takes it, and the document's later
 * edits (`later`, made on top of that one) now base on it.
 */
async function acknowledgedAt(tx: Tx, collection: string, key: string, rev: number, later: OutboxEntry[]): Promise<void> {
  await setRev(tx, collection, key, rev);
  const outbox = tx.collection<OutboxEntry>('$outbox');
  for (const e of later) if ('baseRev' in e.mutation) await outbox.put({ ...e, rebaseAfter: undefined, moved: undefined, mutation: { ...e.mutation, baseRev: rev } as Mutation });
}

/**
 * A mutation's outcome; for a conflict settled by a resubmission, its id and the document's later
 * edits moved behind it (old id, new id).
 */
type Settled = MutationOutcome & { resubmittedAs?: number; moved?: Array<[number, number]> };

/**
 * Applies one push's results in one transaction and returns each mutation's outcome.
 * Conflicts are settled by the collection's policy; a resubmission gets a new id. Nothing is
 * applied once `term` (this tab's leadership) has ended.
 */
export async function applyResults(o: Outbox, batch: OutboxEntry[], answered: MutationResult[], term?: AbortSignal): Promise<Map<number, Settled>> {
  // A retry's duplicate naming its first answer (lost on the way, or never stored here) is that
  // answer: a rejection taken as applied would leave its effect on this device for good.
  const results = answered.map((r) => (r.status === 'duplicate' && r.original ? ({ ...r.original, id: r.id } as MutationResult) : r));
  const outcomes = new Map<number, Settled>();
  await o.config.store.transaction(o.all, 'readwrite', async (tx) => {
    // Checked inside the transaction: one a freeze cut runs again once the tab is thawed, and by
    // then another tab leads and may have moved these documents on (see applyChunk too).
    if (term?.aborted) return;
    const outbox = tx.collection<OutboxEntry>('$outbox');
    const sent = new Map(batch.map((e) => [e.id, e]));
    // Built-in edits applied at a rev, of documents no custom mutation of this batch wrote: a push
    // holds one edit per document, so these are independent and acknowledged together. One after
    // another, each waited for its own four requests: a 100-mutation answer took ~70 ms to apply,
    // 20,000 pending edits 14 s of a 21 s push.
    const customDocs = new Set(batch.flatMap((e) => (e.doc ? [] : docsOf(e))));
    const plain = results.flatMap((r) => {
      const doc = sent.get(r.id)?.doc;
      return r.status === 'applied' && r.rev && doc && !customDocs.has(doc) ? [{ id: r.id, doc, rev: r.rev }] : [];
    });
    const ids = plain.map((p) => p.id);
    // The batch is the outbox's first entries in id order: when each of them is plainly
    // acknowledged, none other lies between its first and last id, and one request deletes them.
    if (ids.length) await outbox.bulkDelete(ids, new Set(ids).size === batch.length ? IDBKeyRange.bound(batch[0].id, batch[batch.length - 1].id) : undefined);
    await Promise.all(
      plain.map(async ({ id, doc, rev }) => {
        const { collection, key } = docOf(doc);
        await acknowledgedAt(tx, collection, key, rev, await outbox.query({ index: 'byDoc', equals: doc }));
        outcomes.set(id, { status: 'applied', rev });
      }),
    );
    for (const r of results) {
      const entry = sent.get(r.id);
      if (!entry || outcomes.has(r.id)) continue;
      await outbox.delete(entry.id);
      // Only this document's later entries (by index, in id order): reading the whole outbox
      // per result made a 700-mutation push quadratic (seconds per push).
      const rest = entry.doc ? await outbox.query({ index: 'byDoc', equals: entry.doc }) : [];
      const { collection, key } = docOf(entry.doc);
      if (r.status === 'applied' || r.status === 'duplicate') {
        // A bare duplicate: applied, at a rev the server no longer knows.
        const rev = r.status === 'applied' ? r.rev : undefined;
        if (entry.doc && rev) await acknowledgedAt(tx, collection, key, rev, rest);
        else if (r.status === 'applied' && Array.isArray(r.writes) && entry.writes) await customRevs(tx, entry.writes, r.writes);
        // Its later edits are held until the next pull brings the rev (see REV_UNKNOWN): a built-in
        // edit's document, or those a custom mutation's mutator wrote (a duplicate lists no writes).
        else if (r.status === 'duplicate' || entry.doc) await revUnknown(o, tx, docsOf(entry));
        outcomes.set(entry.id, { status: 'applied', rev });
      } else if (r.status === 'rejected') {
        await handDown(tx, entry, sent);
        if (entry.doc) await rebuild(o, tx, collection, key, before(entry), rest);
        else if (entry.writes?.length) await rollBackCustom(o, tx, entry);
        await tx.collection('$rejected').put({ id: entry.id, mutation: entry.mutation, error: r.error, at: Date.now() } satisfies StoredRejection);
        outcomes.set(entry.id, { status: 'rejected', error: r.error });
      } else {
        outcomes.set(entry.id, await settle(o, tx, entry, r.current, collection, key, rest));
      }
    }
    if ([...outcomes.values()].some((s) => s.status === 'rejected')) await keepNewest(tx.collection<StoredRejection>('$rejected'));
  });
  // In id order, as the handles settle: the plain acknowledgements were recorded first.
  return new Map([...outcomes].sort((a, b) => a[0] - b[0]));
}

/**
 * The most refused mutations `$rejected` keeps: each holds its whole mutation (a put's document up
 * to the server's limit), and nothing else removes them until a person dismisses them
 * (`<outpost-rejections>`) or the app deletes them.
 */
const MAX_REJECTED = 200;

/** Deletes all but the newest MAX_REJECTED records (ids grow with time). */
async function keepNewest(rejected: Collection<StoredRejection>): Promise<void> {
  const over = (await rejected.count()) - MAX_REJECTED;
  if (over > 0) await rejected.bulkDelete((await rejected.query({ limit: over })).map((r) => r.id));
}

async function settle(o: Outbox, tx: Tx, entry: OutboxEntry, current: CurrentDocument, collection: string, key: string, rest: OutboxEntry[]): Promise<Settled> {
  const theirs = 'value' in current ? keyed(o, collection, key, current.value) : undefined;
  // Every branch below rewrites the document on the server's rev.
  const rev = current.rev;
  const mine = applyMutation(entry.base, entry.mutation, o.config.keyPaths[collection]);
  const policy = o.config.policies[collection] ?? 'merge';
  let resolved: DocumentValue | undefined | 'delete';
  let fields: string[] = [];
  if (policy === 'server-wins') resolved = undefined;
  else if (policy === 'client-wins') resolved = mine ?? 'delete';
  else if (policy === 'merge') {
    if (mine && theirs) {
      const m = mergeFields(entry.base, mine, theirs);
      if (m.ok) resolved = m.value;
      else fields = m.fields;
    } else fields = ['(deleted)'];
  } else resolved = policy({ collection, key, base: entry.base, mine, theirs });
  if (resolved === undefined) {
    await rebuild(o, tx, collection, key, theirs, rest, rev);
    // The document's later edits were made on this one's effect, which the server never had.
    await notePulled(o, tx, new Map([[entry.doc, theirs]]), rest);
    if (policy !== 'server-wins') {
      const conflict: StoredConflict = { id: `${entry.doc}#${entry.id}`, collection, key, mutationId: entry.id, base: entry.base, mine, theirs, theirsRev: current.rev, fields, at: Date.now() };
      await tx.collection('$conflicts').put(conflict);
      return { status: 'conflict', resolution: 'stored' };
    }
    return { status: 'conflict', resolution: 'server' };
  }
  // Resubmit the settled value on the server's rev, as a new mutation at the end of the outbox.
  const id = ((await o.meta<number>('nextId', tx)) ?? 1);
  const again = resolved === 'delete' ? { name: 'delete', collection, key } : { name: 'put', collection, key, value: resolved };
  // The local document first becomes the server's, so the new entry's base is what the server has.
  await rebuild(o, tx, collection, key, theirs, [], rev);
  await o.write(tx, [id], 0, again as Mutation, rev);
  // The document's later edits were made on top of the one that conflicted: they move behind the
  // resubmission (new ids, in their order), each based on the settled value with those before it
  // applied. Left where they were, they reached the server first and the resubmission undid them.
  const outbox = tx.collection<OutboxEntry>('$outbox');
  const moved: Array<[number, number]> = [];
  let value = resolved === 'delete' ? undefined : resolved;
  let next = id + 1;
  for (const e of rest) {
    const { base: _b, rebaseAfter: _r, moved: _m, pulled: _p, ...kept } = e;
    const to = next++;
    const later: OutboxEntry = { ...kept, id: to, mutation: { ...e.mutation, id: to } };
    if (value !== undefined) later.base = value;
    await outbox.delete(e.id);
    await outbox.put(later);
    value = applyMutation(value, e.mutation, o.config.keyPaths[collection]);
    moved.push([e.id, to]);
  }
  await tx.collection(META).put({ key: 'nextId', value: next });
  // The settled value with the moved edits on top.
  if (rest.length) await writeDoc(tx, collection, key, value, rev);
  return { status: 'conflict', resolution: 'resubmitted', resubmittedAs: id, moved };
}

/**
 * The first `limit` pending entries in push order, ready to send: an entry waiting for a rev
 * (see {@link waitForRev}) takes the pulled rev once a full pull ended after it was marked; until
 * then it and everything after it wait (`held`).
 */
export async function sendable(o: Outbox, limit: number): Promise<{ entries: OutboxEntry[]; held: boolean }> {
  // Mostly none waits for a rev (and the outbox is empty at most starts): a read of the outbox
  // alone then, which holds back no read of the app's (a read-write transaction over every
  // collection queues every read created after it, e.g. a cold start's first list).
  const [all, unknown] = await Promise.all([o.config.store.collection<OutboxEntry>('$outbox').query({ limit }), o.meta<string[]>(REV_UNKNOWN)]);
  // An edit of a document whose rev is unknown was made on a stale rev: it and all after it wait.
  const cut = unknown?.length ? all.findIndex((e) => unknown.includes(e.doc)) : -1;
  const entries = cut < 0 ? all : all.slice(0, cut);
  if (entries.every((e) => e.rebaseAfter === undefined)) return { entries, held: cut >= 0 };
  // Every collection: an entry's rev may be on its document's record.
  return o.config.store.transaction(o.all, 'readwrite', async (tx) => {
    const outbox = tx.collection<OutboxEntry>('$outbox');
    const entries = (await outbox.query({ limit })).slice(0, cut < 0 ? limit : cut);
    const epoch = (await o.meta<number>('pullEpoch', tx)) ?? 0;
    const ready: OutboxEntry[] = [];
    for (const e of entries) {
      if (e.rebaseAfter === undefined) {
        ready.push(e);
        continue;
      }
      if (epoch <= e.rebaseAfter) return { entries: ready, held: true };
      const { collection, key } = docOf(e.doc);
      const rev = await revOf(tx, collection, key);
      const { rebaseAfter: _, moved, ...rest } = e;
      // Moved: the server has changed the document since the acknowledged edit this one was made
      // on, so it goes out on a rev the server has moved past, meets a conflict and is settled by
      // the policy against the value it was made on (never overwriting that change unseen).
      const next = { ...rest, mutation: { ...e.mutation, baseRev: moved ? Math.max(0, rev - 1) : rev } as Mutation };
      await outbox.put(next);
      ready.push(next);
    }
    return { entries: ready, held: cut >= 0 };
  });
}

/** Drops a mutation the server can never accept (e.g. malformed), rolling back its effect. */
export async function rejectLocally(o: Outbox, entry: OutboxEntry, error: ProtocolError): Promise<void> {
  await applyResults(o, [entry], [{ id: entry.id, status: 'rejected', error }]);
}
