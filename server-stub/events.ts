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

/** What ends a stream besides its client: its session (a token hash) ending, or its JWT's expiry. */
export interface StreamAuth {
  /** The token hash of the built-in session it was opened with. */
  session?: string;
  /** When the JWT it was opened with expires (ms since the epoch). */
  expiresAt?: number;
}

/** Options of {@link EventHub}. */
export interface EventHubOptions {
  /** Which of these token hashes still have a live session; checked at every heartbeat. */
  liveSessions?: (tokenHashes: string[]) => Promise<Set<string>>;
  /** The clock JWT expiries are compared with (ms since the epoch; the server's `now`). Default `Date.now`. */
  now?: () => number;
}

interface Stream extends StreamAuth {
  user: string;
  /** Set until its first cursor is read: pokes meanwhile are kept here (the newest), not written. */
  opening?: { cursor?: string };
}

/**
 * Open event streams, by user. A stream lasts no longer than what opened it: signing out ends the
 * session's streams here at once, and at every heartbeat the streams whose session was revoked
 * elsewhere (another node), expired or was ended by the session cap, and those whose JWT expired,
 * are ended. A stolen token's streams would otherwise hear of the user's every change, and hold
 * the user's stream slots, for as long as the thief kept them open, signed out or not.
 */
export class EventHub {
  readonly #streams = new Map<string, Set<ServerResponse>>();
  readonly #open = new Map<ServerResponse, Stream>();
  readonly #bySession = new Map<string, Set<ServerResponse>>();
  readonly #heartbeat: NodeJS.Timeout;
  readonly #liveSessions: EventHubOptions['liveSessions'];
  readonly #now: () => number;
  #checking = false;

  constructor(heartbeatMs: number, options: EventHubOptions = {}) {
    this.#liveSessions = options.liveSessions;
    this.#now = options.now ?? Date.now;
    this.#heartbeat = setInterval(() => {
      for (const [res, stream] of this.#open) if (!stream.opening) send(res, ': heartbeat\n\n');
      void this.#check();
    }, heartbeatMs);
    this.#heartbeat.unref();
  }

  /**
   * Opens a stream for `user` and sends the cursor `head` reads at once, unless the client's
   * Last-Event-ID already has it. The stream counts as the user's before that read: a change
   * committed while it runs pokes the stream too (right after that cursor), where it would
   * otherwise find no stream to poke and the client, caught up to the older cursor, would not sync.
   * Rejects as `head` does (nothing sent then).
   */
  async open(req: IncomingMessage, res: ServerResponse, user: string, head: () => Promise<string>, requestId: string, auth: StreamAuth = {}): Promise<void> {
    // The client hung up while the route awaited its session: 'close' has fired already,
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
    const opening: NonNullable<Stream['opening']> = {};
    const stream: Stream = { user, ...auth, opening };
    this.#open.set(res, stream);
    if (auth.session !== undefined) {
      const same = this.#bySession.get(auth.session) ?? new Set();
      this.#bySession.set(auth.session, same);
      same.add(res);
    }
    res.on('close', () => this.#drop(res));
    let cursor: string;
    try {
      cursor = await head();
    } catch (err) {
      this.#drop(res);
      throw err;
    } finally {
      stream.opening = undefined;
    }
    if (res.destroyed) return;
    res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-store',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
      'X-Request-Id': requestId,
    });
    res.write('retry: 1000\n\n');
    // Ended while its cursor was read (its session revoked, the server closing): the client reconnects.
    if (!this.#open.has(res)) return void res.end();
    if (req.headers['last-event-id'] !== cursor) res.write(poke(cursor));
    if (opening.cursor !== undefined && opening.cursor !== cursor) res.write(poke(opening.cursor));
    req.socket.setTimeout(0);
  }

  #drop(res: ServerResponse): void {
    const stream = this.#open.get(res);
    if (!stream) return;
    this.#open.delete(res);
    const set = this.#streams.get(stream.user);
    set?.delete(res);
    if (set?.size === 0) this.#streams.delete(stream.user);
    if (stream.session !== undefined) {
      const same = this.#bySession.get(stream.session);
      same?.delete(res);
      if (same?.size === 0) this.#bySession.delete(stream.session);
    }
  }

  /** Ends a stream: the client reconnects, and its token answers 401 if it is no longer good. */
  #end(res: ServerResponse): void {
    const opening = this.#open.get(res)?.opening;
    this.#drop(res);
    // One still opening is ended by open() once its cursor is read (nothing was written to it yet).
    if (!opening) res.end();
  }

  /** Ends the streams opened with this session (the token was revoked). */
  endSession(tokenHash: string): void {
    for (const res of [...(this.#bySession.get(tokenHash) ?? [])]) this.#end(res);
  }

  /** Ends the streams whose JWT expired or whose session is no longer live. */
  async #check(): Promise<void> {
    // Apart from the storage's check: one that hangs (the database unreachable) must not stop these.
    const now = this.#now();
    for (const [res, stream] of this.#open) if (stream.expiresAt !== undefined && stream.expiresAt <= now) this.#end(res);
    if (this.#checking) return;
    this.#checking = true;
    try {
      const sessions = [...this.#bySession.keys()];
      if (sessions.length === 0 || !this.#liveSessions) return;
      const live = await this.#liveSessions(sessions);
      for (const session of sessions) if (!live.has(session)) this.endSession(session);
    } catch {
      // The storage is down: the streams stay until a check can tell.
    } finally {
      this.#checking = false;
    }
  }

  /** Tells every open stream of `user` the newest cursor. */
  poke(user: string, cursor: string): void {
    for (const res of this.#streams.get(user) ?? []) {
      const opening = this.#open.get(res)?.opening;
      if (opening) opening.cursor = cursor;
      else send(res, poke(cursor));
    }
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
    for (const [res, stream] of this.#open) if (!stream.opening) res.end();
    this.#streams.clear();
    this.#open.clear();
    this.#bySession.clear();
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
