import type { Key } from './query.js';

/** Which records a committed write touched: collection → keys (empty = unknown, e.g. clear()). */
export type ChangeSet = Map<string, Key[]>;

/** A live query's state: re-runs coalesce so a burst of writes costs one read after it. */
export class Observer<R> {
  readonly collections: ReadonlySet<string>;
  #running = false;
  #dirty = false;
  #stopped = false;
  readonly #run: () => Promise<R>;
  readonly #onResult: (result: R) => void;
  readonly #onError: (error: unknown) => void;

  constructor(collections: string[], run: () => Promise<R>, onResult: (result: R) => void, onError: (error: unknown) => void) {
    this.collections = new Set(collections);
    this.#run = run;
    this.#onResult = onResult;
    this.#onError = onError;
  }

  /** Runs now, or once more after the run in flight. */
  trigger(): void {
    if (this.#stopped) return;
    if (this.#running) {
      this.#dirty = true;
      return;
    }
    this.#running = true;
    this.#run().then(
      (result) => {
        if (!this.#stopped) this.#onResult(result);
      },
      (error: unknown) => {
        if (!this.#stopped) this.#onError(error);
      },
    ).finally(() => {
      this.#running = false;
      if (this.#dirty) {
        this.#dirty = false;
        this.trigger();
      }
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
