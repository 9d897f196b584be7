/// <reference lib="webworker" />
// Wakes the sync engine in the worker: Background Sync, Periodic Background Sync (Chromium) and
// a page's request. The engine's own Web Lock keeps it from pushing beside a tab leader.
import { SYNC_NOW, SYNC_TAG } from '../runtime/protocol/sw-messages.js';
import { sharedRuns } from './shared-runs.js';

interface SyncEventLike extends ExtendableEvent {
  readonly tag: string;
}

/**
 * Runs `run` (typically {@link syncOnce} for each signed-in account) when the browser fires the
 * `outpost-sync` Background Sync or Periodic Background Sync event, and when a page posts
 * `OUTPOST_SYNC_NOW`. A wake-up during a run is answered by a run that starts after it. A rejected
 * run makes the browser retry the Background Sync later.
 *
 * @example
 * handleBackgroundSync(self, async () => {
 *   const store = await openStore(schema);
 *   try { await syncOnce({ store, url: self.location.origin, auth: () => tokenFrom(store), collections }); }
 *   finally { store.close(); }
 * });
 */
export function handleBackgroundSync(scope: ServiceWorkerGlobalScope, run: () => Promise<unknown>): void {
  // Events can overlap (a sync and a page message): they share runs (see sharedRuns).
  const once = sharedRuns(run);
  scope.addEventListener('sync' as 'message', (event) => {
    const e = event as unknown as SyncEventLike;
    if (e.tag === SYNC_TAG) e.waitUntil(once());
  });
  scope.addEventListener('periodicsync' as 'message', (event) => {
    const e = event as unknown as SyncEventLike;
    if (e.tag === SYNC_TAG) e.waitUntil(once().catch(() => undefined));
  });
  scope.addEventListener('message', (event) => {
    const data = event.data as { type?: unknown; ack?: unknown } | null;
    if (data?.type !== SYNC_NOW) return;
    const port = event.ports[0];
    // The page stops waiting for a worker that does not take its request (syncInWorker).
    if (data.ack) port?.postMessage({ started: true });
    event.waitUntil(
      once().then(
        () => port?.postMessage({ ok: true }),
        (err: unknown) => port?.postMessage({ ok: false, code: codeOf(err), error: err instanceof Error ? err.message : String(err) }),
      ),
    );
  });
}

/** A failed run's error code (a SyncRequestError's, a StoreError's), else `sync-failed`. */
function codeOf(err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : 'sync-failed';
}
