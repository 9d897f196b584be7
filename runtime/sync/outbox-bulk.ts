// Built-in mutations written together: a lazy chunk the Outbox loads when it is made, so it costs
// the start-up bundle nothing; until it is in, each mutation is written on its own (outbox.ts).
// It imports only types: a value shared with the entry would split the entry into chunks.
import type { DocumentValue, Mutation } from '../protocol/index.js';
import type { StoreTransaction } from '../store/index.js';
import type { applyMutation } from './apply.js';
import type { Outbox } from './outbox.js';
import type { readDoc } from './revs.js';
import type { docId, OutboxEntry } from './schema.js';

/** What this chunk takes from the entry's modules (see the note above). */
export interface BulkLib {
  readDoc: typeof readDoc;
  applyMutation: typeof applyMutation;
  docId: typeof docId;
  /** The record's hidden rev field (protocol/fields.ts REV_FIELD). */
  revField: string;
}

/** A document to write: its value (undefined: deleted) and the rev the server last sent. */
export type BulkDoc = { collection: string; key: string; value?: DocumentValue; rev: number };

/**
 * Writes documents of one collection as revs.ts `writeDoc` does each (a value with its rev on the
 * record; a deleted document's rev in `$revs`), as one bulk write of each kind: a batch's
 * documents, and a pulled page's slice (pull-pages.ts).
 */
export async function writeDocs(lib: BulkLib, tx: StoreTransaction, collection: string, docs: BulkDoc[]): Promise<void> {
  const kept = docs.filter((d) => d.value !== undefined);
  const gone = docs.filter((d) => d.value === undefined);
  await Promise.all([
    kept.length && tx.collection(collection).bulkPut(kept.map((d) => ({ ...d.value, [lib.revField]: d.rev }))),
    gone.length && tx.collection(collection).bulkDelete(gone.map((d) => d.key)),
    gone.length && tx.collection('$revs').bulkPut(gone.map((d) => ({ doc: lib.docId(collection, d.key), rev: d.rev }))),
  ]);
}

/**
 * Built-in mutations' local effects and outbox entries, with ids `ids`: each document read once
 * (all reads in flight together, beside the id counter), its mutations applied in order in memory
 * (its rev stays what the server last sent), then the documents' final values and the entries
 * written as a few bulk writes. A store call per mutation cost each one a promise and a turn of the
 * main thread per request: 1,500 label changes (an archive of 500 conversations) spent more there
 * than in IndexedDB.
 */
export async function writeBuiltins(lib: BulkLib, o: Outbox, tx: StoreTransaction, ids: Promise<number[]>, inputs: Mutation[]): Promise<void> {
  for (const input of inputs) o.checkSynced((input as { collection: string }).collection);
  const docs = new Map<string, number>();
  const reads: Array<Promise<BulkDoc>> = [];
  const targets = inputs.map((input) => {
    const { collection, key } = input as { collection: string; key: string };
    const doc = lib.docId(collection, key);
    if (!docs.has(doc)) docs.set(doc, reads.push(lib.readDoc(tx, collection, key).then(({ value, rev }) => ({ collection, key, value, rev }))) - 1);
    return doc;
  });
  const [all, found] = await Promise.all([ids, Promise.all(reads)]);
  const entries = inputs.map((input, i): OutboxEntry => {
    const d = found[docs.get(targets[i])!];
    // Set operations (addToSet, removeFromSet) commute: they carry no baseRev.
    if (!input.name.endsWith('Set')) (input as { baseRev: number }).baseRev = d.rev;
    // `input` is the engine's own object (made by a batch's recorder): it becomes the entry's.
    const entry: OutboxEntry = { id: (input.id = all[i]), mutation: input, doc: targets[i], createdAt: Date.now() };
    if (d.value !== undefined) entry.base = d.value;
    d.value = lib.applyMutation(d.value, input, o.config.keyPaths[d.collection]);
    return entry;
  });
  const collections = [...new Set(found.map((d) => d.collection))];
  await Promise.all([...collections.map((c) => writeDocs(lib, tx, c, found.filter((d) => d.collection === c))), tx.collection('$outbox').bulkPut(entries)]);
}
