// The client store's hidden fields: the store adds them to records it indexes (and sync keeps the
// server rev on each synced record), so a document on the wire may not carry them (they are in
// `RESERVED_FIELDS`).

/** Hidden field holding a record's word tokens (prefix search). */
export const WORDS_FIELD = '$words';

/** Hidden field holding the values of a record's computed indexes. */
export const COMPUTED_FIELD = '$computed';

/**
 * Hidden field holding the server rev sync last saw for a record: kept on the record so an initial
 * sync writes each document once. Kept on writes that carry it, removed on every read.
 */
export const REV_FIELD = '$rev';
