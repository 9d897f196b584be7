// Demo app entry: the mail client, on the page's origin (where the stub serves it and syncs).
import { registerServiceWorker, watchInstallPrompt, type ServiceWorkerClient } from 'outpost';
import type { MailSession } from './app/mail-store.js';
import './ui/mail-app.js';

const app = document.querySelector('mail-app');
if (app) app.install = watchInstallPrompt();

if (import.meta.env.DEV) {
  // Dev builds never run under a service worker: drop one left by a production build so edits show.
  void navigator.serviceWorker?.getRegistrations().then((regs) => regs.forEach((r) => void r.unregister()));
  if (import.meta.env.LIVE_RELOAD_URL) {
    // esbuild announces each rebuild; reload to pick it up.
    new EventSource(import.meta.env.LIVE_RELOAD_URL).addEventListener('change', () => location.reload());
  }
} else if (app && 'serviceWorker' in navigator) {
  // The service worker makes the app start with no network; it also watches each account's sync
  // (an offline outbox asks for Background Sync, a 426 from the server asks for the update).
  const sessions: MailSession[] = [];
  let sw: ServiceWorkerClient | undefined;
  app.addEventListener('session-open', (e) => {
    const session = (e as CustomEvent<MailSession>).detail;
    sessions.push(session);
    sw?.watch(session.sync);
  });
  registerServiceWorker('/sw.js').then(
    (client) => {
      sw = client;
      app.sw = client;
      for (const s of sessions) client.watch(s.sync);
    },
    (err: Error) => console.warn(`Outpost Mail runs online only: ${err.message}`),
  );
}
