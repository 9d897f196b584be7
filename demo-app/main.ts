// Demo app entry: the mail client on the framework's lifecycle (createApp: router, routes, service
// worker), on the page's origin (where the stub serves it and syncs).
import { html } from 'lit';
import { createApp, watchInstallPrompt, type ServiceWorkerClient, type Sync } from 'outpost';
import { openAccounts } from 'outpost/accounts';
import 'outpost/components/update-prompt.js';
import { signOutAt, type Account } from './app/accounts.js';
import { MAIL_APP } from './app/mail-schema.js';
import { mailStoreName, openMailSession, type MailSession } from './app/mail-store.js';
import { homeOf, mailPath } from './app/routes.js';
import { accountStore, mailRoutes, signInGuard } from './ui/app-routes.js';
import type { MailShell } from './ui/mail-shell.js';

const server = location.origin;
const root = document.getElementById('app')!;

// Several accounts side by side at /u/0, /u/1 (outpost/accounts), each with its own store and sync.
const accounts = openAccounts<MailSession>({
  app: MAIL_APP,
  storeName: mailStoreName,
  open: (account, token) => openMailSession({ user: account.user, server, token }),
});

// The service worker, registered by createApp after the first view (production builds), watches
// each open account's sync: an offline outbox asks for Background Sync, a 426 asks for the update.
const watched = new WeakSet<Sync>();
let sw: ServiceWorkerClient | undefined;
const watchSyncs = () => {
  for (const { user } of accounts.list()) {
    const sync = accounts.opened(user)?.sync;
    if (sync && sw && !watched.has(sync)) {
      watched.add(sync);
      sw.watch(sync);
    }
  }
};

if (import.meta.env.DEV) {
  // Dev builds never run under a service worker: drop one left by a production build so edits show.
  void navigator.serviceWorker?.getRegistrations().then((regs) => regs.forEach((r) => void r.unregister()));
  if (import.meta.env.LIVE_RELOAD_URL) {
    // esbuild announces each rebuild; reload to pick it up.
    new EventSource(import.meta.env.LIVE_RELOAD_URL).addEventListener('change', () => location.reload());
  }
}

const app = await createApp({
  root,
  routes: mailRoutes({ accounts, server, install: watchInstallPrompt() }),
  router: {
    guard: signInGuard(accounts),
    store: accountStore(accounts, () => queueMicrotask(watchSyncs)),
    // The list and a conversation scroll themselves; the router keeps their position per history entry.
    scrollContainer: () => root.querySelector<MailShell>('mail-shell')?.scroller,
  },
  layout: (outlet, running) => html`${outlet}<outpost-update-prompt .sw=${running.sw} message="A new version of Outpost Mail is ready."></outpost-update-prompt>`,
  // The service worker makes the app start with no network (production builds only, see above).
  serviceWorker: import.meta.env.DEV || !('serviceWorker' in navigator) ? undefined : '/sw.js',
});
app.addEventListener('error', (e) => {
  const { step, error } = (e as CustomEvent<{ step: string; error: Error }>).detail;
  if (step === 'service-worker') console.warn(`Outpost Mail runs online only: ${error.message}`);
});
void app.ready.then(() => {
  sw = app.sw;
  watchSyncs();
});

const router = app.router;
root.addEventListener('navigate', (e) => void router.navigate((e as CustomEvent<string>).detail));
root.addEventListener('signed-in', (e) => {
  const account = (e as CustomEvent<Account>).detail;
  const index = accounts.signIn(account);
  // A session paused by a 401 resumes with the new token.
  accounts.opened(account.user)?.sync.setAuth(accounts.token(account.user));
  void router.navigate(mailPath(index, { kind: 'system', id: 'inbox' }));
});
root.addEventListener('sign-out', (e) => {
  const user = (e as CustomEvent<string>).detail;
  // Revoke the token at the server too, so a copy of it left anywhere stops working.
  const token = accounts.list().find((a) => a.user === user)?.token;
  if (token) void signOutAt(server, token);
  // Stops the account's sync and wipes only its store; the change below re-routes.
  void accounts.signOut(user).then(() => router.navigate(homeOf('/', accounts.list().length)));
});
// Signed in or out here or in another tab: the path may now name no account (the guard decides).
accounts.addEventListener('change', () => void router.retry());
