import type { SyncErrorInfo } from './request-error.js';

/**
 * What the sync engine is doing. `offline`: the device has no network; `unreachable`: the device is
 * online but the server cannot be reached (down, or a network that does not lead to it). Both keep
 * pending changes and retry on their own.
 */
export type SyncState = 'offline' | 'unreachable' | 'connecting' | 'syncing' | 'idle' | 'error';

/** A snapshot of the engine's status, for badges and inspectors. */
export interface SyncStatus {
  state: SyncState;
  /** Mutations not yet acknowledged by the server. */
  pending: number;
  /** When the last full push + pull finished (ms since epoch). */
  lastSyncedAt?: number;
  /** The last error: a code for programs and a message a person can act on; cleared by the next success. */
  lastError?: SyncErrorInfo;
  /** True in the one tab (or worker) that talks to the server. */
  leader: boolean;
}

/** A value with subscribers, the engine's observable status. */
export class StatusCell {
  #value: SyncStatus = { state: 'connecting', pending: 0, leader: false };
  readonly #subscribers = new Set<(s: SyncStatus) => void>();

  get value(): SyncStatus {
    return this.#value;
  }

  set(patch: Partial<SyncStatus>): void {
    const next = { ...this.#value, ...patch };
    if (JSON.stringify(next) === JSON.stringify(this.#value)) return;
    this.#value = next;
    for (const s of this.#subscribers) s(next);
  }

  subscribe(fn: (s: SyncStatus) => void): () => void {
    this.#subscribers.add(fn);
    fn(this.#value);
    return () => this.#subscribers.delete(fn);
  }
}
