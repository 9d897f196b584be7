import type { Store } from '../store/index.js';
import type { DocumentValue } from '../protocol/index.js';
import type { StoredConflict } from './schema.js';

/**
 * How to settle a stored conflict: keep my version (`'mine'`: my document is written again, or
 * deleted when mine was a delete), keep the server's (`'theirs'`: the local document already is the
 * server's, so only the conflict goes), or write a merged document (`{ merged }`).
 */
export type ConflictChoice = 'mine' | 'theirs' | { merged: DocumentValue };

/** The writes a resolution needs: the engine's own `put` and `delete`, so they sync like any edit. */
export interface ConflictWriter {
  put(collection: string, value: DocumentValue): Promise<unknown>;
  delete(collection: string, key: string): Promise<unknown>;
}

const byTime = (a: StoredConflict, b: StoredConflict) => a.at - b.at || (a.id < b.id ? -1 : 1);

/**
 * The conflicts the engine's policy could not settle (both sides changed the same field, or one
 * side deleted), as `sync.conflicts`: a live list across tabs and a way to resolve each. Apps and
 * `<outpost-conflict-inbox>` use this instead of the engine's storage.
 *
 * @example
 * const stop = sync.conflicts.observe((list) => render(list));
 * await sync.conflicts.resolve(list[0], 'mine');
 */
export class SyncConflicts {
  readonly #store: Store;
  readonly #writer: ConflictWriter;

  /** @internal The engine creates one per store; use `sync.conflicts`. */
  constructor(store: Store, writer: ConflictWriter) {
    this.#store = store;
    this.#writer = writer;
  }

  /** The stored conflicts, oldest first. */
  async list(): Promise<StoredConflict[]> {
    return [...(await this.#store.collection<StoredConflict>('$conflicts').query())].sort(byTime);
  }

  /**
   * Calls `fn` with the conflicts (oldest first) now and whenever they change, in this tab or
   * another; returns a function that stops it.
   */
  observe(fn: (conflicts: StoredConflict[]) => void, onError?: (err: unknown) => void): () => void {
    return this.#store.observe(['$conflicts'], () => this.list(), fn, onError);
  }

  /**
   * Settles one conflict (by record or id) with `choice`. The chosen version is written through the
   * engine first and the conflict dropped after, so a crash in between keeps the conflict.
   * @throws {@link ConflictError} `conflict-not-found` when it is already resolved (e.g. in another tab).
   */
  async resolve(conflict: StoredConflict | string, choice: ConflictChoice): Promise<void> {
    // Loaded on first use: resolving is rare and every app ships this module at start.
    const { resolveConflict } = await import('./conflict-resolve.js');
    await resolveConflict(this.#store, this.#writer, typeof conflict === 'string' ? conflict : conflict.id, choice);
  }
}
