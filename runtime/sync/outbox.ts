// Local side of sync: writes a mutation and its outbox entry together, applies server results
// and pulled pages, and rebases pending mutations over server state. No network here.
import type { Store, StoreTransaction } from '../store/index.js';
import type { Change, CurrentDocument, DocumentValue, Mutation, MutationResult, ProtocolError } from '../protocol/index.js';
import { applyMutation, mergeFields } from './apply.js';
import { docId, type OutboxEntry, type StoredConflict, type StoredRejection } from './schema.js';

/** How a collection settles a compare-and-swap conflict. */
export type ConflictPolicy =
  | 'server-wins'
  | 'client-wins'
  | 'merge'
  | ((conflict: { collection: string; key: string; base?: DocumentValue; mine?: DocumentValue; theirs?: DocumentValue }) => DocumentValue | undefined);

/** A custom mutation's optimistic effect, run in the mutation's local transaction (and on rebase). */
export type Mutator = (tx: MutatorTransaction, args: unknown) => Promise<void> | void;

/** What a mutator may read and write: the synced collections. */
export interface MutatorTransaction {
  get(collection: string, key: string): Promise<DocumentValue | undefined>;
  put(collection: string, value: DocumentValue): Promise<void>;
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
type Rec = Record<string, unknown>;

export class Outbox {
  readonly #c: OutboxConfig;
  readonly #synced: string[];

  constructor(config: OutboxConfig) {
    this.#c = config;
    this.#synced = Object.keys(config.keyPaths);
  }

  get #all(): string[] {
    return [...this.#synced, '$outbox', '$meta', '$revs', '$conflicts', '$rejected'];
  }

  /** Reads a `$meta` value. */
  async meta<T>(key: string, tx?: Tx): Promise<T | undefined> {
    const rec = await (tx ? tx.collection(META) : this.#c.store.collection(META)).get(key);
    return rec?.value as T | undefined;
  }

  /** The persisted client id, created on first use. */
  async clientId(preferred?: string): Promise<string> {
    return this.#c.store.transaction([META], 'readwrite', async (tx) => {
      const existing = await this.meta<string>('clientId', tx);
      if (existing) return existing;
      const id = preferred ?? crypto.randomUUID();
      await tx.collection(META).put({ key: 'clientId', value: id });
      return id;
    });
  }

  #mutatorTx(tx: Tx): MutatorTransaction {
    const check = (c: string) => {
      if (!this.#synced.includes(c)) throw new Error(`A mutator wrote to '${c}', which is not a synced collection. List it in createSync({ collections }).`);
    };
    return {
      get: async (c, key) => {
        check(c);
        return (await tx.collection(c).get(key)) as DocumentValue | undefined;
      },
      put: async (c, value) => {
        check(c);
        await tx.collection(c).put(value);
      },
      delete: async (c, key) => {
        check(c);
        await tx.collection(c).delete(key);
      },
    };
  }

  /**
   * Writes mutations' local effects and their outbox entries in one transaction (all or none) and
   * returns their ids, consecutive and in order. The ids come from `$meta` inside the same
   * transaction, so tabs share one ordered outbox.
   */
  async enqueue(inputs: Array<Omit<Mutation, 'id' | 'baseRev'> & { name: string }>): Promise<number[]> {
    return this.#c.store.transaction(this.#all, 'readwrite', async (tx) => {
      const first = (await this.meta<number>('nextId', tx)) ?? 1;
      await tx.collection(META).put({ key: 'nextId', value: first + inputs.length });
      const ids = inputs.map((_, i) => first + i);
      // A custom mutator may touch any document: keep strict order. Built-ins touch only their
      // own document, so documents proceed side by side (requests in flight together rather than
      // one round trip each), each document's mutations still in order.
      const strict = inputs.some((x) => !BUILTIN.has(x.name));
      const lanes = new Map<string, number[]>();
      inputs.forEach((input, i) => {
        const { collection, key } = input as unknown as { collection: string; key: string };
        const lane = strict ? '' : docId(collection, key);
        lanes.set(lane, [...(lanes.get(lane) ?? []), i]);
      });
      await Promise.all([...lanes.values()].map(async (lane) => {
        for (const i of lane) await this.#write(tx, ids[i], inputs[i] as Mutation);
      }));
      return ids;
    });
  }

  async #write(tx: Tx, id: number, input: Mutation, baseRevOverride?: number): Promise<void> {
    const entry: OutboxEntry = { id, mutation: { ...input, id } as Mutation, doc: '', createdAt: Date.now() };
    if (BUILTIN.has(input.name)) {
      const { collection, key } = input as { collection: string; key: string };
      if (!this.#synced.includes(collection)) throw new Error(`Collection '${collection}' is not synced. List it in createSync({ collections }).`);
      const col = tx.collection(collection);
      const base = (await col.get(key)) as DocumentValue | undefined;
      const doc = docId(collection, key);
      const rev = baseRevOverride ?? ((await tx.collection('$revs').get(doc))?.rev as number | undefined) ?? 0;
      if (input.name === 'put' || input.name === 'patch' || input.name === 'delete') (entry.mutation as { baseRev: number }).baseRev = rev;
      const after = applyMutation(base, entry.mutation, this.#c.keyPaths[collection]);
      if (after === undefined) await col.delete(key);
      else await col.put(after);
      entry.doc = doc;
      if (base !== undefined) entry.base = base;
    } else {
      const mutator = this.#c.mutators[input.name];
      if (mutator) await mutator(this.#mutatorTx(tx), (input as { args?: unknown }).args);
    }
    await tx.collection('$outbox').put(entry);
  }

  /** Pending entries in push order. */
  pending(limit?: number): Promise<OutboxEntry[]> {
    return this.#c.store.collection<OutboxEntry>('$outbox').query({ limit });
  }

  /** Sets a document to `server` (undefined = gone) with pending mutations re-applied on top. */
  async #rebuild(tx: Tx, collection: string, key: string, server: DocumentValue | undefined, pending: OutboxEntry[]): Promise<void> {
    let value = server;
    for (const e of pending) if (e.doc === docId(collection, key)) value = applyMutation(value, e.mutation, this.#c.keyPaths[collection]);
    if (value === undefined) await tx.collection(collection).delete(key);
    else await tx.collection(collection).put(value);
  }

  async #rerunCustom(tx: Tx, pending: OutboxEntry[]): Promise<void> {
    for (const e of pending) {
      const mutator = e.doc ? undefined : this.#c.mutators[e.mutation.name];
      if (!mutator) continue;
      try {
        await mutator(this.#mutatorTx(tx), (e.mutation as { args?: unknown }).args);
      } catch {
        // A mutator that fails on rebase only loses its own optimistic effect; the server decides.
      }
    }
  }

  /**
   * Applies one push's results in one transaction and returns each mutation's outcome.
   * Conflicts are settled by the collection's policy; a resubmission gets a new id.
   */
  async applyResults(batch: OutboxEntry[], results: MutationResult[]): Promise<Map<number, MutationOutcome & { resubmittedAs?: number }>> {
    const outcomes = new Map<number, MutationOutcome & { resubmittedAs?: number }>();
    await this.#c.store.transaction(this.#all, 'readwrite', async (tx) => {
      const outbox = tx.collection<OutboxEntry>('$outbox');
      const sent = new Map(batch.map((e) => [e.id, e]));
      for (const r of results) {
        const entry = sent.get(r.id);
        if (!entry) continue;
        await outbox.delete(entry.id);
        // Only this document's later entries (by index, in id order): reading the whole outbox
        // per result made a 700-mutation push quadratic (seconds per push).
        const rest = entry.doc ? await outbox.query({ index: 'byDoc', equals: entry.doc }) : [];
        const [collection, ...keyParts] = entry.doc.split('/');
        const key = keyParts.join('/');
        if (r.status === 'applied' || r.status === 'duplicate') {
          const rev = r.status === 'applied' ? r.rev : undefined;
          if (entry.doc && rev) {
            await tx.collection('$revs').put({ doc: entry.doc, rev });
            // Later edits of this document were made on top of this one: they now base on its rev.
            for (const e of rest) if ('baseRev' in e.mutation) await outbox.put({ ...e, mutation: { ...e.mutation, baseRev: rev } as Mutation });
          }
          outcomes.set(entry.id, { status: 'applied', rev });
        } else if (r.status === 'rejected') {
          if (entry.doc) await this.#rebuild(tx, collection, key, entry.base, rest);
          await tx.collection('$rejected').put({ id: entry.id, mutation: entry.mutation, error: r.error, at: Date.now() } satisfies StoredRejection);
          outcomes.set(entry.id, { status: 'rejected', error: r.error });
        } else {
          outcomes.set(entry.id, await this.#settle(tx, entry, r.current, collection, key, rest));
        }
      }
    });
    return outcomes;
  }

  async #settle(tx: Tx, entry: OutboxEntry, current: CurrentDocument, collection: string, key: string, rest: OutboxEntry[]): Promise<MutationOutcome & { resubmittedAs?: number }> {
    const theirs = 'value' in current ? current.value : undefined;
    await tx.collection('$revs').put({ doc: entry.doc, rev: current.rev });
    const mine = applyMutation(entry.base, entry.mutation, this.#c.keyPaths[collection]);
    const policy = this.#c.policies[collection] ?? 'merge';
    let resolved: DocumentValue | undefined | 'delete';
    let fields: string[] = [];
    if (policy === 'server-wins') resolved = undefined;
    else if (policy === 'client-wins') resolved = mine ?? 'delete';
    else if (policy === 'merge') {
      if (mine && theirs) {
        const m = mergeFields(entry.base, mine, theirs);
        if (m.ok) resolved = m.value;
        else fields = m.fields;
      } else fields = ['(deleted)'];
    } else resolved = policy({ collection, key, base: entry.base, mine, theirs });
    if (resolved === undefined) {
      await this.#rebuild(tx, collection, key, theirs, rest);
      if (policy !== 'server-wins') {
        const conflict: StoredConflict = { id: `${entry.doc}#${entry.id}`, collection, key, mutationId: entry.id, base: entry.base, mine, theirs, theirsRev: current.rev, fields, at: Date.now() };
        await tx.collection('$conflicts').put(conflict);
        return { status: 'conflict', resolution: 'stored' };
      }
      return { status: 'conflict', resolution: 'server' };
    }
    // Resubmit the settled value on the server's rev, as a new mutation at the end of the outbox.
    const id = ((await this.meta<number>('nextId', tx)) ?? 1);
    await tx.collection(META).put({ key: 'nextId', value: id + 1 });
    const again = resolved === 'delete' ? { name: 'delete', collection, key } : { name: 'put', collection, key, value: resolved };
    // The local document first becomes the server's, so the new entry's base is what the server has.
    await this.#rebuild(tx, collection, key, theirs, []);
    await this.#write(tx, id, again as Mutation, current.rev);
    const pendingNow = (await tx.collection<OutboxEntry>('$outbox').query()).filter((e) => e.doc === entry.doc && e.id !== id);
    if (pendingNow.length) await this.#rebuild(tx, collection, key, resolved === 'delete' ? undefined : resolved, pendingNow);
    return { status: 'conflict', resolution: 'resubmitted', resubmittedAs: id };
  }

  /** Drops a mutation the server can never accept (e.g. malformed), rolling back its effect. */
  async rejectLocally(entry: OutboxEntry, error: ProtocolError): Promise<void> {
    await this.applyResults([entry], [{ id: entry.id, status: 'rejected', error }]);
  }

  /**
   * Applies one pulled page in one transaction with the cursor, so a reload resumes after it.
   * Entries the server already applied (per `lastMutationId`) leave the outbox; returns their ids.
   */
  async applyPage(changes: Change[], cursor: string, lastMutationId: number): Promise<number[]> {
    return this.#c.store.transaction(this.#all, 'readwrite', async (tx) => {
      const outbox = tx.collection<OutboxEntry>('$outbox');
      const all = await outbox.query();
      const acked = all.filter((e) => e.id <= lastMutationId);
      if (acked.length) await outbox.bulkDelete(acked.map((e) => e.id));
      const pending = all.filter((e) => e.id > lastMutationId);
      const revs = tx.collection('$revs');
      await Promise.all(
        changes.map(async (c) => {
          if (!this.#synced.includes(c.collection)) return;
          await revs.put({ doc: docId(c.collection, c.key), rev: c.rev });
          await this.#rebuild(tx, c.collection, c.key, c.deleted ? undefined : (c.value as Rec), pending);
        }),
      );
      if (changes.length) await this.#rerunCustom(tx, pending);
      await tx.collection(META).put({ key: 'cursor', value: cursor });
      return acked.map((e) => e.id);
    });
  }

  /** After `410 cursor-expired`: drop synced data but keep the outbox, re-applied over nothing. */
  async resetForResync(): Promise<void> {
    await this.#c.store.transaction(this.#all, 'readwrite', async (tx) => {
      for (const c of this.#synced) await tx.collection(c).clear();
      await tx.collection('$revs').clear();
      await tx.collection(META).delete('cursor');
      const pending = await tx.collection<OutboxEntry>('$outbox').query();
      const docs = new Set(pending.filter((e) => e.doc).map((e) => e.doc));
      for (const d of docs) {
        const [collection, ...k] = d.split('/');
        await this.#rebuild(tx, collection, k.join('/'), undefined, pending);
      }
      await this.#rerunCustom(tx, pending);
    });
  }
}
