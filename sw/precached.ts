// The build's own copy of a file, for routes that answer from the precache when they can.
import { cacheNames } from 'workbox-core';

/**
 * The precache's response for `request`, or undefined. The query is ignored only when the request
 * has none (the revision a precache key carries): asked for with a query of its own
 * (`/version.json?t=…`, `icon.png?v=2`), it is not the build's copy, and the server answers.
 */
export const precached = (request: Request): Promise<Response | undefined> => caches.match(request, { cacheName: cacheNames.precache, ignoreSearch: !new URL(request.url).search });
