// One network leader per store across tabs: a Web Lock elects it (runtime/sync/election.ts, loaded
// after start), a BroadcastChannel carries the followers' "please push" and the leader's results.
import type { MutationOutcome } from './outbox.js';

/** What tabs of one store tell each other. */
export type ChannelMessage = { type: 'push' } | { type: 'result'; id: number; outcome: MutationOutcome } | { type: 'forward'; from: number; to: number };

/** The Web Lock (and channel) name of a store's sync leader. */
export function lockNameOf(storeName: string): string {
  return `outpost-sync:${storeName}`;
}
