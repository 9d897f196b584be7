// One network leader per store across tabs: a Web Lock elects it (runtime/sync/election.ts, loaded
// after start), a BroadcastChannel carries the followers' "please push" and the leader's results.
import type { MutationOutcome } from './outbox.js';

/** What tabs of one store tell each other. */
export type ChannelMessage = { type: 'push' } | { type: 'result'; id: number; outcome: MutationOutcome } | { type: 'forward'; from: number; to: number };

/** The Web Lock (and channel) name of a store's sync leader. */
export function lockNameOf(storeName: string): string {
  return `outpost-sync:${storeName}`;
}

/**
 * This tab's membership in its store's tab group: posts and receives {@link ChannelMessage}s.
 * Everything ends when `signal` aborts.
 */
export class TabGroup {
  readonly #channel: BroadcastChannel | undefined;
  readonly #signal: AbortSignal;

  constructor(storeName: string, onMessage: (m: ChannelMessage) => void, signal: AbortSignal) {
    this.#signal = signal;
    if (typeof BroadcastChannel === 'undefined') return;
    const channel = new BroadcastChannel(lockNameOf(storeName));
    channel.onmessage = (e: MessageEvent<ChannelMessage>) => onMessage(e.data);
    signal.addEventListener('abort', () => channel.close(), { once: true });
    this.#channel = channel;
  }

  /** Tells the other tabs of this store. */
  post(m: ChannelMessage): void {
    if (!this.#signal.aborted) this.#channel?.postMessage(m);
  }
}
