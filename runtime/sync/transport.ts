// HTTP for the sync protocol: one place that turns responses into outcomes the engine acts on.
import { PROTOCOL_VERSION, SYNC_PATHS } from '../protocol/version.js';
import type { PullResponse, PushRequest, PushResponse, Cursor } from '../protocol/types.js';
import { SyncRequestError } from './request-error.js';

export { SyncRequestError };

/** How the engine gets a bearer token. */
export type TokenSource = () => string | undefined | Promise<string | undefined>;

function retryAfter(res: Response): number | undefined {
  const h = res.headers.get('retry-after');
  if (!h) return undefined;
  const s = Number(h);
  if (Number.isFinite(s)) return Math.max(0, s * 1000);
  const at = Date.parse(h);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

/** POSTs JSON to a sync route and classifies the outcome. */
export async function postJson<T>(base: string, path: string, body: unknown, token: TokenSource, signal?: AbortSignal): Promise<T> {
  const t = await token();
  let res: Response;
  try {
    res = await fetch(new URL(path, base), {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(t ? { authorization: `Bearer ${t}` } : {}) },
      body: JSON.stringify(body),
      signal,
    });
  } catch (err) {
    throw new SyncRequestError('network', `Could not reach the sync server at ${base}: ${(err as Error).message}`);
  }
  if (res.ok) return (await res.json()) as T;
  let message = `${res.status} ${res.statusText}`;
  try {
    const j = (await res.json()) as { error?: { code?: string; message?: string } };
    if (j.error?.message) message = `${j.error.code ?? res.status}: ${j.error.message}`;
  } catch {
    // Not JSON: keep the status line.
  }
  const s = res.status;
  const kind = s === 401 ? 'auth' : s === 410 ? 'expired' : s === 426 ? 'upgrade' : s === 429 || s >= 500 ? 'retry' : 'invalid';
  throw new SyncRequestError(kind, message, s, retryAfter(res));
}

/** `POST /sync/v1/push`. */
export function push(base: string, body: Omit<PushRequest, 'protocol'>, token: TokenSource): Promise<PushResponse> {
  return postJson(base, SYNC_PATHS.push, { protocol: PROTOCOL_VERSION, ...body }, token);
}

/** `POST /sync/v1/pull`. */
export function pull(base: string, clientId: string, cursor: Cursor | null, limit: number, token: TokenSource): Promise<PullResponse> {
  return postJson(base, SYNC_PATHS.pull, { protocol: PROTOCOL_VERSION, clientId, cursor, limit }, token);
}

/**
 * Listens to `GET /sync/v1/events` and calls `onPoke` with each poke's cursor until `signal`
 * aborts. Uses fetch streaming rather than EventSource so the token travels in a header.
 * Resolves when the stream ends (the caller reconnects with backoff).
 */
export async function listenForPokes(base: string, token: TokenSource, onPoke: (cursor: string) => void, signal: AbortSignal): Promise<void> {
  const t = await token();
  const res = await fetch(new URL(SYNC_PATHS.events, base), { headers: { accept: 'text/event-stream', ...(t ? { authorization: `Bearer ${t}` } : {}) }, signal });
  if (!res.ok || !res.body) throw new SyncRequestError(res.status === 401 ? 'auth' : 'retry', `Event stream answered ${res.status}`, res.status);
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
