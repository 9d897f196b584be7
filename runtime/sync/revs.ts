// Where sync keeps the server rev of each document: on the document's record (a hidden field the
// store keeps on writes and removes on reads), so a pulled document is one write; in `$revs` only
// while the document does not exist locally (deleted, or deleted by a pending mutation), and for
// records stored before revs moved onto them.
import type { StoreTransaction } from '../store/index.js';
import type { DocumentValue } from '../protocol/index.js';
import { COMPUTED_FIELD, REV_FIELD, WORDS_FIELD } from '../protocol/fields.js';
import { docId } from './schema.js';

type Rec = Record<string, unknown>;

/** The record as stored (hidden fields included), read in `tx`. */
export function stored(tx: StoreTransaction, collection: string, key: string): Promise<Rec | undefined> {
  return tx.stored(collection, key);
}

/** The server rev sync last saw for a document (0: never). */
export async function revOf(tx: StoreTransaction, collection: string, key: string): Promise<number> {
  return (await readDoc(tx, collection, key)).rev;
}

/**
 * A document's value (without hidden fields) and the server rev it is based on, from one read of
 * its record (`$revs` is read only when the record has no rev).
 */
export async function readDoc(tx: StoreTransaction, collection: string, key: string): Promise<{ value?: DocumentValue; rev: number }> {
  const record = await stored(tx, collection, key);
  const { [REV_FIELD]: rev, [WORDS_FIELD]: _w, [COMPUTED_FIELD]: _c, ...value } = record ?? {};
  return { value: record && (value as DocumentValue), rev: typeof rev === 'number' ? rev : (((await tx.collection('$revs').get(docId(collection, key)))?.rev as number | undefined) ?? 0) };
}

/** Writes a document's local value (undefined: deletes it) with the server rev it is based on. */
export async function writeDoc(tx: StoreTransaction, collection: string, key: string, value: DocumentValue | undefined, rev: number): Promise<void> {
  if (value === undefined) {
    await tx.collection(collection).delete(key);
    await tx.collection('$revs').put({ doc: docId(collection, key), rev });
  } else await tx.collection(collection).put({ ...value, [REV_FIELD]: rev });
}
