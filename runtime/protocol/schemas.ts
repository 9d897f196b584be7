// Valibot schemas for protocol v1 bodies. Servers validate every request with them; clients may
// validate responses. Each schema is typed against the hand-written wire types in types.ts, so the
// two cannot drift apart.
import * as v from 'valibot';
import { MAX_MUTATIONS_PER_PUSH, PROTOCOL_VERSION } from './version.js';
import { MAX_CLIENT_ID_LENGTH, MAX_NAME_LENGTH, MAX_NESTING_DEPTH, RESERVED_FIELDS, checkJsonValue, isWellFormed, reservedFieldMessage } from './values.js';
import type {
  BuiltinMutationName,
  DocumentValue,
  LoginRequest,
  LoginResponse,
  Mutation,
  PokeEvent,
  PullRequest,
  PullResponse,
  PushRequest,
  PushResponse,
} from './types.js';

const BUILTIN_NAMES: ReadonlySet<string> = new Set<BuiltinMutationName>(['put', 'patch', 'delete', 'addToSet', 'removeFromSet']);

const name = (what: string, max: number) =>
  v.pipe(
    v.string(`${what} must be a string`),
    v.minLength(1, `${what} must not be empty`),
    v.maxLength(max, `${what} must be at most ${max} characters`),
    v.check(isWellFormed, `${what} must be well-formed Unicode (it has a lone UTF-16 surrogate)`),
  );

/**
 * An array of at most `max` items, its length checked before its items: `v.array` checks every
 * item first, so 500 000 bad ones in a 1 MiB body made as many issues (a second of CPU).
 */
const boundedArray = <T>(item: v.GenericSchema<unknown, T>, notArray: string, max: number, tooLong: string) =>
  v.pipe(v.array(v.unknown(), notArray), v.maxLength(max, tooLong), v.array(item, notArray));

/** A JSON value checked by {@link checkJsonValue}; its own path prefixes the problem it reports. */
const checkedJson = <T>(what: string, topLevel: boolean) =>
  v.rawCheck<T>(({ dataset, addIssue }) => {
    if (!dataset.typed) return;
    const problem = checkJsonValue(dataset.value, { depth: MAX_NESTING_DEPTH, topLevel }, what);
    if (problem) addIssue({ message: problem });
  });

const collection = v.pipe(name('collection', MAX_NAME_LENGTH.collection), v.regex(/^[A-Za-z0-9_.-]+$/, 'collection may only use letters, digits, _ . -'));
const key = name('key', MAX_NAME_LENGTH.key);
const clientId = name('clientId', MAX_CLIENT_ID_LENGTH);
const mutationId = v.pipe(v.number('id must be a number'), v.safeInteger('id must be an integer'), v.minValue(1, 'id must be at least 1'));
const rev = v.pipe(v.number('baseRev must be a number'), v.safeInteger('baseRev must be an integer'), v.minValue(0, 'baseRev must be 0 or more'));
// Not valibot's record(): it accepts arrays and silently drops `__proto__`/`constructor` keys.
// Every field is kept as sent or the whole value is refused with the path of the problem.
const documentValue = (what: string) =>
  v.pipe(
    v.custom<DocumentValue>((x) => typeof x === 'object' && x !== null && !Array.isArray(x), `${what} must be a JSON object, not an array or a primitive`),
    checkedJson<DocumentValue>(what, true),
  );
const protocol = v.literal(PROTOCOL_VERSION, `protocol must be ${PROTOCOL_VERSION}`);

const put = v.object({ id: mutationId, name: v.literal('put'), collection, key, baseRev: rev, value: documentValue('value') });
const patch = v.object({ id: mutationId, name: v.literal('patch'), collection, key, baseRev: rev, patch: documentValue('patch') });
const del = v.object({ id: mutationId, name: v.literal('delete'), collection, key, baseRev: rev });
const setOp = v.object({
  id: mutationId,
  name: v.picklist(['addToSet', 'removeFromSet']),
  collection,
  key,
  // A set op writes its field at the document's top level, like a put's value: the same names are refused.
  field: v.pipe(
    name('field', 128),
    v.check((f) => !RESERVED_FIELDS.includes(f), (issue) => reservedFieldMessage(String(issue.input))),
  ),
  values: boundedArray(
    v.union([v.pipe(v.string(), v.check(isWellFormed, 'set values must be well-formed Unicode (a lone UTF-16 surrogate)')), v.number()]),
    'values must be an array of strings or numbers',
    1000,
    'values may hold at most 1000 elements per set operation; split it',
  ),
});
const custom = v.object({
  id: mutationId,
  name: v.pipe(
    name('name', 128),
    v.check((n) => !BUILTIN_NAMES.has(n), 'built-in mutation has the wrong fields'),
  ),
  args: v.optional(v.pipe(v.unknown(), checkedJson<unknown>('args', false))),
});

/** One mutation: a built-in (`put`, `patch`, `delete`, `addToSet`, `removeFromSet`) or a custom one. */
export const MutationSchema: v.GenericSchema<unknown, Mutation> = v.variant('name', [put, patch, del, setOp, custom]);

/** Body of `POST /sync/v1/push`: mutation ids must be strictly increasing within the push. */
export const PushRequestSchema: v.GenericSchema<unknown, PushRequest> = v.object({
  protocol,
  clientId,
  mutations: boundedArray(MutationSchema, 'mutations must be an array', MAX_MUTATIONS_PER_PUSH, `a push may carry at most ${MAX_MUTATIONS_PER_PUSH} mutations; split it`),
});

/** Body of `POST /sync/v1/pull`. */
export const PullRequestSchema: v.GenericSchema<unknown, PullRequest> = v.object({
  protocol,
  clientId,
  cursor: v.nullable(v.pipe(v.string('cursor must be a string or null'), v.maxLength(256))),
  limit: v.optional(v.pipe(v.number('limit must be a number'), v.safeInteger('limit must be an integer'), v.minValue(1, 'limit must be at least 1'))),
});

/** Body of `POST /auth/v1/login`. */
export const LoginRequestSchema: v.GenericSchema<unknown, LoginRequest> = v.object({
  protocol: v.optional(protocol),
  user: name('user', MAX_NAME_LENGTH.user),
  password: v.pipe(v.string('password must be a string'), v.maxLength(1024)),
});

const current = v.union([
  v.object({ rev: v.number(), value: documentValue('value') }),
  v.object({ rev: v.number(), deleted: v.literal(true) }),
]);
const protocolError = v.object({ code: v.string(), message: v.string() });

/** Response of `POST /sync/v1/push` (for clients that check what a server sends). */
export const PushResponseSchema: v.GenericSchema<unknown, PushResponse> = v.object({
  results: v.array(
    v.variant('status', [
      v.object({ id: v.number(), status: v.literal('applied'), rev: v.number() }),
      v.object({ id: v.number(), status: v.literal('conflict'), current }),
      v.object({ id: v.number(), status: v.literal('rejected'), error: protocolError }),
      v.object({
        id: v.number(),
        status: v.literal('duplicate'),
        original: v.optional(
          v.variant('status', [
            v.object({ status: v.literal('applied'), rev: v.number() }),
            v.object({ status: v.literal('conflict'), current }),
            v.object({ status: v.literal('rejected'), error: protocolError }),
          ]),
        ),
      }),
    ]),
  ),
  lastMutationId: v.number(),
});

/** Response of `POST /sync/v1/pull`. */
export const PullResponseSchema: v.GenericSchema<unknown, PullResponse> = v.object({
  changes: v.array(
    v.union([
      v.object({ collection: v.string(), key: v.string(), rev: v.number(), value: documentValue('value'), deleted: v.optional(v.undefined()) }),
      v.object({ collection: v.string(), key: v.string(), rev: v.number(), deleted: v.literal(true), value: v.optional(v.undefined()) }),
    ]),
  ),
  cursor: v.string(),
  hasMore: v.boolean(),
  lastMutationIds: v.record(v.string(), v.number()),
});

/** Response of `POST /auth/v1/login`. */
export const LoginResponseSchema: v.GenericSchema<unknown, LoginResponse> = v.object({ token: v.string(), user: v.string() });

/** Data of a `poke` event. */
export const PokeEventSchema: v.GenericSchema<unknown, PokeEvent> = v.object({ cursor: v.string() });

/** The result of {@link parseProtocol}: the typed value, or a message naming the problems. */
export type ParseResult<T> = { ok: true; value: T } | { ok: false; message: string };

/** How many problems a {@link parseProtocol} message lists; the rest are counted ("and N more"). */
export const MAX_LISTED_ISSUES = 10;

/**
 * Checks `input` against a protocol schema and explains its problems in one message, each with
 * the path of the offending field: the first {@link MAX_LISTED_ISSUES}, then how many more.
 *
 * @example
 * const r = parseProtocol(PushRequestSchema, JSON.parse(body));
 * if (!r.ok) return reply(400, { error: { code: 'invalid-request', message: r.message } });
 */
export function parseProtocol<T>(schema: v.GenericSchema<unknown, T>, input: unknown): ParseResult<T> {
  const result = v.safeParse(schema, input);
  if (result.success) return { ok: true, value: result.output };
  const listed = result.issues.slice(0, MAX_LISTED_ISSUES).map((issue) => {
    const path = v.getDotPath(issue);
    return path ? `${path}: ${issue.message}` : issue.message;
  });
  const more = result.issues.length - listed.length;
  return { ok: false, message: listed.join('; ') + (more > 0 ? `; and ${more} more` : '') };
}
