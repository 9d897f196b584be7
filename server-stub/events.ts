// Server-Sent Events: one stream per open client, a `poke` with the newest cursor whenever the
// user's data changes, heartbeat comments in between.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { HttpError } from './http.js';

/** Most open event streams per user; more answer 429 (a leak in a client shows up fast). */
export const MAX_STREAMS_PER_USER = 32;

/** Open event streams, by user. */
export class EventHub {
  readonly #streams = new Map<string, Set<ServerResponse>>();
  readonly #heartbeat: NodeJS.Timeout;

  constructor(heartbeatMs: number) {
    this.#heartbeat = setInterval(() => {
      for (const set of this.#streams.values()) for (const res of set) res.write(': heartbeat\n\n');
    }, heartbeatMs);
    this.#heartbeat.unref();
  }

  /** Opens a stream for `user`; sends `cursor` at once unless the client's Last-Event-ID already has it. */
  open(req: IncomingMessage, res: ServerResponse, user: string, cursor: string, requestId: string): void {
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
    for (const res of this.#streams.get(user) ?? []) res.write(poke(cursor));
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

function poke(cursor: string): string {
  return `event: poke\nid: ${cursor}\ndata: ${JSON.stringify({ cursor })}\n\n`;
}
