// One dedicated LISTEN connection per node: commits on any node NOTIFY the changed user's name, and
// this node pokes its own event streams. After the connection drops it listens again (retrying while
// the database is down) and then reports `undefined`: pokes may have been missed, poke everyone.
import postgres, { type Sql } from 'postgres';

/** Keeps a LISTEN open on one channel across reconnects. */
export class PgListener {
  readonly #listeners: Array<(user: string | undefined) => void> = [];
  #sql: Sql;
  readonly #url: string;
  readonly #channel: string;
  #closed = false;
  #relistening = false;

  private constructor(url: string, channel: string) {
    this.#channel = channel;
    this.#url = url;
    this.#sql = this.#connect();
  }

  #connect(): Sql {
    // `onnotify` is postgres.js's per-connection hook (what its own `listen()` uses); ours re-listens
    // with retries, where `listen()` gives up if the database is still down when it notices the drop.
    const options = {
      max: 1,
      idle_timeout: null,
      max_lifetime: null,
      fetch_types: false,
      connect_timeout: 10,
      onnotice: () => undefined,
      onnotify: (ch: string, payload: string) => {
        if (ch === this.#channel) this.#emit(payload);
      },
      onclose: () => {
        if (this.#closed || this.#relistening) return;
        this.#relistening = true;
        void this.#relisten().finally(() => (this.#relistening = false));
      },
    };
    return postgres(this.#url, options as unknown as postgres.Options<Record<string, postgres.PostgresType>>);
  }

  /** Replaces the connection (it may be wedged by a driver bug) and listens again. */
  recycle(): void {
    if (this.#closed) return;
    const old = this.#sql;
    this.#sql = this.#connect();
    void old.end({ timeout: 0 }).catch(() => undefined);
    if (this.#relistening) return;
    this.#relistening = true;
    void this.#relisten().finally(() => (this.#relistening = false));
  }

  /** Connects and listens; rejects when the database cannot be reached now. */
  static async start(url: string, channel: string): Promise<PgListener> {
    const listener = new PgListener(url, channel);
    try {
      await listener.#listen();
    } catch (err) {
      listener.#closed = true;
      await listener.#sql.end({ timeout: 1 });
      throw err;
    }
    return listener;
  }

  /** Adds a callback: a user's name, or `undefined` after a reconnect. */
  add(listener: (user: string | undefined) => void): void {
    this.#listeners.push(listener);
  }

  #emit(user: string | undefined): void {
    for (const listener of this.#listeners) listener(user);
  }

  async #listen(): Promise<void> {
    await this.#sql.unsafe(`LISTEN "${this.#channel.replace(/"/g, '""')}"`);
  }

  async #relisten(): Promise<void> {
    for (let attempt = 0; !this.#closed; attempt++) {
      try {
        await this.#listen();
        this.#emit(undefined);
        return;
      } catch {
        // The database is still down: try again, backing off to one attempt a second.
        await new Promise((r) => setTimeout(r, Math.min(1000, 50 * 2 ** attempt)));
      }
    }
  }

  /** Stops listening and closes the connection. */
  async close(): Promise<void> {
    this.#closed = true;
    await this.#sql.end({ timeout: 1 });
  }
}
