// The client store's hidden index fields: the store adds them to records it indexes, so a document
// on the wire may not carry them (they are in `RESERVED_FIELDS`).

/** Hidden field holding a record's word tokens (prefix search). */
export const WORDS_FIELD = '$words';

/** Hidden field holding the values of a record's computed indexes. */
export const COMPUTED_FIELD = '$computed';
