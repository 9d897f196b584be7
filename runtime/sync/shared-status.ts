// The leader tab's status, shared with the other tabs of the same store: only the leader talks to
// the server, so only it knows whether sync is up to date, offline or failing. Loaded after the
// engine starts (not in what every app parses first).
import type { StatusCell, SyncStatus } from './status.js';

type Shared = Pick<SyncStatus, 'state' | 'pending' | 'lastSyncedAt' | 'lastError'>;
type Message = { type: 'status'; status: Shared } | { type: 'ask' };

/**
 * Shares `cell`'s state, pending count, lastSyncedAt and lastError from the leader to the other
 * tabs of `storeName` over a BroadcastChannel: the leader posts every change and answers a new
 * tab's ask; the others take them into their own cell (their `leader` flag stays their own).
 * Ends with `signal`.
 */
export function shareStatus(storeName: string, cell: StatusCell, isLeader: () => boolean, signal: AbortSignal): void {
  if (typeof BroadcastChannel === 'undefined' || signal.aborted) return;
  const channel = new BroadcastChannel(`outpost-sync-status:${storeName}`);
  const post = () => {
    const { state, pending, lastSyncedAt, lastError } = cell.value;
    channel.postMessage({ type: 'status', status: { state, pending, lastSyncedAt, lastError } } satisfies Message);
  };
  channel.onmessage = (e: MessageEvent<Message>) => {
    if (isLeader()) {
      if (e.data.type === 'ask') post();
    } else if (e.data.type === 'status') {
      cell.set(e.data.status);
    }
  };
  const stop = cell.subscribe(() => isLeader() && post());
  channel.postMessage({ type: 'ask' } satisfies Message);
  signal.addEventListener('abort', () => (stop(), channel.close()), { once: true });
}
