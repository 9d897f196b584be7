// The leader tab's status, shared with the other tabs of the same store: only the leader talks to
// the server, so only it knows whether sync is up to date, offline or failing. A follower's
// syncNow() goes the same way: it asks the leader for a cycle. Loaded after the engine starts (not
// in what every app parses first).
import type { StatusCell, SyncStatus } from './status.js';

type Shared = Pick<SyncStatus, 'state' | 'pending' | 'lastSyncedAt' | 'lastError'>;
// `by`: the leadership a status comes from, so followers know when a new leader took over.
type Message = { type: 'status'; status: Shared; by: number } | { type: 'ask' } | { type: 'sync'; ask: number } | { type: 'synced'; ask: number };

/**
 * Shares `cell`'s state, pending count, lastSyncedAt and lastError from the leader to the other
 * tabs of `storeName` over a BroadcastChannel: the leader posts every change and answers a new
 * tab's ask; the others take them into their own cell (their `leader` flag stays their own).
 * Returns what a follower's syncNow() does: asks the leader to run `sync` (a cycle that starts
 * after the ask) and resolves when that ends, asks a new leader again, or runs `sync` itself once
 * this tab leads. Ends with `signal` (waiting calls resolve).
 */
export function shareStatus(storeName: string, cell: StatusCell, isLeader: () => boolean, sync: () => Promise<void>, signal: AbortSignal): () => Promise<void> {
  if (typeof BroadcastChannel === 'undefined' || signal.aborted) return sync;
  const channel = new BroadcastChannel(`outpost-sync-status:${storeName}`);
  // This tab's leadership while it leads (0: following), and the leader followers last heard.
  let by = 0;
  let heard = 0;
  const waiting = new Map<number, () => void>();
  const post = () => {
    const { state, pending, lastSyncedAt, lastError } = cell.value;
    channel.postMessage({ type: 'status', status: { state, pending, lastSyncedAt, lastError }, by: (by ||= Math.random()) } satisfies Message);
  };
  channel.onmessage = (e: MessageEvent<Message>) => {
    const m = e.data;
    if (isLeader()) {
      if (m.type === 'ask') post();
      // Posted unless this engine closed meanwhile (a service worker's syncOnce ends): the asking
      // tab then waits for the next leader, maybe itself.
      if (m.type === 'sync') void sync().then(() => signal.aborted || channel.postMessage({ type: 'synced', ask: m.ask } satisfies Message));
    } else if (m.type === 'status') {
      cell.set(m.status);
      // A leader that took over does not know what its predecessor was asked.
      if (m.by !== heard) for (const ask of waiting.keys()) channel.postMessage({ type: 'sync', ask } satisfies Message);
      heard = m.by;
    } else if (m.type === 'synced') waiting.get(m.ask)?.();
  };
  const stop = cell.subscribe(() => (isLeader() ? post() : (by = 0)));
  channel.postMessage({ type: 'ask' } satisfies Message);
  signal.addEventListener('abort', () => (stop(), channel.close(), waiting.forEach((done) => done())), { once: true });
  return () =>
    signal.aborted ? sync() : new Promise<void>((resolve) => {
      const ask = Math.random();
      let unsubscribe = () => {};
      const done = (then?: Promise<void>) => (waiting.delete(ask), unsubscribe(), resolve(then));
      waiting.set(ask, done);
      // Leading before an answer came (the leader closed or stopped answering): its own cycle.
      unsubscribe = cell.subscribe((s) => void (s.leader && waiting.has(ask) && done(sync())));
      if (waiting.has(ask)) channel.postMessage({ type: 'sync', ask } satisfies Message);
      else unsubscribe();
    });
}
