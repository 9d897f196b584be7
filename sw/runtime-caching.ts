/// <reference lib="webworker" />
// Caches for what the build does not know: images and attachments, bounded by count and age.
import { registerRoute } from 'workbox-routing';
import { CacheFirst } from 'workbox-strategies';
import { ExpirationPlugin } from 'workbox-expiration';
import { precached } from './precached.js';

/** Options for {@link cacheMedia}. */
export interface MediaCacheOptions {
  /** Cache name (default `outpost-media`). */
  cacheName?: string;
  /** Most entries kept (default 200); the least recently used go first. */
  maxEntries?: number;
  /** Oldest entry kept, in seconds (default 30 days). */
  maxAgeSeconds?: number;
}

/**
 * Images (and other media) cache-first with expiration; a quota error empties this cache first.
 * Only complete answers (200) are kept, and never one the server marks `Cache-Control: no-store`.
 *
 * @example
 * cacheMedia({ maxEntries: 500 });
 */
export function cacheMedia(options: MediaCacheOptions = {}): void {
  const isMedia = (request: Request) => request.destination === 'image' || request.destination === 'video' || request.destination === 'audio';
  registerRoute(
    ({ request }) => isMedia(request),
    new CacheFirst({
      cacheName: options.cacheName ?? 'outpost-media',
      plugins: [
        new ExpirationPlugin({ maxEntries: options.maxEntries ?? 200, maxAgeSeconds: options.maxAgeSeconds ?? 30 * 24 * 3600, purgeOnQuotaError: true }),
        // What Workbox stores without a plugin (a 200: no opaque, error or partial answer), and not
        // what the server said must not be stored: a private attachment outlived the sign-out, shown
        // to whoever used the device next.
        { cacheWillUpdate: async ({ response }) => (response.status === 200 && !/no-store/i.test(response.headers.get('cache-control') ?? '') ? response : null) },
        // An image of the build (precached; an older build's while a tab still runs it) is not
        // fetched again: offline, the network would not have it. Asked for with a query of its own
        // (`icon.png?v=2`), it is not the build's: the precache's copy hid the server's.
        { cachedResponseWillBeUsed: async ({ request, cachedResponse }) => cachedResponse ?? (await precached(request)) ?? null },
      ],
    }),
  );
}
