// The demo's service worker: the app shell offline, media cached, sync routes never cached.
// Built by scripts/build-app.mjs (esbuild + workbox-build injectManifest) to dist/demo-app/sw.js.
import { cacheMedia, handleLifecycle, precacheAppShell } from 'outpost/sw';
import type { PrecacheEntry } from 'workbox-precaching';

declare const self: ServiceWorkerGlobalScope & { __WB_MANIFEST: Array<PrecacheEntry | string> };
declare const APP_VERSION: string;

handleLifecycle(self, { version: APP_VERSION });
precacheAppShell(self, self.__WB_MANIFEST);
cacheMedia();
