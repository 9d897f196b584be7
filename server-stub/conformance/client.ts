// A minimal protocol client for the conformance checks: plain fetch, nothing from the runtime, so
// it judges the server alone.
import { PROTOCOL_VERSION, SYNC_PATHS, type Cursor } from '../../runtime/protocol/index.js';

/** A reply: status and parsed JSON body (undefined if the body was not JSON). */
export interface Reply {
  status: number;
  // The checks inspect arbitrary server output; they assert its shape themselves.
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  headers: Headers;
}

/** Thrown by `expect` when a server's answer breaks the protocol. */
export class ConformanceError extends Error {}

/** Fails the current check with `message` unless `condition` holds. */
export function expect(condition: unknown, message: string): asserts condition {
  if (!condition) throw new ConformanceError(message);
}

/** Sends a request and parses the reply; network errors propagate. */
export async function send(base: string, path: string, init: { method?: string; token?: string; body?: unknown; raw?: string; contentType?: string } = {}): Promise<Reply> {
  const headers: Record<string, string> = {};
  if (init.token) headers.Authorization = `Bearer ${init.token}`;
  let body: string | undefined = init.raw;
  if (init.body !== undefined) body = JSON.stringify(init.body);
  if (body !== undefined) headers['Content-Type'] = init.contentType ?? 'application/json';
  const res = await fetch(base + path, { method: init.method ?? (body === undefined ? 'GET' : 'POST'), headers, body });
  const text = await res.text();
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  return { status: res.status, body: parsed, headers: res.headers };
}

/** Checks an error reply: status, JSON `{ error: { code, message } }`, and the code. */
export function expectError(r: Reply, status: number, code: string, what: string): void {
  expect(r.status === status, `${what}: expected HTTP ${status}, got ${r.status} ${JSON.stringify(r.body)}`);
  expect(r.body?.error && typeof r.body.error.message === 'string', `${what}: expected a JSON body { error: { code, message } }, got ${JSON.stringify(r.body)}`);
  expect(r.body.error.code === code, `${what}: expected error code '${code}', got '${r.body.error.code}'`);
}

/** One signed-in protocol client with its own clientId and mutation ids. */
export class SyncClient {
  readonly clientId = `conformance-${Math.random().toString(36).slice(2)}-${Date.now().toString(36)}`;
  #nextId = 1;
  constructor(
    readonly base: string,
    readonly token: string,
  ) {}

  /** Logs in and returns a client. */
  static async login(base: string, user: string, password: string): Promise<SyncClient> {
    const r = await send(base, SYNC_PATHS.login, { body: { user, password } });
    expect(r.status === 200 && typeof r.body?.token === 'string', `login as '${user}' should answer 200 { token, user }, got ${r.status} ${JSON.stringify(r.body)}`);
    return new SyncClient(base, r.body.token);
  }

  /** Pushes mutations, giving each the next id (unless it has one). */
  push(mutations: Array<Record<string, unknown>>): Promise<Reply> {
    const withIds = mutations.map((m) => ('id' in m ? m : { id: this.#nextId++, ...m }));
    return send(this.base, SYNC_PATHS.push, { token: this.token, body: { protocol: PROTOCOL_VERSION, clientId: this.clientId, mutations: withIds } });
  }

  /** Reserves `n` ids (for hand-built pushes). */
  ids(n: number): number[] {
    return Array.from({ length: n }, () => this.#nextId++);
  }

  pull(cursor: Cursor | null, limit?: number): Promise<Reply> {
    return send(this.base, SYNC_PATHS.pull, { token: this.token, body: { protocol: PROTOCOL_VERSION, clientId: this.clientId, cursor, ...(limit ? { limit } : {}) } });
  }

  /** Pulls every page from `cursor`; returns the changes and the final cursor. */
  async pullAll(cursor: Cursor | null, limit?: number): Promise<{ changes: any[]; cursor: Cursor; pages: number; lastMutationIds: Record<string, number> }> { // eslint-disable-line @typescript-eslint/no-explicit-any
    const changes = [];
    for (let pages = 1; ; pages++) {
      const r = await this.pull(cursor, limit);
      expect(r.status === 200, `pull should answer 200, got ${r.status} ${JSON.stringify(r.body)}`);
      expect(Array.isArray(r.body.changes) && typeof r.body.cursor === 'string' && typeof r.body.hasMore === 'boolean', `pull answered ${JSON.stringify(r.body).slice(0, 200)}: expected { changes, cursor, hasMore, lastMutationIds }`);
      changes.push(...r.body.changes);
      cursor = r.body.cursor;
      if (!r.body.hasMore) return { changes, cursor: r.body.cursor, pages, lastMutationIds: r.body.lastMutationIds };
      expect(pages < 10000, 'pull kept answering hasMore: true');
    }
  }

  /**
   * The cursor at the end of the user's data right now. Like a client's full resync it starts over
   * on 410: a tombstone compacted between two pages expires the resync's own cursor.
   */
  async head(): Promise<Cursor> {
    return (await this.resync()).cursor;
  }

  /** Pulls everything from `null`, starting over on 410 as a client's full resync does. */
  async resync(): ReturnType<SyncClient['pullAll']> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.pullAll(null, 1000);
      } catch (err) {
        if (!(err instanceof ConformanceError && / got 410 /.test(err.message)) || attempt >= 5) throw err;
      }
    }
  }
}
