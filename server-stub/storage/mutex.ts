// One holder at a time, in arrival order.

/** A promise-chain mutex: `run(fn)` waits for every earlier holder, then runs `fn`. */
export class Mutex {
  #tail: Promise<unknown> = Promise.resolve();
  // Holders queued or running: 0 means `fn` may run at once.
  #pending = 0;

  /** Runs `fn` once every earlier holder finished; resolves or rejects with its result. */
  run<T>(fn: () => T | Promise<T>): Promise<T> {
    this.#pending++;
    const result = this.#tail.then(fn);
    this.#tail = result.finally(() => this.#pending--).catch(() => undefined);
    return result;
  }

  /**
   * Runs a synchronous `fn` now when nobody holds or waits for the mutex (no promise hop), else
   * queues it like {@link Mutex.run}.
   */
  runSync<T>(fn: () => T): Promise<T> {
    if (this.#pending > 0) return this.run(fn);
    try {
      return Promise.resolve(fn());
    } catch (err) {
      return Promise.reject(err);
    }
  }
}
