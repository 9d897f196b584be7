import type { Key } from './query.js';

/** Which records a committed write touched: collection → keys (empty = unknown, e.g. clear()). */
export type ChangeSet = Map<string, Key[]>;

/**
 * What this tab wrote, beside a ChangeSet: collection → the stored records (raw, with hidden
 * fields) in the order of its keys, undefined for a deleted key. Absent for other tabs' writes
 * and for big writes: followers read those keys back.
 */
export type WrittenValues = Map<string, unknown[]>;

/** Something the store tells about committed writes: a live query of either kind. */
export interface Follower {
  readonly collections: ReadonlySet<string>;
  trigger(changes?: ChangeSet, values?: WrittenValues): void;
  stop(): void;
}

/**
 * Adds `more` to `into`: keys (or written values) appended, an unknown (empty) list stays unknown.
 * `into`'s lists are its own (copied on first add) and grow in place: a transaction of 700 writes
 * merges 700 times.
 */
export function mergeChanges<V>(into: Map<string, V[]>, more: Map<string, V[]>): Map<string, V[]> {
  for (const [name, keys] of more) {
    const had = into.get(name);
    if (had?.length === 0 || !keys.length) into.set(name, []);
    else if (had) for (const k of keys) had.push(k);
    else into.set(name, [...keys]);
  }
  return into;
}

/**
 * A live query that re-runs a function: runs coalesce so a burst of writes costs one read after
 * it, and each run gets the keys changed since the previous one began.
 */
export class Observer<R> implements Follower {
  readonly collections: ReadonlySet<string>;
  #running = false;
  #changes: ChangeSet | undefined;
  #stopped = false;
  readonly #run: (changes?: ChangeSet) => Promise<R>;
  readonly #onResult: (result: R) => void;
  readonly #onError: (error: unknown) => void;

  constructor(collections: string[], run: (changes?: ChangeSet) => Promise<R>, onResult: (result: R) => void, onError: (error: unknown) => void) {
    this.collections = new Set(collections);
    this.#run = run;
    this.#onResult = onResult;
    this.#onError = onError;
  }

  /** Runs now, or once more after the run in flight. */
  trigger(changes?: ChangeSet): void {
    if (this.#stopped) return;
    if (changes) this.#changes = mergeChanges(this.#changes ?? new Map(), changes);
    if (this.#running) return;
    this.#running = true;
    const seen = this.#changes;
    this.#changes = undefined;
    // A run that throws before returning its promise (app code reading state gone since) fails
    // as one that rejects. Thrown from here it would end this observer for good, and reach the
    // store's notify: the committed write rejected, and the followers after this one, other tabs
    // and 'change' listeners never told of it.
    new Promise<R>((resolve) => resolve(this.#run(seen))).then(
      (result) => {
        if (!this.#stopped) this.#onResult(result);
      },
      (error: unknown) => {
        if (!this.#stopped) this.#onError(error);
      },
    ).finally(() => {
      this.#running = false;
      if (this.#changes) this.trigger();
    });
  }

  stop(): void {
    this.#stopped = true;
  }
}

/** The message tabs exchange: only names and keys, each tab re-reads what it shows. */
export interface ChangeMessage {
  changes: Array<[string, Key[]]>;
}
