// A collection's words live in a side object store, `$words/<collection>`: one entry `{ k: key,
// w: words }` per record, indexed multiEntry on `w` for prefix search. Kept apart from the record
// so a write that leaves the words alone (a label change) rewrites none of the word index's ~100
// entries per record: the entry is written only when the words change (collection.ts).
import { WORDS_FIELD } from '../protocol/fields.js';

// Was the record's hidden word field (before layout 1); records stored then may still carry it.
export { WORDS_FIELD };

/** The side object store holding a collection's words. */
export const wordsStore = (collection: string) => `${WORDS_FIELD}/${collection}`;

/** Lower-cased, Unicode-aware words of `text`, e.g. "Ünïcode wörds!" → ["ünïcode", "wörds"]. */
export function tokenize(text: string): string[] {
  return text.toLocaleLowerCase().normalize('NFC').match(/[\p{L}\p{N}]+/gu) ?? [];
}

/**
 * The text the words of `value` come from: the listed fields' strings, one per line, reached by
 * dotted paths that step into objects and across arrays (`'to.email'` on `to: [{ email }, …]`).
 * A line break ends a word and never changes how its neighbours lower-case or normalize, so its
 * words are the fields' words (the side store keeps a fingerprint of it, word-index.ts).
 */
export function textOf(value: Record<string, unknown>, fields: readonly string[]): string {
  const texts: string[] = [];
  for (const field of fields) {
    let parts: unknown[] = [value];
    for (const step of field.split('.')) {
      parts = parts.flatMap((p) => (p !== null && typeof p === 'object' ? [(p as Record<string, unknown>)[step]] : [])).flat();
    }
    for (const p of parts) if (typeof p === 'string') texts.push(p);
  }
  return texts.join('\n');
}

/** The distinct words of the listed fields of `value` (see {@link textOf}), in order of first use. */
export const wordsOf = (value: Record<string, unknown>, fields: readonly string[]): string[] => [...new Set(tokenize(textOf(value, fields)))];
