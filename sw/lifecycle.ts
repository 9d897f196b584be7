/// <reference lib="webworker" />

/** Message a page posts to a waiting service worker to make it take over now. */
export const SKIP_WAITING = 'SKIP_WAITING';

/**
 * Wires the service worker's lifecycle: a new worker waits until a page asks it to take over
 * (so an update never swaps code under a tab with unsaved work), then claims every client.
 *
 * @example
 * declare const self: ServiceWorkerGlobalScope;
 * handleLifecycle(self);
 */
export function handleLifecycle(scope: ServiceWorkerGlobalScope): void {
  scope.addEventListener('message', (event) => {
    if (event.data && (event.data as { type?: unknown }).type === SKIP_WAITING) void scope.skipWaiting();
  });
  scope.addEventListener('activate', (event) => event.waitUntil(scope.clients.claim()));
}
