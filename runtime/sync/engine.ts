// The sync engine's public face: mutations written locally at once, and the wiring of the parts
// that sync them: the scheduler (when cycles run), the tab group (which tab talks to the server),
// the handles (what each mutation became) and the cycle (what is sent, loaded on first use).
// Runs in pages and service workers.
import type { Store } from '../store/index.js';
import type { DocumentValue, SetElement } from '../protocol/index.js';
import { DEFAULT_PULL_LIMIT } from '../protocol/version.js';
import { Outbox, type ConflictPolicy, type Mutator } from './outbox.js';
import { SyncConflicts } from './conflicts.js';
import { docId, syncCollections } from './schema.js';
import { StatusCell, type SyncStatus } from './status.js';
import { SyncRequestError } from './request-error.js';
import { Scheduler, type CycleResult } from './scheduler.js';
import { lockNameOf, type ChannelMessage } from './leader.js';
import { broadcast } from '../store/broadcast.js';
import { Handles, type MutationHandle } from './handles.js';
import type { TokenSource } from './transport.js';
import type { CycleContext } from './cycle.js';

export type { MutationHandle } from './handles.js';

// HTTP loads with the first sync cycle, after the app has rendered from IndexedDB.
const cycle = () => import('./cycle.js');

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
  /**
   * How long a push or pull may wait for its whole answer before it counts as a network failure
   * and is retried (default 60 s): a proxy that holds requests or a half-open connection would
   * otherwise stall sync until a reload. A push that was applied meanwhile is acknowledged once.
   */
  requestTimeoutMs?: number;
  /** Fallback sync interval (default 30 s). */
  periodicMs?: number;
  /** Delay that gathers a burst of local mutations into one push (default 30 ms). */
  debounceMs?: number;
  /** Listen for server pokes over Server-Sent Events (default true). */
  events?: boolean;
}

/**
 * Collects the mutations of {@link Sync.batch}; each method mirrors the `Sync` method of the same
 * name.
 */
export interface MutationBatch {
  put(collection: string, value: object): void;
  patch(collection: string, key: string, patch: object): void;
  delete(collection: string, key: string): void;
  addToSet(collection: string, key: string, field: string, values: SetElement[]): void;
  removeFromSet(collection: string, key: string, field: string, values: SetElement[]): void;
  custom(name: string, args?: unknown): void;
}

type MutationInput = { name: string } & Record<string, unknown>;

const tokenSource = (auth: SyncOptions['auth']): TokenSource => (typeof auth === 'function' ? auth : () => auth.token);

/**
 * The sync engine for one store and one user. Mutations are written locally at once and pushed
 * in order; pulled changes are applied in pages with pending mutations rebased on top.
 * Events: `status`, `progress` ({ received, pages }), `error` ({ code, message }, after every
 * failed cycle), `auth-required`, `update-required`.
 */
export class Sync extends EventTarget {
  readonly #o: Required<Omit<SyncOptions, 'clientId' | 'mutators' | 'auth' | 'requestTimeoutMs'>> & Pick<SyncOptions, 'clientId' | 'requestTimeoutMs'>;
  readonly #outbox: Outbox;
  readonly #status = new StatusCell();
  readonly #scheduler: Scheduler;
  readonly #handles: Handles;
  // This store's tabs: followers ask for pushes, the leader tells results (closed with the engine).
  #channel: BroadcastChannel | undefined;
  #token: TokenSource;
  #clientId = '';
  // Set while this tab leads: its term (ends when the lock is stolen or given up) and the id it
  // claims in $meta, by which a leader that was stuck learns another tab took over.
  #term: { signal?: AbortSignal; id: number; claimed?: boolean } | undefined;
  // What syncNow() does while another tab leads (shared-status.ts), once loaded.
  #ask: (() => Promise<void>) | undefined;
  // Everything this instance started (lock, channel, timers, listeners, streams) ends with it.
  readonly #abort = new AbortController();
  /** The conflicts the policy could not settle: a live list and `resolve` ({@link SyncConflicts}). */
  readonly conflicts: SyncConflicts;

  /** @internal Use {@link createSync}. */
  constructor(options: SyncOptions) {
    super();
    this.#o = { pullLimit: DEFAULT_PULL_LIMIT, pushBatch: 100, periodicMs: 30_000, debounceMs: 30, events: true, ...options };
    this.#token = tokenSource(options.auth);
    const keyPaths: Record<string, string> = {};
    const policies: Record<string, ConflictPolicy> = {};
    for (const [name, c] of Object.entries(options.collections)) {
      const schema = options.store.schema.collections[name];
      if (!schema) throw new Error(`createSync: collection '${name}' is not in store '${options.store.name}'. Declare it in openStore({ collections }).`);
      keyPaths[name] = schema.keyPath;
      if (c.conflict) policies[name] = c.conflict;
    }
    for (const own of Object.keys(syncCollections)) {
      if (!options.store.schema.collections[own]) throw new Error(`createSync: store '${options.store.name}' lacks '${own}'. Spread syncCollections into its collections: { ...yours, ...syncCollections }.`);
    }
    this.#outbox = new Outbox({ store: options.store, keyPaths, policies, mutators: options.mutators ?? {} });
    this.conflicts = new SyncConflicts(options.store, this);
    this.#scheduler = new Scheduler({ cycle: () => this.#cycle() });
    this.#handles = new Handles((m) => this.#post(m));
    this.#abort.signal.addEventListener('abort', () => this.#scheduler.close(), { once: true });
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

  /**
   * @internal Loads the client id, joins the tab group and competes for leadership; `holdsLock`
   * when the caller holds the lock itself (syncOnce): it leads, shares its status and answers tabs
   * asking for their leader.
   */
  async prepare(holdsLock?: boolean): Promise<void> {
    if (holdsLock) this.#term = { id: Math.random() };
    this.#clientId = await this.#outbox.clientId(this.#o.clientId);
    this.#status.subscribe((s) => this.dispatchEvent(new CustomEvent('status', { detail: s })));
    const signal = this.#abort.signal;
    const { name } = this.#o.store;
    if (typeof BroadcastChannel !== 'undefined') {
      const channel = (this.#channel = new BroadcastChannel(lockNameOf(name)));
      channel.onmessage = (e: MessageEvent<ChannelMessage>) => this.#onMessage(e.data);
      signal.addEventListener('abort', () => channel.close(), { once: true });
    }
    const isLeader = () => !!this.#term;
    // Only the leader knows how sync goes: it shares its status with the other tabs. Leadership
    // (the Web Lock, taken over from a leader that stops answering) loads with it.
    void import('./tabs.js').then((m) => (m.followStore(this.#o.store, this.#status, () => this.close(), signal), (this.#ask = m.shareStatus(name, this.#status, isLeader, () => this.#scheduler.syncNow(), signal)), m.elect(lockNameOf(name), isLeader, holdsLock ? undefined : (term) => this.#becomeLeader(term, m), signal)));
    // Every tab loads the network code now, with the page just loaded (online, or from the service
    // worker's precache): a follower may take over offline, and Firefox keeps a failed dynamic
    // import failed for the document's life (its engine then could not sync until a reload).
    cycle().catch(() => {});
  }

  #becomeLeader(signal: AbortSignal, tabs: typeof import('./tabs.js')): void {
    if (signal.aborted) return;
    this.#term = { signal, id: Math.random() };
    this.#status.set({ leader: true });
    // Another tab took over (this one was stuck or frozen) or the engine closed: no more cycles here.
    signal.addEventListener('abort', () => {
      this.#term = undefined;
      this.#scheduler.cancel();
      this.#status.set({ leader: false });
    });
    const schedule = () => this.schedule(0);
    tabs.wakeLeader(schedule, this.#status, this.#o.periodicMs, signal, this.#token, () => this.#scheduler.resume());
    // A chunk that fails to load shows in the next cycle's status; it must not be an unhandled rejection.
    if (this.#o.events) cycle().then((c) => c.listen(this.#context(), schedule, () => this.#scheduler.resume()), () => {});
    schedule();
  }

  /** Tells this store's other tabs, also after close: a cycle running then still commits its results. */
  #post(m: ChannelMessage): void {
    broadcast(this.#channel, m);
  }

  #onMessage(m: ChannelMessage): void {
    if (m.type === 'push' && this.#term) this.schedule(this.#o.debounceMs);
    this.#handles.receive(m);
  }

  async #mutate(inputs: MutationInput[]): Promise<MutationHandle[]> {
    if (!inputs.length) return [];
    const ids = await this.#outbox.enqueue(inputs as never);
    this.schedule(this.#o.debounceMs);
    return ids.map((id) => this.#handles.handle(id));
  }

  /** A batch whose every call records its mutation into `inputs` (checks run as it is called). */
  #recorder(inputs: MutationInput[]): MutationBatch {
    // A value JSON cannot carry (a BigInt, a cycle) could never be pushed and would hold every later
    // mutation back; the rest is kept as pushed (a Date as its string), as the server will hold it.
    const add = (input: MutationInput) => void inputs.push(JSON.parse(JSON.stringify(input)));
    return {
      put: (collection, value) => {
        const keyPath = this.#o.store.schema.collections[collection]?.keyPath;
        const key = (value as DocumentValue)[keyPath!];
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

  /**
   * Creates or replaces a document (its key is read from the collection's key path). `value` is
   * any object type, an interface too; it is stored and sent as its JSON (a Date as its string).
   */
  put(collection: string, value: object): Promise<MutationHandle> {
    return this.#one((b) => b.put(collection, value));
  }

  /** Sets some top-level fields of a document (`patch`: any object type, e.g. `Partial<Task>`). */
  patch(collection: string, key: string, patch: object): Promise<MutationHandle> {
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
    this.#token = tokenSource(auth);
    this.#scheduler.resume();
  }

  /** Runs a sync cycle after `delayMs` (the leader only; other tabs ask the leader). */
  schedule(delayMs = 0): void {
    if (this.#abort.signal.aborted) return;
    if (this.#term) this.#scheduler.schedule(delayMs);
    else this.#post({ type: 'push' });
  }

  /**
   * Pushes the outbox and pulls until up to date; resolves when that cycle ends, always one that
   * starts after the call: called during a cycle, with the one that follows it (the running one
   * may have pulled before the server had what the caller waits for). In a tab that does not
   * lead, the leader runs it, or this tab once it leads.
   */
  syncNow(): Promise<void> {
    return this.#term ? this.#scheduler.syncNow() : this.#ask ? this.#ask() : import('./tabs.js').then(() => this.syncNow());
  }

  #context(): CycleContext {
    return {
      ...this.#o,
      outbox: this.#outbox,
      clientId: this.#clientId,
      token: () => this.#token(),
      handles: this.#handles,
      signal: this.#term?.signal ?? this.#abort.signal,
      term: this.#term,
      onProgress: (detail) => this.dispatchEvent(new CustomEvent('progress', { detail })),
    };
  }

  async #cycle(): Promise<CycleResult> {
    // Only a leader syncs: two tabs pushing one client's outbox would apply a late answer over a
    // newer one (setAuth resumes a follower's scheduler too; its syncNow asks the leader).
    if (!this.#term) return { ok: true };
    this.#status.set({ state: this.#status.value.lastSyncedAt ? 'syncing' : 'connecting' });
    let c: Awaited<ReturnType<typeof cycle>> | undefined;
    try {
      c = await cycle();
      const context = this.#context();
      // Entries held for a rev go out once the pull brought it: in this cycle, so one cycle (a
      // service worker's syncOnce, a syncNow) sends them too.
      for (let held = true; held && !context.signal.aborted; ) {
        held = (await c.pushAll(context)).held;
        await c.pullAll(context);
      }
      // A cycle that ends after close() leaves the status as it was then (e.g. store-outdated).
      return this.#abort.signal.aborted ? { ok: true } : c.succeeded(this.#status);
    } catch (err) {
      if (this.#abort.signal.aborted) return { ok: true };
      if (c) return c.failed(err, this.#status, this);
      // The network code's chunk did not load (e.g. a deploy removed it): nothing ran; retried.
      this.#status.set({ state: 'error', lastError: { code: 'local-failure', message: `Sync could not load its network code (${err}). Retrying; pending changes are kept; reload the app if this lasts.` } });
      return { ok: false };
    }
  }

  /** Stops syncing and hands leadership to another tab. Pending mutations stay in the outbox. */
  close(): void {
    this.#abort.abort();
    this.#term = undefined;
  }
}

/** What {@link syncOnce} did. */
export type SyncOnceResult = 'synced' | 'leader-busy';

/**
 * One sync cycle (push the outbox, pull until up to date) without staying around: what a service
 * worker runs when woken by Background Sync. It takes the same Web Lock as the tab leader; when a
 * tab holds it, it asks that tab for a cycle (as a follower tab's `syncNow()` does) and resolves
 * `leader-busy` once that cycle ended well, or runs the cycle itself (`synced`) if the tab closes
 * or stops answering first. Rejects when the cycle fails (its own or the leader's), so a Background
 * Sync event is retried by the browser later, with a {@link SyncRequestError} whose `code` is the
 * cycle's (`status.lastError.code`, e.g. `auth-required`).
 *
 * @example
 * // in a service worker
 * self.addEventListener('sync', (e) => e.waitUntil(syncOnce({ store, url, auth, collections })));
 */
export async function syncOnce(options: SyncOptions): Promise<SyncOnceResult> {
  // `holdsLock` false: another context leads; this engine follows (asks it) and queues for the lock.
  const run = async (holdsLock: boolean): Promise<SyncOnceResult> => {
    const sync = new Sync({ ...options, events: false });
    try {
      await sync.prepare(holdsLock);
      await sync.syncNow();
      const { state, lastError, leader } = sync.status;
      // The cycle's code travels with the error: the worker's answer to a page (handleBackgroundSync) reports it.
      if (state !== 'idle') throw new SyncRequestError(lastError?.code ?? 'network', `syncOnce('${options.store.name}'): the sync cycle ended ${state}: ${lastError?.message ?? 'no detail.'} Pending changes stay in the outbox and are pushed on the next try.`);
      return holdsLock || leader ? 'synced' : 'leader-busy';
    } finally {
      sync.close();
    }
  };
  if (typeof navigator === 'undefined' || !navigator.locks) return run(false);
  // Answering `leader-busy` at once counted the Background Sync done: a leader tab closed before
  // it pushed then left the edits for the next visit, with no sync event left to push them.
  return (await navigator.locks.request(lockNameOf(options.store.name), { ifAvailable: true }, (lock) => lock && run(true))) ?? run(false);
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
  await sync.prepare();
  return sync;
}
