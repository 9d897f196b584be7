// The blank app's service worker: the demo's building blocks (lifecycle, app-shell precache, media
// cache), so the two cold starts differ only in the app.
import { cacheMedia, handleLifecycle, precacheAppShell } from 'outpost/sw';
import type { PrecacheEntry } from 'workbox-precaching';

declare const self: ServiceWorkerGlobalScope & { __WB_MANIFEST: Array<PrecacheEntry | string> };
declare const APP_VERSION: string;

handleLifecycle(self, { version: APP_VERSION });
precacheAppShell(self, self.__WB_MANIFEST);
cacheMedia();
