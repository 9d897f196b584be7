// What a document value may contain, checked the same way wherever one crosses the wire: JSON
// objects whose keys and strings are well-formed Unicode, not nested too deep, without the field
// names the client store keeps for itself. The server refuses anything else with a 4xx instead of
// silently changing it (a lone surrogate would be stored as U+FFFD and read back as another key).

import { COMPUTED_FIELD, REV_FIELD, WORDS_FIELD } from './fields.js';

/**
 * Field names a document may not use: `__proto__` at any depth (JavaScript objects treat it as the
 * prototype, so it would vanish or pollute on the way through the client), and the store's hidden
 * fields at the top level.
 */
export const RESERVED_FIELDS: readonly string[] = ['__proto__', WORDS_FIELD, COMPUTED_FIELD, REV_FIELD];

/** Why `field` cannot be used: the message every refusal of a {@link RESERVED_FIELDS} name gives. */
export function reservedFieldMessage(field: string): string {
  return `'${field}' is a reserved field name (${RESERVED_FIELDS.join(', ')}); rename the field`;
}

/** Deepest nesting of objects and arrays any server must accept; servers may be configured lower. */
export const MAX_NESTING_DEPTH = 64;

/** Default limits of the reference server (each configurable there; see docs/security.md). */
export const DEFAULT_LIMITS = {
  /** Largest document (its JSON, in UTF-8 bytes): 256 KiB. */
  documentBytes: 256 * 1024,
  /** Deepest nesting of objects/arrays inside a document or custom mutation's args. */
  depth: 32,
  /** Most elements a set field (`addToSet`) may hold. */
  setSize: 10_000,
  /** A pull page stops once its changes pass this many bytes of JSON (then `hasMore`): 4 MiB. */
  pullBytes: 4 * 1024 * 1024,
} as const;

// In a `u` regex a surrogate range matches only unpaired surrogates: pairs are one code point.
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;

/** True when `text` has no lone surrogate (so it survives UTF-8 unchanged). */
export function isWellFormed(text: string): boolean {
  return !LONE_SURROGATE.test(text);
}

/**
 * Checks a JSON value (a document, a patch, a custom mutation's args) without recursion, so any
 * depth is safe to check. Returns undefined when it is fine, else a message naming the path of the
 * first problem, e.g. `value.to[2]: …`.
 *
 * @example
 * const problem = checkJsonValue(doc, { depth: 32, topLevel: true }, 'value');
 * if (problem) reply(400, problem);
 */
export function checkJsonValue(value: unknown, options: { depth: number; topLevel?: boolean }, path = 'value'): string | undefined {
  const stack: Array<{ value: unknown; path: string; depth: number }> = [{ value, path, depth: 0 }];
  while (stack.length) {
    const item = stack.pop()!;
    const v = item.value;
    if (typeof v === 'string') {
      if (!isWellFormed(v)) return `${item.path}: the string has a lone UTF-16 surrogate (not well-formed Unicode)`;
      continue;
    }
    if (typeof v !== 'object' || v === null) continue;
    if (item.depth >= options.depth) {
      return `${item.path}: nested deeper than ${options.depth} levels of objects and arrays (the server's nesting limit, --max-depth)`;
    }
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) stack.push({ value: v[i], path: `${item.path}[${i}]`, depth: item.depth + 1 });
      continue;
    }
    for (const key of Object.keys(v)) {
      const at = `${item.path}.${key}`;
      if (!isWellFormed(key)) return `${item.path}: the field name ${JSON.stringify(key)} has a lone UTF-16 surrogate (not well-formed Unicode)`;
      if (key === '__proto__' || (options.topLevel && item.depth === 0 && RESERVED_FIELDS.includes(key))) {
        return `${at}: ${reservedFieldMessage(key)}`;
      }
      stack.push({ value: (v as Record<string, unknown>)[key], path: at, depth: item.depth + 1 });
    }
  }
  return undefined;
}

/**
 * Longest user name, collection and document key (in UTF-16 code units) a request may name, and so
 * the longest the server stores: a sign-in's `user` or a JWT's `sub`, a mutation's `collection` and
 * `key` (docs/protocol.md). The server holds its handlers' writes to the same limits.
 */
export const MAX_NAME_LENGTH = { user: 128, collection: 64, key: 512 } as const;

/**
 * Longest `clientId` a request may carry (in UTF-16 code units, as JavaScript counts a string's
 * length; docs/protocol.md). Kept here, with the check clients make ({@link clientIdProblem}), not
 * in version.ts: only the network code needs it, and that module is in every app's start-up bundle.
 */
export const MAX_CLIENT_ID_LENGTH = 128;

/**
 * What is wrong with a client id (undefined: nothing), by the rules every request's `clientId`
 * must meet (docs/protocol.md): 1 to {@link MAX_CLIENT_ID_LENGTH} characters of well-formed
 * Unicode without U+0000 (a server's storage, e.g. PostgreSQL text, cannot hold it). A server
 * refuses any other with 400 `invalid-request`, whatever the push carries.
 */
export function clientIdProblem(id: string): string | undefined {
  if (!id.length || id.length > MAX_CLIENT_ID_LENGTH) return `it has ${id.length} characters; a client id has 1 to ${MAX_CLIENT_ID_LENGTH}`;
  if (id.includes('\0')) return 'it contains the character U+0000 (NUL), which servers cannot store';
  if (!isWellFormed(id)) return 'it has a lone UTF-16 surrogate (not well-formed Unicode)';
  return undefined;
}
