// When sync cycles run: the loop, apart from what a cycle sends (as replicache's ConnectionLoop).
// Pure: timers and a cycle function, no network or storage, so it is unit-tested with fake timers.
//
//                 schedule(d) (debounce; a Retry-After window postpones it)
//   ┌──────┐ ─────────────────────────────────▶ ┌─────────┐  timer fires / syncNow()
//   │ idle │                                    │ waiting │ ─────────────────────────┐
//   └──────┘ ◀──── ok, nothing asked ───┐       └─────────┘ ◀──────┐                 ▼
//      ▲                                │            ▲             │           ┌─────────┐
//      │                                └─────────── │ ─────────── │ ───────── │ running │
//      │                                             │  failed:    │           └─────────┘
//      │                                             │  backoff or │  asked during the run
//      │                                             │  Retry-After│  (schedule/syncNow):
//      │                                             └─────────────┴─ one more cycle
//   resume()            ┌────────┐
//      └─────────────── │ paused │ ◀── a cycle answered 'pause' (401, 426): no cycles until resume()
//                       └────────┘
//   close() from any state: no more cycles; a running one finishes. cancel(): back to idle (a
//   running cycle finishes, nothing follows it).

/** What a cycle tells the scheduler. */
export type CycleResult = { ok: true } | { ok: false; retryAfterMs?: number } | { ok: false; pause: true };

/** Options for {@link Scheduler}. */
export interface SchedulerOptions {
  /** Runs one cycle; never rejects (a failure is a result). */
  cycle: () => Promise<CycleResult>;
  /** Source of jitter (default Math.random). */
  random?: () => number;
}

const nothing = () => undefined;

// The backoff: 250 ms doubled per consecutive failure, capped at 30 s (constants, not options:
// nothing set them, and each option cost the start-up bundle bytes).
const BASE_BACKOFF_MS = 250;
const MAX_BACKOFF_MS = 30_000;

/**
 * Runs sync cycles one at a time: coalesces requests made while one runs into one more cycle,
 * debounces, backs off after failures (exponential with full jitter, capped; the server's
 * Retry-After wins and holds off every trigger until it passes), and pauses when told to.
 */
export class Scheduler {
  readonly #o: Required<SchedulerOptions>;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #running: Promise<void> | undefined;
  #queued: Promise<void> | undefined;
  #again = false;
  #failures = 0;
  #notBefore = 0;
  #paused = false;
  #closed = false;
  // Bumped by cancel(): a cycle that started before it schedules nothing after it.
  #generation = 0;

  constructor(options: SchedulerOptions) {
    this.#o = { random: Math.random, ...options };
  }

  /** Runs a cycle after `delayMs` (replacing a pending timer), or once the running one ends. */
  schedule(delayMs = 0): void {
    if (this.#closed || this.#paused) return;
    if (this.#running) {
      this.#again = true;
      return;
    }
    const wait = Math.max(delayMs, this.#notBefore - performance.now());
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => void this.syncNow(), wait);
  }

  /**
   * Runs a cycle now; resolves when it ends. Called during a cycle, it resolves with the one that
   * follows it (one for every call made meanwhile): the running cycle may have pulled before the
   * server had what the caller waits for, or read the outbox before the caller's write.
   */
  syncNow(): Promise<void> {
    if (this.#closed || this.#paused) return Promise.resolve();
    if (this.#running) {
      this.#queued ??= this.#running.then(nothing, nothing).then(() => {
        this.#queued = undefined;
        return this.syncNow();
      });
      return this.#queued;
    }
    clearTimeout(this.#timer);
    this.#timer = undefined;
    const generation = this.#generation;
    this.#running = this.#run().then((next) => {
      this.#running = undefined;
      const again = this.#again;
      this.#again = false;
      if (generation !== this.#generation) return;
      if (next !== undefined) this.schedule(next);
      else if (again) this.schedule(0);
    });
    return this.#running;
  }

  /** Runs the cycle; resolves with the delay before a retry when it failed. */
  async #run(): Promise<number | undefined> {
    const result = await this.#o.cycle().catch((): CycleResult => ({ ok: false }));
    if (result.ok) {
      this.#failures = 0;
      this.#notBefore = 0;
      return undefined;
    }
    if ('pause' in result) {
      this.#paused = true;
      return undefined;
    }
    this.#failures++;
    const backoff = this.#o.random() * Math.min(MAX_BACKOFF_MS, BASE_BACKOFF_MS * 2 ** this.#failures);
    // On the monotonic clock: a wall-clock jump (a time sync, the user changing the time) moves
    // neither the wait nor the triggers it holds off. Without Retry-After, `now` holds off nothing.
    this.#notBefore = performance.now() + (result.retryAfterMs ?? 0);
    // Whatever was asked during a failed cycle waits for the backoff too.
    return result.retryAfterMs ?? backoff;
  }

  /** Ends a pause (new token): backoff starts over and a cycle runs at once. */
  resume(): void {
    this.#paused = false;
    this.#failures = 0;
    this.#notBefore = 0;
    this.schedule(0);
  }

  /** Drops a scheduled cycle and what was asked during the running one (this tab stopped leading). */
  cancel(): void {
    clearTimeout(this.#timer);
    this.#again = false;
    this.#generation++;
  }

  /** No more cycles; a running one finishes. */
  close(): void {
    this.#closed = true;
    clearTimeout(this.#timer);
  }
}
