// The demo's service worker: the app shell offline, media cached, sync routes never cached, and
// every signed-in account's outbox pushed when the browser wakes the worker (Background Sync).
// Built by scripts/build-app.mjs with outpost-build (build-tools/: esbuild + workbox-build injectManifest) to dist/demo-app/sw.js.
import { cacheMedia, handleBackgroundSync, handleLifecycle, openStore, precacheAppShell, syncCollections, syncOnce } from 'outpost/sw';
import type { PrecacheEntry } from 'workbox-precaching';
import { MAIL_STORE_PREFIX, MAIL_STORE_VERSION, mailCollections, sendMutator, syncedMailCollections, type SessionRecord } from './app/mail-schema.js';

declare const self: ServiceWorkerGlobalScope & { __WB_MANIFEST: Array<PrecacheEntry | string> };
declare const APP_VERSION: string;

handleLifecycle(self, { version: APP_VERSION });
precacheAppShell(self, self.__WB_MANIFEST);
cacheMedia();
handleBackgroundSync(self, async () => {
  // Each account has its own database (`mail:<user>`); sync those holding a token.
  const names = (await indexedDB.databases()).map((d) => d.name ?? '').filter((n) => n.startsWith(MAIL_STORE_PREFIX));
  const failures: string[] = [];
  for (const name of names) {
    const store = await openStore({ name, version: MAIL_STORE_VERSION, collections: { ...mailCollections, ...syncCollections } });
    try {
      const session = await store.collection<SessionRecord>('session').get('auth');
      if (!session) continue;
      const user = decodeURIComponent(name.slice(MAIL_STORE_PREFIX.length));
      await syncOnce({ store, url: self.location.origin, auth: { token: session.token }, collections: syncedMailCollections, mutators: { send: sendMutator(user) } });
    } catch (err) {
      failures.push(`${name}: ${(err as Error).message}`);
    } finally {
      store.close();
    }
  }
  // A rejection makes the browser retry the Background Sync later; pending changes stay queued.
  if (failures.length) throw new Error(`Background sync failed for ${failures.join('; ')}`);
});
