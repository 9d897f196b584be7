/// <reference lib="webworker" />
// Wakes the sync engine in the worker: Background Sync, Periodic Background Sync (Chromium) and
// a page's request. The engine's own Web Lock keeps it from pushing beside a tab leader.
import { SYNC_NOW, SYNC_TAG } from '../runtime/protocol/sw-messages.js';

interface SyncEventLike extends ExtendableEvent {
  readonly tag: string;
}

/**
 * Runs `run` (typically {@link syncOnce} for each signed-in account) when the browser fires the
 * `outpost-sync` Background Sync or Periodic Background Sync event, and when a page posts
 * `OUTPOST_SYNC_NOW`. A rejected run makes the browser retry the Background Sync later.
 *
 * @example
 * handleBackgroundSync(self, async () => {
 *   const store = await openStore(schema);
 *   try { await syncOnce({ store, url: self.location.origin, auth: () => tokenFrom(store), collections }); }
 *   finally { store.close(); }
 * });
 */
export function handleBackgroundSync(scope: ServiceWorkerGlobalScope, run: () => Promise<unknown>): void {
  let running: Promise<unknown> | undefined;
  // Events can overlap (a sync and a page message): share one run rather than racing for the lock.
  const once = () => (running ??= run().finally(() => (running = undefined)));
  scope.addEventListener('sync' as 'message', (event) => {
    const e = event as unknown as SyncEventLike;
    if (e.tag === SYNC_TAG) e.waitUntil(once());
  });
  scope.addEventListener('periodicsync' as 'message', (event) => {
    const e = event as unknown as SyncEventLike;
    if (e.tag === SYNC_TAG) e.waitUntil(once().catch(() => undefined));
  });
  scope.addEventListener('message', (event) => {
    if ((event.data as { type?: unknown } | null)?.type !== SYNC_NOW) return;
    const port = event.ports[0];
    event.waitUntil(
      once().then(
        () => port?.postMessage({ ok: true }),
        (err: unknown) => port?.postMessage({ ok: false, error: err instanceof Error ? err.message : String(err) }),
      ),
    );
  });
}
