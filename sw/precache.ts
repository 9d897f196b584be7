/// <reference lib="webworker" />
// The app shell in the precache: hashed chunks from the manifest workbox-build injects, the shell
// for every navigation, and old entries kept until no open page runs the old build.
import { PrecacheController, PrecacheRoute, type PrecacheEntry } from 'workbox-precaching';
import { NavigationRoute, registerRoute } from 'workbox-routing';
import { CLIENT_READY } from '../runtime/protocol/sw-messages.js';
import { SYNC_PATHS } from '../runtime/protocol/version.js';
import { precached } from './precached.js';

/** Options for {@link precacheAppShell}. */
export interface AppShellOptions {
  /**
   * The page every navigation gets (default: `index.html` beside the worker's script, `/index.html`
   * for `/sw.js`, `/my-app/index.html` for an app built with `base: '/my-app/'`): deep links work offline.
   */
  shell?: string;
  /**
   * Navigations that must reach the network (sync and auth routes are always added), each tested
   * against the URL's path and query (`/files/a.pdf?dl=1`). Default: paths whose last segment has a
   * file extension (`/files/report.pdf`; a dot in the query, `/share?url=https://x.org/a.html`, does
   * not count), so a link to a file the server serves downloads it instead of opening the app; the
   * build's own files come from the precache whatever this says. A list of your own replaces the
   * default: pass `[]` when app routes end in a dotted segment (`/people/jane.doe`) and must open offline.
   */
  networkOnly?: RegExp[];
}

/**
 * A path whose last segment has a file extension: a file, not an app route (create-react-app's rule).
 * Navigation deny-lists see the path and the query: a `/` and a dot in the query (a shared link)
 * made an app route a file, which then failed offline.
 */
const FILE_PATH = /^[^?]*\/[^/?]+\.[^/?]+(\?|$)/;

/**
 * Paths of the sync protocol. No Outpost route answers them, so the browser sends them straight to
 * the network: never from a cache, and a long-lived event stream does not hold the worker (an
 * in-flight fetch event would delay the next version's activation). Matches a path, or a path and
 * its query (`/healthz?probe=1`), as navigation deny-lists test it.
 */
export const SYNC_ROUTE = new RegExp(`^(${Object.values(SYNC_PATHS).map((p) => p.replace(/\//g, '\\/')).join('|')})(\\/|\\?|$)`);

/**
 * Precaches the build's files and answers navigations with the app shell.
 *
 * A new build's worker installs its files next to the old ones. Old entries are removed only once
 * every open page runs the new build (each page says so with `CLIENT_READY`), so a tab still on
 * the old build can load its lazy chunks while the update rolls out.
 *
 * @example
 * precacheAppShell(self, self.__WB_MANIFEST);
 */
export function precacheAppShell(scope: ServiceWorkerGlobalScope, manifest: Array<PrecacheEntry | string>, options: AppShellOptions = {}): PrecacheController {
  const controller = new PrecacheController();
  controller.addToCacheList(manifest);
  scope.addEventListener('install', (event) => void controller.install(event));
  registerRoute(new PrecacheRoute(controller, { cleanURLs: false }));
  // Files of an older build still in the cache (a tab on the old build asks for its lazy chunk).
  // Registered once the worker's script has run: Workbox answers with the first route that matches,
  // and this one, registered at once, took every same-origin request from the routes registered
  // after this call (the app's own, cacheMedia's). Only files (an extension, as the build's have):
  // an API call or a long poll went through the worker, whose pending fetch held the next version's
  // activation (applyUpdate did nothing for minutes).
  queueMicrotask(() =>
    registerRoute(
      ({ url, request }) => url.origin === scope.location.origin && request.mode !== 'navigate' && FILE_PATH.test(url.pathname) && !SYNC_ROUTE.test(url.pathname),
      // Only the precache (see precached): any cache and any query answered a cache-busting
      // `/version.json?t=…` with the precached copy, and a fetch() of an image with the media cache's.
      async ({ request }) => (await precached(request)) ?? fetch(request),
    ),
  );
  // Beside the worker, as the precache manifest's own (relative) URLs are: under a base path too.
  const shell = options.shell ?? new URL('index.html', scope.location.href).pathname;
  registerRoute(new NavigationRoute(controller.createHandlerBoundToURL(shell), { denylist: [SYNC_ROUTE, ...(options.networkOnly ?? [FILE_PATH])] }));

  const ready = new Set<string>();
  scope.addEventListener('message', (event) => {
    if ((event.data as { type?: unknown } | null)?.type !== CLIENT_READY) return;
    const source = event.source as Client | null;
    if (source) ready.add(source.id);
    event.waitUntil(
      (async () => {
        // Pages reload as this worker activates, so their message can come before it is done.
        await activated(scope);
        if (newerVersion(scope)) return;
        const windows = await scope.clients.matchAll({ type: 'window' });
        // A closed page never comes back (a reload is a new client): kept, ids piled up for the worker's life.
        for (const id of ready) if (!windows.some((c) => c.id === id)) ready.delete(id);
        if (windows.every((c) => ready.has(c.id))) await dropOtherBuilds(scope, controller);
      })(),
    );
  });
  return controller;
}

/**
 * A newer version installing or installed: it puts its files in this same cache, so they are not
 * in this worker's manifest, yet are not old (deleting them left it short of files it never fetches
 * again, and it then failed to start offline).
 */
const newerVersion = (scope: ServiceWorkerGlobalScope) => !!(scope.registration.installing || scope.registration.waiting);

/** PrecacheController.activate, but stopping as soon as a newer version starts to install. */
async function dropOtherBuilds(scope: ServiceWorkerGlobalScope, controller: PrecacheController): Promise<void> {
  const cache = await caches.open(controller.strategy.cacheName);
  // Files a version puts after this list are not on it; one that started before shows as installing.
  const cached = await cache.keys();
  const mine = new Set(controller.getURLsToCacheKeys().values());
  for (const request of cached) {
    if (newerVersion(scope)) return;
    if (!mine.has(request.url)) await cache.delete(request);
  }
}

function activated(scope: ServiceWorkerGlobalScope): Promise<void> {
  return new Promise((resolve) => {
    const sw = scope.registration.active;
    if (!sw || sw.state === 'activated') return resolve();
    sw.addEventListener('statechange', () => sw.state === 'activated' && resolve());
  });
}
