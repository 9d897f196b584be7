/// <reference lib="webworker" />
import { GET_VERSION, SKIP_WAITING } from '../runtime/protocol/sw-messages.js';

export { SKIP_WAITING };

/**
 * Wires the service worker's lifecycle: a new worker waits until a page asks it to take over
 * (so an update never swaps code under a tab with unsaved work), then claims every client.
 * `version` is what the worker reports to `ServiceWorkerClient.version()`.
 *
 * @example
 * declare const self: ServiceWorkerGlobalScope;
 * handleLifecycle(self, { version: '1.4.0' });
 */
export function handleLifecycle(scope: ServiceWorkerGlobalScope, options: { version?: string } = {}): void {
  scope.addEventListener('message', (event) => {
    const type = (event.data as { type?: unknown } | null)?.type;
    if (type === SKIP_WAITING) void scope.skipWaiting();
    if (type === GET_VERSION) event.ports[0]?.postMessage({ version: options.version });
  });
  scope.addEventListener('activate', (event) => event.waitUntil(scope.clients.claim()));
}
