// One holder at a time, in arrival order.

/** A promise-chain mutex: `run(fn)` waits for every earlier holder, then runs `fn`. */
export class Mutex {
  #tail: Promise<unknown> = Promise.resolve();

  /** Runs `fn` once every earlier holder finished; resolves or rejects with its result. */
  run<T>(fn: () => T | Promise<T>): Promise<T> {
    const result = this.#tail.then(fn);
    this.#tail = result.catch(() => undefined);
    return result;
  }
}
