/// <reference lib="webworker" />
// The way out of a broken deploy: a worker that removes itself and its caches.

/**
 * Makes this worker a kill switch: it takes over at once, deletes every Cache Storage cache,
 * unregisters itself and reloads open pages, which then load straight from the network.
 * IndexedDB is left alone, so pending changes in the outbox survive and sync on the next load.
 * Deploy it as the worker script (same URL) to retire a broken worker.
 *
 * @example
 * // sw-kill.ts, built in place of sw.js
 * installKillSwitch(self);
 */
export function installKillSwitch(scope: ServiceWorkerGlobalScope): void {
  scope.addEventListener('install', () => void scope.skipWaiting());
  scope.addEventListener('activate', (event) => {
    event.waitUntil(
      (async () => {
        await Promise.all((await caches.keys()).map((name) => caches.delete(name)));
        await scope.registration.unregister();
        const windows = await scope.clients.matchAll({ type: 'window' });
        await Promise.all(windows.map((c) => (c as WindowClient).navigate(c.url).catch(() => undefined)));
      })(),
    );
  });
}
