// The demo's service worker: the app shell offline, media cached, sync routes never cached, and
// every signed-in account's outbox pushed when the browser wakes the worker (Background Sync).
// Built by scripts/build-app.mjs with outpost-build (build-tools/: esbuild + workbox-build injectManifest) to dist/demo-app/sw.js.
import { accountStoreName, cacheMedia, handleBackgroundSync, handleLifecycle, openStore, precacheAppShell, readSessions, syncCollections, syncOnce } from 'outpost/sw';
import type { PrecacheEntry } from 'workbox-precaching';
import { MAIL_APP, MAIL_STORE_VERSION, mailCollections, sendMutator, syncedMailCollections } from './app/mail-schema.js';

declare const self: ServiceWorkerGlobalScope & { __WB_MANIFEST: Array<PrecacheEntry | string> };
declare const APP_VERSION: string;

handleLifecycle(self, { version: APP_VERSION });
// Every navigation is an app route (the demo links to no file the server serves), and a search for
// an address or a file name (`/u/0/search/report.pdf`) ends in a dotted segment: the default rule
// took it for a file, left it to the network, and a reload of it failed offline.
precacheAppShell(self, self.__WB_MANIFEST, { networkOnly: [] });
cacheMedia();
handleBackgroundSync(self, async () => {
  // The signed-in accounts are the framework's (outpost/accounts writes them to outpost/session's
  // database); each has its own store (`mail:<user>`).
  const failures: string[] = [];
  for (const { user, token } of await readSessions(MAIL_APP)) {
    const name = accountStoreName('mail', user);
    const store = await openStore({ name, version: MAIL_STORE_VERSION, collections: { ...mailCollections, ...syncCollections } });
    try {
      await syncOnce({ store, url: self.location.origin, auth: { token }, collections: syncedMailCollections, mutators: { send: sendMutator(user) } });
    } catch (err) {
      failures.push(`${name}: ${(err as Error).message}`);
    } finally {
      store.close();
    }
  }
  // A rejection makes the browser retry the Background Sync later; pending changes stay queued.
  if (failures.length) throw new Error(`Background sync failed for ${failures.join('; ')}`);
});
