// The service worker: precaches the build (the app starts with no network), applies updates
// safely, and pushes the signed-in account's pending changes when the browser wakes it.
import { handleBackgroundSync, handleLifecycle, openStore, precacheAppShell, readSession, syncOnce } from 'outpost/sw';
import { APP, synced, todoSchema } from './schema.js';

declare const self: ServiceWorkerGlobalScope & { __WB_MANIFEST: Array<{ url: string; revision: string | null } | string> };
/** The app version, set by `outpost build`. */
declare const APP_VERSION: string;

handleLifecycle(self, { version: APP_VERSION });
precacheAppShell(self, self.__WB_MANIFEST);
handleBackgroundSync(self, async () => {
  const session = await readSession(APP);
  if (!session) return;
  const store = await openStore(todoSchema(session.user));
  try {
    await syncOnce({ store, url: self.location.origin, auth: { token: session.token }, collections: synced });
  } finally {
    store.close();
  }
});
