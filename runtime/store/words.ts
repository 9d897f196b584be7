// Hidden field holding a record's word tokens, indexed multiEntry for prefix search (reserved on the wire).
export { WORDS_FIELD } from '../protocol/fields.js';

/** Lower-cased, Unicode-aware words of `text`, e.g. "Ünïcode wörds!" → ["ünïcode", "wörds"]. */
export function tokenize(text: string): string[] {
  return text.toLocaleLowerCase().normalize('NFC').match(/[\p{L}\p{N}]+/gu) ?? [];
}

/**
 * The distinct words of the listed fields of `value`: strings or arrays of strings, reached by
 * dotted paths that step into objects and across arrays (`'to.email'` on `to: [{ email }, …]`).
 */
export function wordsOf(value: Record<string, unknown>, fields: readonly string[]): string[] {
  const words = new Set<string>();
  for (const field of fields) {
    let parts: unknown[] = [value];
    for (const step of field.split('.')) {
      parts = parts.flatMap((p) => (p !== null && typeof p === 'object' ? [(p as Record<string, unknown>)[step]] : [])).flat();
    }
    for (const p of parts) if (typeof p === 'string') for (const w of tokenize(p)) words.add(w);
  }
  return [...words];
}
