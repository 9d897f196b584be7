// The network side of sync: one leader per store (Web Locks) pushes the outbox and pulls pages;
// other tabs hand it their pushes over a BroadcastChannel. Runs in pages and service workers.
import type { Store } from '../store/index.js';
import type { DocumentValue, SetElement } from '../protocol/index.js';
import { DEFAULT_PULL_LIMIT } from '../protocol/version.js';
import { Outbox, type ConflictPolicy, type MutationOutcome, type Mutator } from './outbox.js';
import { SyncConflicts } from './conflicts.js';
import { docId, type OutboxEntry } from './schema.js';
import { StatusCell, type SyncStatus } from './status.js';
import { SyncRequestError } from './request-error.js';
import type { TokenSource } from './transport.js';

// HTTP loads with the first sync cycle, after the app has rendered from IndexedDB.
const transport = () => import('./transport.js');
const results = () => import('./server-results.js');

/** Options for {@link createSync}. */
export interface SyncOptions {
  /** The store; its schema must include `...syncCollections`. */
  store: Store;
  /** Base URL of the sync server, e.g. `http://127.0.0.1:8787`. */
  url: string;
  /** The bearer token, or a function returning it (called before each request). */
  auth: { token?: string } | TokenSource;
  /** The synced collections and their conflict policy (default `merge`). */
  collections: Record<string, { conflict?: ConflictPolicy }>;
  /** Optimistic effects of custom mutations, by name. */
  mutators?: Record<string, Mutator>;
  /** Use this client id instead of a generated one (kept in the store either way). */
  clientId?: string;
  /** Changes per pull page (default 500). */
  pullLimit?: number;
  /** Mutations per push (default 100). */
  pushBatch?: number;
  /** Fallback sync interval (default 30 s). */
  periodicMs?: number;
  /** Delay that gathers a burst of local mutations into one push (default 30 ms). */
  debounceMs?: number;
  /** Listen for server pokes over Server-Sent Events (default true). */
  events?: boolean;
}

/** A mutation just written locally. */
export interface MutationHandle {
  /** Its id, increasing per client. */
  readonly id: number;
  /** `pending` until pushed, `sent` while in flight, then its outcome. */
  readonly status: 'pending' | 'sent' | MutationOutcome['status'];
  /** Resolves with the outcome once the server has decided (a conflict resubmitted waits for the resubmission). */
  readonly acked: Promise<MutationOutcome>;
}

/**
 * Collects the mutations of {@link Sync.batch}; each method mirrors the `Sync` method of the same
 * name.
 */
export interface MutationBatch {
  put(collection: string, value: DocumentValue): void;
  patch(collection: string, key: string, patch: DocumentValue): void;
  delete(collection: string, key: string): void;
  addToSet(collection: string, key: string, field: string, values: SetElement[]): void;
  removeFromSet(collection: string, key: string, field: string, values: SetElement[]): void;
  custom(name: string, args?: unknown): void;
}

type MutationInput = { name: string } & Record<string, unknown>;

const nothing = () => undefined;

type ChannelMessage = { type: 'push' } | { type: 'result'; id: number; outcome: MutationOutcome } | { type: 'forward'; from: number; to: number };

interface Tracker {
  status: MutationHandle['status'];
  resolve: (o: MutationOutcome) => void;
  promise: Promise<MutationOutcome>;
}

/** The page's document, absent in a service worker (typed structurally: this module compiles for both). */
const page = (globalThis as { document?: { visibilityState: string } & Pick<EventTarget, 'addEventListener' | 'removeEventListener'> }).document;

/**
 * The sync engine for one store and one user. Mutations are written locally at once and pushed
 * in order; pulled changes are applied in pages with pending mutations rebased on top.
 * Events: `status`, `progress` ({ received, pages }), `error` ({ code, message }, after every
 * failed cycle), `auth-required`, `update-required`.
 */
export class Sync extends EventTarget {
  readonly #o: Required<Omit<SyncOptions, 'clientId' | 'mutators' | 'auth'>> & { clientId?: string };
  readonly #outbox: Outbox;
  readonly #status = new StatusCell();
  readonly #trackers = new Map<number, Tracker>();
  readonly #forwards = new Map<number, number>();
  #token: TokenSource;
  #clientId = '';
  #channel: BroadcastChannel | undefined;
  #leader = false;
  #closed = false;
  #paused = false;
  #running: Promise<void> | undefined;
  #again = false;
  #queued: Promise<void> | undefined;
  // Mutations this tab has written, and how many there were when the running cycle started.
  #mutations = 0;
  #mutationsAtStart = 0;
  #failures = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #interval: ReturnType<typeof setInterval> | undefined;
  #releaseLock: (() => void) | undefined;
  readonly #abort = new AbortController();
  readonly #cleanups: Array<() => void> = [];
  /** The conflicts the policy could not settle: a live list and `resolve` ({@link SyncConflicts}). */
  readonly conflicts: SyncConflicts;

  /** @internal Use {@link createSync}. */
  constructor(options: SyncOptions) {
    super();
    this.#o = { pullLimit: DEFAULT_PULL_LIMIT, pushBatch: 100, periodicMs: 30_000, debounceMs: 30, events: true, ...options };
    this.#token = typeof options.auth === 'function' ? options.auth : () => (options.auth as { token?: string }).token;
    const keyPaths: Record<string, string> = {};
    const policies: Record<string, ConflictPolicy> = {};
    for (const [name, c] of Object.entries(options.collections)) {
      const schema = options.store.schema.collections[name];
      if (!schema) throw new Error(`createSync: collection '${name}' is not in store '${options.store.name}'. Declare it in openStore({ collections }).`);
      keyPaths[name] = schema.keyPath;
      if (c.conflict) policies[name] = c.conflict;
    }
    for (const own of ['$outbox', '$meta', '$revs', '$conflicts', '$rejected']) {
      if (!options.store.schema.collections[own]) throw new Error(`createSync: store '${options.store.name}' lacks '${own}'. Spread syncCollections into its collections: { ...yours, ...syncCollections }.`);
    }
    this.#outbox = new Outbox({ store: options.store, keyPaths, policies, mutators: options.mutators ?? {} });
    this.conflicts = new SyncConflicts(options.store, this);
  }

  /** The current status. */
  get status(): SyncStatus {
    return this.#status.value;
  }

  /** Calls `fn` with the status now and on every change; returns an unsubscribe function. */
  subscribe(fn: (status: SyncStatus) => void): () => void {
    return this.#status.subscribe(fn);
  }

  /** This client's id (after `start()`). */
  get clientId(): string {
    return this.#clientId;
  }

  /** @internal Loads the client id and joins the tab group, without competing for leadership. */
  async prepare(): Promise<void> {
    this.#clientId = await this.#outbox.clientId(this.#o.clientId);
    this.#status.subscribe((s) => this.dispatchEvent(new CustomEvent('status', { detail: s })));
    this.#cleanups.push(this.#o.store.observe(['$outbox'], () => this.#o.store.collection('$outbox').count(), (pending) => this.#status.set({ pending })));
    if (typeof BroadcastChannel !== 'undefined') {
      this.#channel = new BroadcastChannel(`outpost-sync:${this.#o.store.name}`);
      this.#channel.onmessage = (e: MessageEvent<ChannelMessage>) => this.#onMessage(e.data);
    }
  }

  /** @internal Loads the client id, joins the tab group and starts competing for leadership. */
  async start(): Promise<void> {
    await this.prepare();
    const lockName = lockNameOf(this.#o.store);
    if (typeof navigator !== 'undefined' && navigator.locks) {
      // The lock is held for this instance's lifetime; a closed or crashed holder releases it.
      void navigator.locks
        .request(lockName, { signal: this.#abort.signal }, () => new Promise<void>((resolve) => {
          this.#releaseLock = resolve;
          this.#becomeLeader();
        }))
        .catch(() => undefined);
    } else {
      this.#becomeLeader();
    }
  }

  #becomeLeader(): void {
    if (this.#closed) return this.#releaseLock?.();
    this.#leader = true;
    this.#status.set({ leader: true });
    const schedule = () => this.schedule(0);
    if (page) {
      const onOffline = () => this.#status.set({ state: 'offline' });
      const onVisible = () => page.visibilityState === 'visible' && schedule();
      addEventListener('online', schedule);
      addEventListener('offline', onOffline);
      addEventListener('focus', schedule);
      page.addEventListener('visibilitychange', onVisible);
      this.#cleanups.push(() => {
        removeEventListener('online', schedule);
        removeEventListener('offline', onOffline);
        removeEventListener('focus', schedule);
        page.removeEventListener('visibilitychange', onVisible);
      });
    }
    this.#interval = setInterval(schedule, this.#o.periodicMs);
    if (this.#o.events) void this.#listen();
    schedule();
  }

  #onMessage(m: ChannelMessage): void {
    if (m.type === 'push' && this.#leader) this.schedule(this.#o.debounceMs);
    if (m.type === 'result') this.#settle(m.id, m.outcome, false);
    if (m.type === 'forward') this.#forward(m.from, m.to, false);
  }

  #tracker(id: number): Tracker {
    let t = this.#trackers.get(id);
    if (!t) {
      let resolve!: (o: MutationOutcome) => void;
      const promise = new Promise<MutationOutcome>((r) => (resolve = r));
      t = { status: 'pending', resolve, promise };
      this.#trackers.set(id, t);
    }
    return t;
  }

  #settle(id: number, outcome: MutationOutcome, broadcast: boolean): void {
    // A resubmitted conflict settles the handle of the mutation it replaced.
    const original = this.#forwards.get(id);
    this.#forwards.delete(id);
    const t = this.#trackers.get(original ?? id);
    if (t) {
      t.status = outcome.status;
      t.resolve(outcome);
      this.#trackers.delete(original ?? id);
    }
    if (broadcast) this.#channel?.postMessage({ type: 'result', id, outcome } satisfies ChannelMessage);
  }

  #forward(from: number, to: number, broadcast: boolean): void {
    this.#forwards.set(to, from);
    if (broadcast) this.#channel?.postMessage({ type: 'forward', from, to } satisfies ChannelMessage);
  }

  async #mutate(inputs: MutationInput[]): Promise<MutationHandle[]> {
    if (!inputs.length) return [];
    const ids = await this.#outbox.enqueue(inputs as never);
    this.#mutations++;
    if (this.#leader) this.schedule(this.#o.debounceMs);
    else this.#channel?.postMessage({ type: 'push' } satisfies ChannelMessage);
    return ids.map((id) => {
      const t = this.#tracker(id);
      return {
        id,
        get status() {
          return t.status;
        },
        acked: t.promise,
      };
    });
  }

  /** A batch whose every call records its mutation into `inputs` (checks run as it is called). */
  #recorder(inputs: MutationInput[]): MutationBatch {
    const add = (input: MutationInput) => void inputs.push(input);
    return {
      put: (collection, value) => {
        const keyPath = this.#o.store.schema.collections[collection]?.keyPath;
        const key = keyPath ? value[keyPath] : undefined;
        if (typeof key !== 'string') throw new TypeError(`sync.put('${collection}'): the value needs a string '${keyPath}' (its key).`);
        add({ name: 'put', collection, key, value });
      },
      patch: (collection, key, patch) => add({ name: 'patch', collection, key, patch }),
      delete: (collection, key) => add({ name: 'delete', collection, key }),
      addToSet: (collection, key, field, values) => add({ name: 'addToSet', collection, key, field, values }),
      removeFromSet: (collection, key, field, values) => add({ name: 'removeFromSet', collection, key, field, values }),
      custom: (name, args) => add({ name, args }),
    };
  }

  async #one(record: (batch: MutationBatch) => void): Promise<MutationHandle> {
    return (await this.batch(record))[0];
  }

  /** Creates or replaces a document (its key is read from the collection's key path). */
  put(collection: string, value: DocumentValue): Promise<MutationHandle> {
    return this.#one((b) => b.put(collection, value));
  }

  /** Sets some top-level fields of a document. */
  patch(collection: string, key: string, patch: DocumentValue): Promise<MutationHandle> {
    return this.#one((b) => b.patch(collection, key, patch));
  }

  /** Deletes a document. */
  delete(collection: string, key: string): Promise<MutationHandle> {
    return this.#one((b) => b.delete(collection, key));
  }

  /** Adds elements to an array field used as a set (never conflicts). */
  addToSet(collection: string, key: string, field: string, values: SetElement[]): Promise<MutationHandle> {
    return this.#one((b) => b.addToSet(collection, key, field, values));
  }

  /** Removes elements from an array field used as a set (never conflicts). */
  removeFromSet(collection: string, key: string, field: string, values: SetElement[]): Promise<MutationHandle> {
    return this.#one((b) => b.removeFromSet(collection, key, field, values));
  }

  /** An app-defined mutation; its registered mutator (if any) applies its optimistic effect. */
  custom(name: string, args?: unknown): Promise<MutationHandle> {
    return this.#one((b) => b.custom(name, args));
  }

  /**
   * Writes several mutations as one local transaction: their effects appear together (one
   * live-query refresh), and a failure writes none of them. Each is still its own mutation on
   * the server, pushed in order. Use it for one user action over many documents.
   *
   * @example
   * // Archive 500 messages with one IndexedDB transaction instead of 500.
   * const handles = await sync.batch((b) => ids.forEach((id) => b.removeFromSet('messages', id, 'labels', ['INBOX'])));
   */
  batch(build: (batch: MutationBatch) => void): Promise<MutationHandle[]> {
    const inputs: MutationInput[] = [];
    try {
      build(this.#recorder(inputs));
    } catch (err) {
      return Promise.reject(err);
    }
    return this.#mutate(inputs);
  }

  /** How many mutations of a document are not yet acknowledged ("sending…" badges). */
  async pendingFor(collection: string, key: string): Promise<number> {
    return this.#o.store.collection('$outbox').count({ index: 'byDoc', equals: docId(collection, key) });
  }

  /** Replaces the token after `auth-required` and resumes syncing. */
  setAuth(auth: { token?: string } | TokenSource): void {
    this.#token = typeof auth === 'function' ? auth : () => auth.token;
    this.#paused = false;
    this.#failures = 0;
    this.schedule(0);
  }

  /** Runs a sync cycle after `delayMs` (the leader only; other tabs ask the leader). */
  schedule(delayMs = 0): void {
    if (this.#closed || this.#paused) return;
    if (!this.#leader) {
      this.#channel?.postMessage({ type: 'push' } satisfies ChannelMessage);
      return;
    }
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => void this.syncNow().catch(() => undefined), delayMs);
  }

  /**
   * Pushes the outbox and pulls until up to date; resolves when that cycle ends. Called during a
   * cycle, it resolves with that cycle, unless this tab made a mutation after the cycle started:
   * then with the cycle that follows (the running one may have read the outbox before it).
   */
  syncNow(): Promise<void> {
    if (this.#running) {
      if (this.#mutationsAtStart === this.#mutations) {
        this.#again = true;
        return this.#running;
      }
      this.#queued ??= this.#running.then(nothing, nothing).then(() => {
        this.#queued = undefined;
        return this.#closed ? undefined : this.syncNow();
      });
      return this.#queued;
    }
    this.#mutationsAtStart = this.#mutations;
    this.#running = this.#cycle().finally(() => {
      this.#running = undefined;
      if (this.#again && !this.#closed) {
        this.#again = false;
        this.schedule(0);
      }
    });
    return this.#running;
  }

  async #cycle(): Promise<void> {
    if (this.#closed || this.#paused) return;
    this.#status.set({ state: this.#status.value.lastSyncedAt ? 'syncing' : 'connecting' });
    try {
      await this.#pushAll();
      await this.#pullAll();
      this.#failures = 0;
      this.#status.set({ state: 'idle', lastSyncedAt: Date.now(), lastError: undefined });
    } catch (err) {
      this.#onFailure(err);
    }
  }

  #onFailure(err: unknown): void {
    const e = err instanceof SyncRequestError ? err : new SyncRequestError('local-failure', `A sync step failed on this device: ${(err as Error)?.message ?? String(err)}. Retrying; pending changes are kept.`);
    this.#status.set({ state: e.code === 'network' ? 'offline' : 'error', lastError: e.info });
    this.dispatchEvent(new CustomEvent('error', { detail: e.info }));
    if (e.code === 'auth-required' || e.code === 'update-required') {
      this.#paused = true;
      this.dispatchEvent(new Event(e.code));
      return;
    }
    this.#failures++;
    // Exponential backoff with full jitter, capped at 30 s; the server's Retry-After wins.
    const backoff = Math.random() * Math.min(30_000, 250 * 2 ** this.#failures);
    this.schedule(e.retryAfterMs ?? backoff);
  }

  async #pushAll(): Promise<void> {
    let batchSize = this.#o.pushBatch;
    for (;;) {
      const entries = await this.#outbox.pending(batchSize);
      if (!entries.length || this.#closed) return;
      // One mutation per document per push: a later edit's baseRev is the earlier one's result.
      const batch: OutboxEntry[] = [];
      const docs = new Set<string>();
      for (const e of entries) {
        if (e.doc && docs.has(e.doc)) break;
        if (e.doc) docs.add(e.doc);
        batch.push(e);
      }
      batch.forEach((e) => this.#tracker(e.id).status === 'pending' && (this.#tracker(e.id).status = 'sent'));
      let res;
      try {
        res = await (await transport()).push(this.#o.url, { clientId: this.#clientId, mutations: batch.map((e) => e.mutation) }, this.#token);
      } catch (err) {
        if (err instanceof SyncRequestError && err.code === 'request-refused') {
          // The sync server refuses the request as such (a final protocol error): find the
          // culprit alone and drop only it. Any other failure keeps the whole outbox.
          if (batch.length > 1) {
            batchSize = 1;
            continue;
          }
          const error = { code: err.protocolCode ?? `http-${err.status}`, message: err.message };
          await (await results()).rejectLocally(this.#outbox, batch[0], error);
          this.#settle(batch[0].id, { status: 'rejected', error }, true);
          continue;
        }
        throw err;
      }
      const outcomes = await (await results()).applyResults(this.#outbox, batch, res.results);
      for (const [id, outcome] of outcomes) {
        if (outcome.resubmittedAs !== undefined) this.#forward(id, outcome.resubmittedAs, true);
        else this.#settle(id, outcome, true);
      }
    }
  }

  async #pullAll(): Promise<void> {
    let received = 0;
    let pages = 0;
    for (;;) {
      if (this.#closed) return;
      const cursor = (await this.#outbox.meta<string>('cursor')) ?? null;
      let page;
      try {
        page = await (await transport()).pull(this.#o.url, this.#clientId, cursor, this.#o.pullLimit, this.#token);
      } catch (err) {
        if (err instanceof SyncRequestError && err.code === 'cursor-expired') {
          await (await results()).resetForResync(this.#outbox);
          continue;
        }
        throw err;
      }
      const acked = await (await results()).applyPage(this.#outbox, page.changes, page.cursor, page.lastMutationIds[this.#clientId] ?? 0);
      // Applied by the server but whose push response was lost (crash, network): now known.
      for (const id of acked) this.#settle(id, { status: 'applied' }, true);
      received += page.changes.length;
      pages++;
      this.dispatchEvent(new CustomEvent('progress', { detail: { received, pages, done: !page.hasMore } }));
      if (!page.hasMore) return;
      // Let the page render between chunks of a large initial sync.
      await new Promise((r) => setTimeout(r, 0));
    }
  }

  async #listen(): Promise<void> {
    let failures = 0;
    while (!this.#closed) {
      try {
        await (await transport()).listenForPokes(this.#o.url, this.#token, async (cursor) => {
          failures = 0;
          if (cursor !== (await this.#outbox.meta<string>('cursor'))) this.schedule(0);
        }, this.#abort.signal);
      } catch {
        // Reconnect below; pulls still run on the other triggers meanwhile.
      }
      if (this.#closed) return;
      failures++;
      await new Promise((r) => setTimeout(r, Math.min(30_000, 500 * 2 ** failures) * (0.5 + Math.random() / 2)));
    }
  }

  /** Stops syncing and hands leadership to another tab. Pending mutations stay in the outbox. */
  close(): void {
    this.#closed = true;
    clearTimeout(this.#timer);
    clearInterval(this.#interval);
    this.#abort.abort();
    this.#releaseLock?.();
    this.#channel?.close();
    this.#cleanups.splice(0).forEach((f) => f());
    this.#leader = false;
  }
}

function lockNameOf(store: Store): string {
  return `outpost-sync:${store.name}`;
}

/** What {@link syncOnce} did. */
export type SyncOnceResult = 'synced' | 'leader-busy';

/**
 * One sync cycle (push the outbox, pull until up to date) without staying around: what a service
 * worker runs when woken by Background Sync. It takes the same Web Lock as the tab leader, and
 * leaves the work to that leader if one holds it (`leader-busy`). Rejects when the cycle fails, so
 * a Background Sync event is retried by the browser later.
 *
 * @example
 * // in a service worker
 * self.addEventListener('sync', (e) => e.waitUntil(syncOnce({ store, url, auth, collections })));
 */
export async function syncOnce(options: SyncOptions): Promise<SyncOnceResult> {
  const run = async (): Promise<SyncOnceResult> => {
    const sync = new Sync({ ...options, events: false });
    try {
      await sync.prepare();
      await sync.syncNow();
      const { state, lastError } = sync.status;
      if (state !== 'idle') throw new Error(`syncOnce('${options.store.name}'): the sync cycle ended ${state}: ${lastError?.message ?? 'no detail'}. Pending changes stay in the outbox and are pushed on the next try.`);
      return 'synced';
    } finally {
      sync.close();
    }
  };
  if (typeof navigator === 'undefined' || !navigator.locks) return run();
  return navigator.locks.request(lockNameOf(options.store), { ifAvailable: true }, (lock) => (lock ? run() : 'leader-busy'));
}

/**
 * Creates and starts the sync engine for a store.
 *
 * @example
 * const store = await openStore({ name: 'todo', version: 1, collections: { todos: { keyPath: 'id' }, ...syncCollections } });
 * const sync = await createSync({ store, url: 'http://127.0.0.1:8787', auth: { token }, collections: { todos: {} } });
 * const handle = await sync.put('todos', { id: 't1', title: 'Write docs', done: false });
 * await handle.acked; // { status: 'applied', rev: 1 }
 */
export async function createSync(options: SyncOptions): Promise<Sync> {
  const sync = new Sync(options);
  await sync.start();
  return sync;
}
