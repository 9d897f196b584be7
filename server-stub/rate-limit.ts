// Token buckets per key (a user, a user name at login, an address): a burst up to `capacity`, then
// `capacity` more per `periodMs`. Buckets are forgotten once full again, so memory follows the
// number of keys active in the last period, and is capped outright.
import { HttpError } from './http.js';
import { parseDuration } from './duration.js';
import { setNewest } from './newest-map.js';

/** A rate: at most `count` per `periodMs`, in bursts of up to `count`. `count` 0 means unlimited. */
export interface Rate {
  count: number;
  periodMs: number;
}

// Past this many active keys the oldest are dropped: a flood of distinct keys cannot grow memory.
const MAX_KEYS = 100_000;

/** Counts events per key; {@link RateLimiter.take} refuses once a key's bucket is empty. */
export class RateLimiter {
  readonly #rate: Rate;
  readonly #now: () => number;
  readonly #buckets = new Map<string, { tokens: number; at: number }>();

  constructor(rate: Rate, now: () => number = Date.now) {
    this.#rate = rate;
    this.#now = now;
  }

  /** Takes one token for `key`; returns 0 when allowed, else the seconds until one is available. */
  take(key: string): number {
    const { count, periodMs } = this.#rate;
    if (count <= 0) return 0;
    const now = this.#now();
    const perMs = count / periodMs;
    const b = this.#buckets.get(key);
    let tokens = b ? Math.min(count, b.tokens + (now - b.at) * perMs) : count;
    if (tokens < 1) {
      if (b) Object.assign(b, { tokens, at: now });
      return Math.max(1, Math.ceil((1 - tokens) / perMs / 1000));
    }
    tokens -= 1;
    // Re-inserted: the least recently used bucket goes first.
    setNewest(this.#buckets, key, { tokens, at: now }, MAX_KEYS);
    return 0;
  }

  /** Seconds until `key` may take a token (0: now), without taking one. */
  peek(key: string): number {
    const { count, periodMs } = this.#rate;
    const b = this.#buckets.get(key);
    if (count <= 0 || !b) return 0;
    const perMs = count / periodMs;
    const tokens = Math.min(count, b.tokens + (this.#now() - b.at) * perMs);
    return tokens >= 1 ? 0 : Math.max(1, Math.ceil((1 - tokens) / perMs / 1000));
  }

  /** Gives back a token {@link RateLimiter.take} took for `key` (an attempt that turned out not to count). */
  refund(key: string): void {
    const { count, periodMs } = this.#rate;
    const b = this.#buckets.get(key);
    if (count <= 0 || !b) return;
    const now = this.#now();
    Object.assign(b, { tokens: Math.min(count, b.tokens + (now - b.at) * (count / periodMs) + 1), at: now });
  }

  /** Forgets `key` (e.g. a successful login clears its failures). */
  reset(key: string): void {
    this.#buckets.delete(key);
  }
}

/** 429 `too-many-requests` with Retry-After, naming the limit and the flag that sets it. */
export function tooMany(what: string, flag: string, rate: Rate, retryAfterS: number): HttpError {
  return new HttpError(
    'too-many-requests',
    `Too many ${what}: the limit is ${rate.count} per ${Math.round(rate.periodMs / 1000)} s (${flag}). Retry after ${retryAfterS} s.`,
    { 'Retry-After': String(retryAfterS) },
  );
}

/**
 * Parses a rate flag: `<count>/<period>` such as `120/1m`, `10/30s`, or `off`.
 * @throws Error naming the flag and the expected shape.
 */
export function parseRate(text: string, flag: string): Rate {
  if (text === 'off' || text === '0') return { count: 0, periodMs: 1 };
  const m = /^(\d+)\/(.+)$/.exec(text);
  const count = m ? Number(m[1]) : NaN;
  if (!m || !Number.isSafeInteger(count) || count < 1) throw new Error(`${flag} must look like <count>/<period> (e.g. ${flag} 120/1m) or 'off', got '${text}'.`);
  const periodMs = parseDuration(m[2]!, flag);
  if (!Number.isFinite(periodMs) || periodMs <= 0) throw new Error(`${flag}: the period must be a positive duration (e.g. 1m), got '${m[2]}'.`);
  return { count, periodMs };
}
