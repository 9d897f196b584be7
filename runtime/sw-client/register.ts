// The entry an app calls at start. The client and workbox-window load on that call, after the
// app's first render from IndexedDB, so they are not part of what the browser parses to show it.
import type { ServiceWorkerClient, ServiceWorkerOptions } from './service-worker-client.js';

// The worker that served this page, read as it loads: a newer one can take over before the client
// starts (another tab applied an update), and the page then runs the old build.
const loadedWith = globalThis.navigator?.serviceWorker?.controller;

/**
 * Registers the app's service worker and follows its lifecycle. Rejects with a
 * `ServiceWorkerRegistrationError` (`code` `sw-unsupported` or `sw-registration-failed`) when there
 * is no worker: the app still runs, online only.
 *
 * @example
 * const sw = await registerServiceWorker('/sw.js');
 * sw.addEventListener('update-available', () => showPrompt(() => sw.applyUpdate()));
 * sw.watch(sync);
 */
export async function registerServiceWorker(scriptUrl = '/sw.js', options: ServiceWorkerOptions = {}): Promise<ServiceWorkerClient> {
  const { ServiceWorkerClient } = await import('./service-worker-client.js');
  const client = new ServiceWorkerClient(scriptUrl, options);
  await client.start(options, loadedWith);
  return client;
}
