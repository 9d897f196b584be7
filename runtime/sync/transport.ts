// HTTP for the sync protocol: one place that turns responses into outcomes the engine acts on.
import { PROTOCOL_VERSION, SYNC_PATHS } from '../protocol/version.js';
import { ERROR_STATUS, FINAL_ERRORS, type ErrorCode, type Mutation, type PullResponse, type PushRequest, type PushResponse, type Cursor, type ProtocolError } from '../protocol/types.js';
import { SyncRequestError } from './request-error.js';

export { SyncRequestError };

/**
 * How the engine gets a bearer token: a function it calls before each request. One that can say
 * when its token changes (`session.token` from outpost/session) has `subscribe`: an engine paused at
 * `auth-required` tries again at each change, so a sign-in resumes it with no `setAuth`.
 */
export interface TokenSource {
  (): string | undefined | Promise<string | undefined>;
  /** Calls `onChange` when the token may have changed; returns a function that stops it. */
  subscribe?(onChange: () => void): () => void;
}

/**
 * The longest a `Retry-After` may hold sync off (1 hour, docs/sync.md): a header with a mistaken
 * value, or an HTTP-date read against a device clock that is far off, cannot stall sync for longer.
 */
export const MAX_RETRY_AFTER_MS = 3_600_000;

/**
 * A `Retry-After` header as a delay in milliseconds (undefined: none or unreadable), clamped to 0
 * to {@link MAX_RETRY_AFTER_MS}. Seconds are taken as they are; an HTTP-date can only be read
 * against the device's clock (`now`), so it is turned into a delay here, once: the scheduler then
 * waits on the monotonic clock, which no later change of the device's time moves.
 */
export function retryAfterMs(header: string | null, now = Date.now()): number | undefined {
  if (!header) return undefined;
  const s = Number(header);
  const ms = Number.isFinite(s) ? s * 1000 : Date.parse(header) - now;
  return Number.isNaN(ms) ? undefined : Math.min(MAX_RETRY_AFTER_MS, Math.max(0, ms));
}

type Route = keyof typeof FINAL_ERRORS;

// Enough of an unexpected body to recognise a proxy's or portal's page, not enough to flood a log.
const SNIPPET = 120;

function snippet(text: string): string {
  const s = text.replace(/\s+/g, ' ').trim();
  return s.length > SNIPPET ? `${s.slice(0, SNIPPET)}…` : s;
}

/** The protocol error in a body, when the sync server answered one (its code has this status). */
function protocolError(status: number, text: string): ProtocolError | undefined {
  try {
    const e = (JSON.parse(text) as { error?: { code?: unknown; message?: unknown } }).error;
    if (!e || typeof e.code !== 'string' || !Object.hasOwn(ERROR_STATUS, e.code)) return undefined;
    if (ERROR_STATUS[e.code as ErrorCode] !== status) return undefined;
    return { code: e.code, message: typeof e.message === 'string' ? e.message : '' };
  } catch {
    return undefined;
  }
}

/**
 * Turns a failed answer into a coded error. Only the sync server's own protocol error whose code
 * docs/protocol.md defines as final for this route becomes final (`request-refused`,
 * `cursor-expired`); anything else, such as a proxy's HTML 403, is retried and loses nothing.
 */
async function failure(res: Response, url: URL, route: Route): Promise<SyncRequestError> {
  const s = res.status;
  const text = await res.text().catch(() => '');
  const p = protocolError(s, text);
  const where = `POST ${url.href} answered ${s}${res.statusText ? ` ${res.statusText}` : ''}`;
  const said = p ? `${p.code}: ${p.message}` : `"${snippet(text)}"`;
  if (s === 401) return new SyncRequestError('auth-required', `${where} (${said}): the token was refused. Sign in again; pending changes are kept.`, s);
  if (s === 426) return new SyncRequestError('update-required', `${where} (${said}): the server needs a newer app version. Update the app; pending changes are kept.`, s);
  if (s === 429 || s >= 500) return new SyncRequestError('server-busy', `${where} (${said}). Retrying later; pending changes are kept.`, s, retryAfterMs(res.headers.get('retry-after')), p?.code);
  if (!p) {
    // A proxy's own limit, not the sync server's answer: only that may refuse a mutation. A batch
    // is halved on any 413 (cycle.ts), so this shows once a single mutation is refused.
    if (s === 413 && route === 'push') {
      return new SyncRequestError(
        'unexpected-response',
        `${where} with a body that is not the sync protocol's (${said}): a proxy or load balancer in front of the sync server refuses even a push of one mutation as too large. Raise its request body limit (e.g. nginx client_max_body_size) to the 1 MiB every sync server accepts. The mutation is kept and retried, never rejected for a proxy's answer.`,
        s,
      );
    }
    return new SyncRequestError(
      'unexpected-response',
      `${where} with a body that is not the sync protocol's (${said}): a proxy, captive portal or wrong sync URL is in the way. Pending changes are kept and retried; check the network and the sync URL.`,
      s,
      undefined,
    );
  }
  if ((FINAL_ERRORS[route] as readonly string[]).includes(p.code)) {
    return new SyncRequestError(route === 'pull' ? 'cursor-expired' : 'request-refused', `${where} (${said}).`, s, undefined, p.code);
  }
  return new SyncRequestError('protocol-error', `${where} (${said}). Pending changes are kept and retried.`, s, undefined, p.code);
}

/**
 * Aborts when `timeoutMs` pass or the device reports it went offline, whichever comes first;
 * `reason()` says which. A request unanswered when the network goes is given up at once rather
 * than waited on: Firefox can leave it pending for good (a fetch whose CORS preflight was on its
 * way when its emulated network went offline never settles, docs/sync.md), and elsewhere its
 * connection is likely dead. Safe, as any retry is: mutation ids make a resent push harmless.
 */
function requestSignal(timeoutMs: number): { signal: AbortSignal; reason(): 'timeout' | 'offline' | undefined; done(): void } {
  const ac = new AbortController();
  let why: 'timeout' | 'offline' | undefined;
  const stop = (r: 'timeout' | 'offline') => () => {
    why ??= r;
    ac.abort();
  };
  const timer = setTimeout(stop('timeout'), timeoutMs);
  const offline = stop('offline');
  // A service worker has no `offline` event; the timeout still bounds its requests there.
  globalThis.addEventListener?.('offline', offline);
  return {
    signal: ac.signal,
    reason: () => why,
    done: () => (clearTimeout(timer), globalThis.removeEventListener?.('offline', offline)),
  };
}

/** POSTs JSON to a sync route and classifies the outcome; `problem` says what is wrong with a 200 body (undefined: nothing). */
async function postJson<T>(base: string, route: Route, body: unknown, token: TokenSource, problem: (body: T) => string | undefined, timeoutMs = 60_000): Promise<T> {
  const url = new URL(SYNC_PATHS[route], base);
  const t = await token();
  // Covers the body too: an answer that stops half way is as stuck as one that never starts.
  const limit = requestSignal(timeoutMs);
  const abandoned = () => (limit.reason() === 'offline' ? wentOffline(url) : timedOut(url, timeoutMs));
  try {
    let res: Response;
    try {
      res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(t ? { authorization: `Bearer ${t}` } : {}) },
        body: JSON.stringify(body),
        signal: limit.signal,
      });
    } catch (err) {
      throw new SyncRequestError('network', limit.reason() ? abandoned() : `Could not reach the sync server at ${base} (POST ${url.href}: ${(err as Error).message}). Pending changes are kept and sent when it answers.`);
    }
    if (!res.ok) throw await failure(res, url, route);
    let text = '';
    let wrong = '';
    try {
      text = await res.text();
      const parsed = JSON.parse(text) as T;
      wrong = isObject(parsed) ? (problem(parsed) ?? '') : 'not a JSON object';
      if (!wrong) return parsed;
    } catch (err) {
      // A connection cut while reading the body is a network failure, not a strange answer.
      if (!(err instanceof SyntaxError)) throw new SyncRequestError('network', limit.reason() ? abandoned() : `The answer to POST ${url.href} was cut off (${(err as Error).message}). Pending changes are kept and retried.`);
    }
    throw new SyncRequestError('unexpected-response', `POST ${url.href} answered ${res.status} with a body that is not a sync ${route} response (${wrong ? `${wrong}: ` : ''}"${snippet(text)}"): a proxy, captive portal, wrong sync URL or a server that does not follow the sync protocol is in the way. Pending changes are kept and retried.`, res.status);
  } finally {
    limit.done();
  }
}

function timedOut(url: URL, ms: number): string {
  return `POST ${url.href} had no complete answer within ${ms / 1000} s (a proxy holding requests or a dead connection). Pending changes are kept and retried; one the server applied meanwhile is acknowledged once. Raise requestTimeoutMs if the server is this slow.`;
}

function wentOffline(url: URL): string {
  return `POST ${url.href} was given up: the device went offline before its answer came. Pending changes are kept and sent once it is back online; one the server applied meanwhile is acknowledged once.`;
}

// Shape checks only, not protocol/schemas.ts's PushResponseSchema and PullResponseSchema: those
// walk every pulled value (checkedJson), work an initial sync of 50,000 documents would pay for
// each, and would bring valibot into this chunk. The engine needs the shape to act safely.
const isObject = (x: unknown): x is Record<string, unknown> => !!x && typeof x === 'object' && !Array.isArray(x);
const isRev = (x: unknown) => Number.isSafeInteger(x) && (x as number) >= 0;

/**
 * What is wrong with one push result (undefined: nothing). The engine acts on each: a result that
 * answers another mutation than the one sent in its place, or lacks what its status needs, would
 * drop or stall a mutation, and an answer with no result would be pushed again at once, for good.
 */
function resultProblem(x: unknown, id: number): string | undefined {
  if (!isObject(x) || x.id !== id) return `does not answer mutation ${id}, the one sent in its place`;
  // A duplicate's `original` (the first answer, which the engine then acts on) is checked as a result of its own.
  const o = x.original;
  const ok = { applied: isRev(x.rev), duplicate: o === undefined || (isObject(o) && o.status !== 'duplicate' && !resultProblem({ ...o, id }, id)), rejected: isObject(x.error) && typeof x.error.code === 'string', conflict: isObject(x.current) && isRev(x.current.rev) && (x.current.deleted === true || isObject(x.current.value)) }[x.status as string];
  return ok === undefined ? `has an unknown status ${JSON.stringify(x.status)}` : ok ? undefined : `(${String(x.status)}) lacks its rev, error or current document, or its original is not a result`;
}

/** `POST /sync/v1/push`; `timeoutMs` bounds the wait for the whole answer (default 60 s). */
export function push(base: string, body: Omit<PushRequest, 'protocol'>, token: TokenSource, timeoutMs?: number): Promise<PushResponse> {
  const sent: Mutation[] = body.mutations;
  return postJson<PushResponse>(base, 'push', { protocol: PROTOCOL_VERSION, ...body }, token, ({ results }: { results: unknown }) => {
    // One result per mutation, in order, for the first of them at least (docs/protocol.md).
    if (!Array.isArray(results) || !results.length || results.length > sent.length) return `'results' does not hold 1 to ${sent.length} results`;
    for (const [i, r] of results.entries()) {
      const wrong = resultProblem(r, sent[i].id);
      if (wrong) return `results[${i}] ${wrong}`;
    }
  }, timeoutMs);
}

/** `POST /sync/v1/pull`; `timeoutMs` as for {@link push}. */
export function pull(base: string, clientId: string, cursor: Cursor | null, limit: number, token: TokenSource, timeoutMs?: number): Promise<PullResponse> {
  return postJson<PullResponse>(base, 'pull', { protocol: PROTOCOL_VERSION, clientId, cursor, limit }, token, (r) => {
    const ids: unknown = r.lastMutationIds;
    if (typeof r.cursor !== 'string' || typeof r.hasMore !== 'boolean') return `'cursor' is not a string or 'hasMore' not true or false`;
    if (!isObject(ids) || !Object.values(ids).every(isRev)) return `'lastMutationIds' is not an object of client ids and mutation ids`;
    if (!Array.isArray(r.changes)) return `'changes' is not a list`;
    const i = (r.changes as unknown[]).findIndex((c) => !isObject(c) || typeof c.collection !== 'string' || typeof c.key !== 'string' || !isRev(c.rev) || (c.deleted !== true && !isObject(c.value)));
    if (i >= 0) return `changes[${i}] is not { collection, key, rev, value } or a tombstone`;
  }, timeoutMs);
}

/**
 * Listens to `GET /sync/v1/events` and calls `onPoke` with each poke's cursor until `signal`
 * aborts. Uses fetch streaming rather than EventSource so the token travels in a header.
 * Resolves when the stream ends (the caller reconnects with backoff).
 */
export async function listenForPokes(base: string, token: TokenSource, onPoke: (cursor: string) => void, signal: AbortSignal, onOpen?: () => void): Promise<void> {
  const t = await token();
  // Until it opens, the stream is given up on `offline` as a push is (requestSignal): Firefox can
  // leave its fetch pending for good, and no poke would come until the engine restarts.
  const stream = new AbortController();
  const stop = () => stream.abort();
  signal.addEventListener('abort', stop);
  if (signal.aborted) stop();
  globalThis.addEventListener?.('offline', stop);
  try {
    return await readPokes(base, t, onPoke, stream.signal, () => (globalThis.removeEventListener?.('offline', stop), onOpen?.()));
  } finally {
    signal.removeEventListener('abort', stop);
    globalThis.removeEventListener?.('offline', stop);
  }
}

async function readPokes(base: string, t: string | undefined, onPoke: (cursor: string) => void, signal: AbortSignal, onOpen: () => void): Promise<void> {
  const res = await fetch(new URL(SYNC_PATHS.events, base), { headers: { accept: 'text/event-stream', ...(t ? { authorization: `Bearer ${t}` } : {}) }, signal });
  if (!res.ok || !res.body) throw new SyncRequestError(res.status === 401 ? 'auth-required' : 'unexpected-response', `GET ${res.url} (event stream) answered ${res.status}`, res.status);
  onOpen();
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += value;
    let end: number;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const event = /^event: ?(.*)$/m.exec(block)?.[1];
      const data = /^data: ?(.*)$/m.exec(block)?.[1];
      if (event === 'poke' && data) {
        try {
          onPoke((JSON.parse(data) as { cursor: string }).cursor);
        } catch {
          // A malformed poke is only a hint; the periodic pull still runs.
        }
      }
    }
  }
}
