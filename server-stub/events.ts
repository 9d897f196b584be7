// Server-Sent Events: one stream per open client, a `poke` with the newest cursor whenever the
// user's data changes, heartbeat comments in between.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { HttpError } from './http.js';

/** Most open event streams per user; more answer 429 (a leak in a client shows up fast). */
export const MAX_STREAMS_PER_USER = 32;

// Most bytes a stream may have waiting in memory. A client that stops reading (its socket's
// buffers full) is cut off instead of buffering every poke and heartbeat for ever; pokes carry
// only the newest cursor, so on reconnecting it loses nothing.
const MAX_UNSENT_BYTES = 64 * 1024;

/** Open event streams, by user. */
export class EventHub {
  readonly #streams = new Map<string, Set<ServerResponse>>();
  readonly #heartbeat: NodeJS.Timeout;

  constructor(heartbeatMs: number) {
    this.#heartbeat = setInterval(() => {
      for (const set of this.#streams.values()) for (const res of set) send(res, ': heartbeat\n\n');
    }, heartbeatMs);
    this.#heartbeat.unref();
  }

  /** Opens a stream for `user`; sends `cursor` at once unless the client's Last-Event-ID already has it. */
  open(req: IncomingMessage, res: ServerResponse, user: string, cursor: string, requestId: string): void {
    // The client hung up while the route awaited its session and cursor: 'close' has fired already,
    // so a stream added now would hold one of the user's slots for ever.
    if (res.destroyed) return;
    const set = this.#streams.get(user) ?? new Set();
    if (set.size >= MAX_STREAMS_PER_USER) {
      throw new HttpError('too-many-requests', `User '${user}' already has ${MAX_STREAMS_PER_USER} open event streams. Close unused EventSources (one per tab is enough).`, {
        'Retry-After': '5',
      });
    }
    this.#streams.set(user, set);
    set.add(res);
    res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-store',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
      'X-Request-Id': requestId,
    });
    res.write('retry: 1000\n\n');
    if (req.headers['last-event-id'] !== cursor) res.write(poke(cursor));
    const drop = () => {
      set.delete(res);
      if (set.size === 0 && this.#streams.get(user) === set) this.#streams.delete(user);
    };
    req.socket.setTimeout(0);
    res.on('close', drop);
  }

  /** Tells every open stream of `user` the newest cursor. */
  poke(user: string, cursor: string): void {
    for (const res of this.#streams.get(user) ?? []) send(res, poke(cursor));
  }

  /** Users with at least one open stream here. */
  users(): string[] {
    return [...this.#streams.keys()];
  }

  /** True when `user` has an open stream here. */
  has(user: string): boolean {
    return this.#streams.has(user);
  }

  /** Ends every stream (server shutdown). */
  close(): void {
    clearInterval(this.#heartbeat);
    for (const set of this.#streams.values()) for (const res of set) res.end();
    this.#streams.clear();
  }
}

function send(res: ServerResponse, text: string): void {
  // Destroying emits 'close', which drops the stream from its user's set.
  if (res.writableLength > MAX_UNSENT_BYTES) res.destroy();
  else res.write(text);
}

function poke(cursor: string): string {
  return `event: poke\nid: ${cursor}\ndata: ${JSON.stringify({ cursor })}\n\n`;
}
