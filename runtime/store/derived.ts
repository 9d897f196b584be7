// Hidden fields the store derives from each record so IndexedDB can index them: computed indexes
// (words live in a side store, see words.ts). Filled on every write, removed on every read.
import type { CollectionSchema, ComputedIndex } from './schema.js';
import { WORDS_FIELD } from './words.js';

// Hidden field holding the values of a record's computed indexes, keyed by index name (reserved on the wire).
export { COMPUTED_FIELD } from '../protocol/fields.js';
import { COMPUTED_FIELD, REV_FIELD } from '../protocol/fields.js';

const computedCache = new WeakMap<CollectionSchema, Array<[string, ComputedIndex]>>();

function computedOf(schema: CollectionSchema): Array<[string, ComputedIndex]> {
  let found = computedCache.get(schema);
  if (!found) {
    found = Object.entries(schema.indexes ?? {}).filter((e): e is [string, ComputedIndex] => typeof e[1] === 'object' && 'compute' in e[1]);
    computedCache.set(schema, found);
  }
  return found;
}

/** `value` with its hidden fields (re)computed, for writing. */
export function prepareRecord(value: Record<string, unknown>, schema: CollectionSchema): Record<string, unknown> {
  const computed = computedOf(schema);
  // Records of a collection with words may carry the field layout 0 kept.
  if (!schema.words?.length && !computed.length) return value;
  // A fresh object without stale hidden fields; they are derived from it before being added.
  const record: Record<string, unknown> = stripRecord(value, true);
  const values: Record<string, unknown> = {};
  for (const [name, index] of computed) {
    const key = index.compute(record);
    if (key !== undefined) values[name] = key;
  }
  // Sync's rev of the record survives (stripRecord dropped it with the other hidden fields).
  if (REV_FIELD in value) record[REV_FIELD] = value[REV_FIELD];
  if (computed.length) record[COMPUTED_FIELD] = values;
  return record;
}

/**
 * `value` without its hidden fields (sync's rev included), as the app stored it: `value` itself
 * when it has none (a page of a words-only collection is not copied row by row), unless `copy`.
 */
export function stripRecord<T>(value: T, copy?: boolean): T {
  if (!copy && !(value != null && (WORDS_FIELD in (value as object) || COMPUTED_FIELD in (value as object) || REV_FIELD in (value as object)))) return value;
  const { [WORDS_FIELD]: _w, [COMPUTED_FIELD]: _c, [REV_FIELD]: _r, ...plain } = value as Record<string, unknown>;
  return plain as T;
}
