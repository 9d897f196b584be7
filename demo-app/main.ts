// Demo app entry: the mail client, on the page's origin (where the stub serves it and syncs).
import './ui/mail-app.js';

if (import.meta.env.DEV) {
  // Dev builds never run under a service worker: drop one left by a production build so edits show.
  void navigator.serviceWorker?.getRegistrations().then((regs) => regs.forEach((r) => void r.unregister()));
  if (import.meta.env.LIVE_RELOAD_URL) {
    // esbuild announces each rebuild; reload to pick it up.
    new EventSource(import.meta.env.LIVE_RELOAD_URL).addEventListener('change', () => location.reload());
  }
}
