// The server's configurable input limits, and the checks a push gets before anything is applied.
import { DEFAULT_LIMITS, MAX_NESTING_DEPTH, checkJsonValue, type Mutation, type PushRequest, type PutMutation } from '../runtime/protocol/index.js';
import { HttpError } from './http.js';
import type { Rate } from './rate-limit.js';

/** Limits of a running server; each has a CLI flag (named in the errors it causes). */
export interface StubLimits {
  /** Largest document, as UTF-8 JSON bytes (`--max-document`). Default 256 KiB. */
  documentBytes: number;
  /** Deepest nesting of objects/arrays in a document or args (`--max-depth`, at most 64). Default 32. */
  depth: number;
  /** Most elements of a set field (`--max-set`). Default 10 000. */
  setSize: number;
  /** A pull page ends once its changes pass this many bytes (`--max-pull-bytes`). Default 4 MiB. */
  pullBytes: number;
  /**
   * Largest push answer, as JSON bytes (`--max-push-response`). Default 32 MiB: the official client's
   * batch of 100 mutations, one per document, all conflicting on 256 KiB documents, still fits.
   */
  pushResponseBytes: number;
  /**
   * A push stops taking mutations once the documents it wrote pass this many JSON bytes
   * (`--max-push-writes`): it answers those it applied and the client sends the rest again. A small
   * set op or patch rewrites its whole document, so without it one push of 1000 such ops on a
   * 170 KB document wrote 170 MB and held the server for seconds. Default 8 MiB.
   */
  pushWriteBytes: number;
  /**
   * Client ids per user (`--max-clients`): a push from a new client id past it is refused (409
   * `too-many-clients`). Each pull lists every client of its user and each client row keeps its
   * latest push's outcomes, so without it one token could grow its user's pulls and rows without
   * end. Default 1000 (a new client id comes with each new browser profile or cleared site data).
   */
  clientsPerUser: number;
  /**
   * Live sessions (sign-ins) per user (`--max-sessions`): each sign-in past it ends the user's least
   * recently used ones. Every sign-in also deletes expired sessions, so the table cannot grow
   * without end. Default 100.
   */
  sessionsPerUser: number;
  /**
   * Pushes and pulls per user in flight at once on a node (`--max-in-flight`), each counted until
   * its answer is sent to the client; past it, 429. An engine has one at a time, so this is room
   * for many devices; without it, a token that sends many pulls and never reads the answers would
   * hold all their bytes in the server's memory. Default 32; `Infinity` (`off`) for load tests.
   */
  requestsInFlightPerUser: number;
  /** Pushes per user (`--push-rate`). Default 1200 per minute. */
  pushRate: Rate;
  /**
   * Pulls per user (`--pull-rate`). Each pull is bounded (`pullBytes`, 1000 changes), but without a
   * rate one token could have the server read and send pages without end. Default 3600 per
   * minute: a first sync's pages come back to back, from each of a user's devices.
   */
  pullRate: Rate;
  /** Failed logins per user name and per client address (`--login-rate`). Default 10 per minute. */
  loginRate: Rate;
}

/** The defaults of {@link StubLimits}. */
export const DEFAULT_STUB_LIMITS: StubLimits = {
  ...DEFAULT_LIMITS,
  pushResponseBytes: 32 * 1024 * 1024,
  pushWriteBytes: 8 * 1024 * 1024,
  clientsPerUser: 1000,
  sessionsPerUser: 100,
  requestsInFlightPerUser: 32,
  pushRate: { count: 1200, periodMs: 60_000 },
  pullRate: { count: 3600, periodMs: 60_000 },
  loginRate: { count: 10, periodMs: 60_000 },
};

/** Fills in defaults and checks ranges. @throws Error naming the option. */
export function resolveLimits(partial: Partial<StubLimits> = {}): StubLimits {
  const limits = { ...DEFAULT_STUB_LIMITS, ...partial };
  for (const key of ['documentBytes', 'depth', 'setSize', 'pullBytes', 'pushResponseBytes', 'pushWriteBytes', 'clientsPerUser', 'sessionsPerUser'] as const) {
    if (!Number.isSafeInteger(limits[key]) || limits[key] < 1) throw new Error(`limits.${key} must be a whole number of 1 or more, got ${limits[key]}.`);
  }
  if (limits.requestsInFlightPerUser !== Infinity && (!Number.isSafeInteger(limits.requestsInFlightPerUser) || limits.requestsInFlightPerUser < 1)) {
    throw new Error(`limits.requestsInFlightPerUser (--max-in-flight) must be a whole number of 1 or more, or Infinity (off), got ${limits.requestsInFlightPerUser}.`);
  }
  // One conflict carries a whole document: below this, a single mutation could never be answered.
  if (limits.pushResponseBytes < limits.documentBytes + 4096) {
    throw new Error(`limits.pushResponseBytes (--max-push-response) must be at least limits.documentBytes (--max-document) + 4096 = ${limits.documentBytes + 4096}, got ${limits.pushResponseBytes}.`);
  }
  if (limits.depth > MAX_NESTING_DEPTH) throw new Error(`limits.depth (--max-depth) may be at most ${MAX_NESTING_DEPTH}, got ${limits.depth}.`);
  return limits;
}

/** UTF-8 bytes of a value's JSON. */
export function jsonBytes(value: unknown): number {
  return Buffer.byteLength(JSON.stringify(value));
}

// A put's value as JSON and its UTF-8 size, by mutation: the size check below and the write of a
// plain push (push-writes.ts) both need it, and serialising it twice was ~2 % of a push's CPU.
const putJsonCache = new WeakMap<PutMutation, { json: string; bytes: number }>();

/** A put's value as JSON text and its UTF-8 bytes, serialised once per mutation object. */
export function putJson(m: PutMutation): { json: string; bytes: number } {
  let entry = putJsonCache.get(m);
  if (entry === undefined) {
    const json = JSON.stringify(m.value);
    putJsonCache.set(m, (entry = { json, bytes: Buffer.byteLength(json) }));
  }
  return entry;
}

/** What is wrong with a document over `--max-document`: a push's 413 and a handler's rejection say the same. */
export function documentTooLargeMessage(where: string, bytes: number, limits: { documentBytes: number }): string {
  return `${where} would be ${bytes} bytes of JSON; this server's limit is ${limits.documentBytes} (--max-document). Store large content elsewhere or split the document.`;
}

/** 413 `document-too-large` naming the document, its size, the limit and its flag. */
export function documentTooLarge(where: string, bytes: number, limits: StubLimits): HttpError {
  return new HttpError('document-too-large', documentTooLargeMessage(where, bytes, limits));
}

/**
 * Checks what can be checked from the request alone: nesting depth of every value, patch and args,
 * and the size of every put value. Throws the first problem as a 4xx; nothing is applied then.
 */
export function checkPushLimits(push: PushRequest, limits: StubLimits): void {
  refuseNul(push.clientId, 'clientId');
  push.mutations.forEach((m, i) => {
    const at = `mutations[${i}]`;
    if ('key' in m) refuseNul(m.key, `${at}.key`);
    for (const [field, value] of entries(m)) {
      const problem = checkJsonValue(value, { depth: limits.depth }, `${at}.${field}`);
      if (problem) throw new HttpError('invalid-request', `The request body does not match sync protocol v1: ${problem}.`);
    }
    if (m.name === 'put') {
      const { bytes } = putJson(m as PutMutation);
      if (bytes > limits.documentBytes) throw documentTooLarge(`${at}.value (${m.name} ${(m as { collection: string }).collection}/${(m as { key: string }).key})`, bytes, limits);
    }
  });
}

function entries(m: Mutation): Array<[string, unknown]> {
  const out: Array<[string, unknown]> = [];
  for (const field of ['value', 'patch', 'args'] as const) if (Object.hasOwn(m, field)) out.push([field, (m as unknown as Record<string, unknown>)[field]]);
  return out;
}

/**
 * 400 for U+0000 in a string the storage keeps as text (keys, client ids). PostgreSQL text cannot
 * hold it: the write failed as a storage error (503, retried forever) and took every push batched
 * with it down too. Refused on every backend, so an app behaves the same on SQLite and PostgreSQL.
 */
function refuseNul(text: string, path: string): void {
  if (text.includes('\0')) {
    throw new HttpError('invalid-request', `The request body does not match sync protocol v1: ${path} contains the character U+0000 (NUL), which this server cannot store. Remove it (e.g. use a UUID or another separator).`);
  }
}
