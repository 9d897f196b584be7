// Local side of sync: writes a mutation's effect and its outbox entry together. What the server
// answers is applied by push-results.ts and pull-pages.ts. No network here.
import type { Store, StoreTransaction } from '../store/index.js';
import type { DocumentValue, Mutation, ProtocolError } from '../protocol/index.js';
import { applyMutation } from './apply.js';
import { docId, syncCollections, type CustomWrite, type OutboxEntry } from './schema.js';
import { readDoc, revOf, writeDoc } from './revs.js';
import { REV_FIELD } from '../protocol/fields.js';

/** How a collection settles a compare-and-swap conflict. */
export type ConflictPolicy =
  | 'server-wins'
  | 'client-wins'
  | 'merge'
  | ((conflict: { collection: string; key: string; base?: DocumentValue; mine?: DocumentValue; theirs?: DocumentValue }) => DocumentValue | undefined);

/**
 * A custom mutation's optimistic effect, run in the mutation's local transaction (and on rebase).
 * `args` is what `sync.custom(name, args)` was given: annotate it with its type, e.g.
 * `mutators: { clearDone: async (tx, args: { ids: string[] }) => … }`, or write `Mutator<A>`.
 * Nothing checks `args` against that type at run time.
 */
// A method's type, not a function's: TypeScript compares method parameters both ways, so a mutator
// whose `args` is annotated still fits `Mutator` (`unknown` args) in `mutators: Record<string, Mutator>`.
export type Mutator<A = unknown> = { mutate(tx: MutatorTransaction, args: A): Promise<void> | void }['mutate'];

/** What a mutator may read and write: the synced collections. */
export interface MutatorTransaction {
  /** The document with this key, or undefined; `T` is its type (e.g. `tx.get<Task>('tasks', id)`), unchecked. */
  get<T extends object = DocumentValue>(collection: string, key: string): Promise<T | undefined>;
  /** Writes a document (its key is read from the collection's key path); any object type. */
  put(collection: string, value: object): Promise<void>;
  /** Deletes the document with this key. */
  delete(collection: string, key: string): Promise<void>;
}

/** A mutation's final outcome. */
export interface MutationOutcome {
  status: 'applied' | 'conflict' | 'rejected';
  /** The document's new rev when applied (0 or absent for custom mutations and duplicates). */
  rev?: number;
  error?: ProtocolError;
  /** For conflicts: how it was settled. */
  resolution?: 'server' | 'resubmitted' | 'stored';
}

export interface OutboxConfig {
  store: Store;
  keyPaths: Record<string, string>;
  policies: Record<string, ConflictPolicy>;
  mutators: Record<string, Mutator>;
}

const BUILTIN = new Set(['put', 'patch', 'delete', 'addToSet', 'removeFromSet']);
const META = '$meta';

type Tx = StoreTransaction;

/**
 * The local half of sync: writes mutations with their outbox entries. What the server answers is
 * applied by push-results.ts and pull-pages.ts, loaded with the network code after the first
 * render.
 */
export class Outbox {
  /** @internal */
  readonly config: OutboxConfig;
  /** @internal The synced collections' names. */
  readonly synced: string[];
  /**
   * @internal Local mutations whose transaction has not finished: a pulled page being written
   * commits what it has and lets them go first (pull-pages.ts), so a mutation waits for a
   * slice of a page, not the whole page.
   */
  writing = 0;

  /** The bulk writer of built-in mutations (outbox-bulk.ts), once its chunk is in. */
  #bulk?: typeof import('./outbox-bulk.js');

  constructor(config: OutboxConfig) {
    this.config = config;
    this.synced = Object.keys(config.keyPaths);
    import('./outbox-bulk.js').then((m) => (this.#bulk = m), () => undefined);
  }

  /** @internal Every collection a sync transaction spans. */
  get all(): string[] {
    return [...this.synced, ...Object.keys(syncCollections)];
  }

  /** Reads a `$meta` value. */
  async meta<T>(key: string, tx?: Tx): Promise<T | undefined> {
    const rec = await (tx ?? this.config.store).collection(META).get(key);
    return rec?.value as T | undefined;
  }

  /**
   * The persisted client id, created on first use. A `preferred` id the protocol refuses throws
   * `invalid-client-id` (createSync rejects): every push with it would be refused. The check and
   * its message come with the network code, which every tab loads at start anyway, to keep them
   * out of the start-up bundle; should that chunk not load, the server's 400 still keeps the
   * outbox (it is reported, never blamed on a mutation).
   */
  async clientId(preferred?: string): Promise<string> {
    if (preferred !== undefined) (await import('./cycle.js').catch(() => undefined))?.checkClientId(preferred);
    return this.config.store.transaction([META], 'readwrite', async (tx) => {
      const existing = await this.meta<string>('clientId', tx);
      if (existing) return existing;
      const id = preferred ?? crypto.randomUUID();
      await tx.collection(META).put({ key: 'clientId', value: id });
      return id;
    });
  }

  /** @internal Throws unless mutations and mutators may use collection `c`. */
  checkSynced(c: string): void {
    if (!this.synced.includes(c)) throw new Error(`Collection '${c}' is not synced. List it in createSync({ collections }) to use it in mutations and mutators.`);
  }

  /**
   * @internal `beforeWrite` is awaited before each write, with the document it is about to change;
   * resolving false skips that write (a rebase re-runs a mutator only on the documents it reset).
   */
  mutatorTx(tx: Tx, beforeWrite?: (collection: string, key: string) => Promise<unknown>): MutatorTransaction {
    const check = (c: string) => this.checkSynced(c);
    // The document keeps the server rev it had: the mutator changes its value, not what it is based on.
    const write = async (c: string, key: string, value?: DocumentValue) => {
      if ((await beforeWrite?.(c, key)) !== false) await writeDoc(tx, c, key, value, await revOf(tx, c, key));
    };
    return {
      get: async <T extends object>(c: string, key: string) => {
        check(c);
        return await tx.collection<T>(c).get(key);
      },
      // Any object type comes in (MutatorTransaction.put); its fields are read by name here.
      put: async (c, value: DocumentValue) => {
        check(c);
        const key = value[this.config.keyPaths[c]];
        await (typeof key === 'string' ? write(c, key, value) : tx.collection(c).put(value));
      },
      delete: async (c, key) => {
        check(c);
        await write(c, key);
      },
    };
  }

  /**
   * Writes mutations' local effects and their outbox entries in one transaction (all or none) and
   * returns their ids, consecutive and in order. The ids come from `$meta` inside the same
   * transaction, so tabs share one ordered outbox.
   */
  async enqueue(inputs: Array<Omit<Mutation, 'id' | 'baseRev'> & { name: string }>): Promise<number[]> {
    this.writing++;
    return this.config.store.transaction(this.all, 'readwrite', async (tx) => {
      // The id counter is read beside the documents, and the writes go out together: each round
      // trip to the database waits for this page's turn on a busy main thread (a pull writing,
      // a loaded machine), so a mutation is a read and a write, not five steps one after another.
      const ids = this.meta<number>('nextId', tx).then((n) => inputs.map((_, i) => (n ?? 1) + i));
      // Built-ins touch only their own document: with the bulk writer in, every document is read
      // at once and written together. A custom mutator may touch any document: strict order.
      const bulk = this.#bulk;
      await Promise.all([
        ids.then((x) => tx.collection(META).put({ key: 'nextId', value: x[0] + x.length })),
        bulk && inputs.every((x) => BUILTIN.has(x.name))
          ? bulk.writeBuiltins({ readDoc, applyMutation, docId, revField: REV_FIELD }, this, tx, ids, inputs as Mutation[])
          : inputs.reduce((done: Promise<void>, input, i) => done.then(() => this.write(tx, ids, i, input as Mutation)), Promise.resolve()),
      ]);
      return ids;
    }).finally(() => this.writing--);
  }

  /**
   * @internal Writes one mutation's local effect and its outbox entry in `tx`, with id `ids[i]`
   * (`ids` may still be being read: the document is read meanwhile).
   */
  async write(tx: Tx, ids: number[] | Promise<number[]>, i: number, input: Mutation, baseRevOverride?: number): Promise<void> {
    // `input` is the engine's own object (made by a batch's recorder or a resubmission): it becomes the entry's.
    const entry: OutboxEntry = { id: 0, mutation: input, doc: '', createdAt: Date.now() };
    let write: (() => Promise<void>) | undefined;
    if (BUILTIN.has(input.name)) {
      const { collection, key } = input as { collection: string; key: string };
      this.checkSynced(collection);
      // One read of the record gives both its value and its rev (a read each cost 2 per message).
      const { value: base, rev: stored } = await readDoc(tx, collection, key);
      const rev = baseRevOverride ?? stored;
      // Set operations (addToSet, removeFromSet) commute: they carry no baseRev.
      if (!input.name.endsWith('Set')) (input as { baseRev: number }).baseRev = rev;
      // Sent with the outbox entry below, in one round trip.
      write = () => writeDoc(tx, collection, key, applyMutation(base, input, this.config.keyPaths[collection]), rev);
      entry.doc = docId(collection, key);
      if (base !== undefined) entry.base = base;
    } else {
      const mutator = this.config.mutators[input.name];
      if (mutator) {
        // What each written document was before, so a rejection can roll the effect back.
        const writes = new Map<string, CustomWrite>();
        const record = async (c: string, key: string) => {
          const doc = docId(c, key);
          if (writes.has(doc)) return;
          const base = (await tx.collection(c).get(key)) as DocumentValue | undefined;
          writes.set(doc, base === undefined ? { doc } : { doc, base });
        };
        await mutator(this.mutatorTx(tx, record), (input as { args?: unknown }).args);
        if (writes.size) entry.writes = [...writes.values()];
      }
    }
    // The id was read with the document (the first request of the transaction): no wait here.
    entry.id = entry.mutation.id = (await ids)[i];
    await Promise.all([write?.(), tx.collection('$outbox').put(entry)]);
  }
}
