// What the docs' TypeScript samples assume an app already has: the free variables they use without
// declaring them (`store`, `sync`, a `Message` type…). test/docs/samples.node.test.ts checks every
// ```ts block of README.md and docs/*.md as a module of this folder, with these in scope.
//
// Keep it honest and short: each name has the type the real API gives it (`store` is what
// openStore() returns, `sw` what registerServiceWorker() returns…), so a sample that misuses the
// API still fails. Add a name only when several samples share it or a sample cannot show where it
// comes from without burying its point. This file is excluded from the repository's tsconfig.json:
// its globals must not leak into the repository's own code.
import type { App, Collection, InstallPrompt, Router, RouteConfig, ServiceWorkerClient, Store, Sync } from 'outpost';
import type { Account, AccountSession, Accounts } from 'outpost/accounts';
import type { OutpostToaster } from 'outpost/components';
import type { SessionStore } from 'outpost/session';

declare global {
  /** A mail app's message, as the samples of store.md and components.md show it. */
  interface Message {
    id: string;
    threadId: string;
    date: number;
    labels: string[];
    from: string;
    subject: string;
    text: string;
  }
  /** A row of a list view (router.md's snapshot sample). */
  interface Row {
    id: string;
    subject: string;
  }
  /** A signed-in account's session in the mail app (openAccounts' `open` returns it). */
  interface MailSession extends AccountSession {
    sync: Sync;
  }

  // The app's objects.
  const store: Store;
  const sync: Sync;
  const sw: ServiceWorkerClient;
  const install: InstallPrompt;
  const app: App;
  const router: Router;
  const routes: RouteConfig[];
  const accounts: Accounts<MailSession>;
  /** openSessionStore()'s (outpost/session). */
  const session: SessionStore;
  const toaster: OutpostToaster;
  const token: string;

  // The app's data at hand.
  const messages: Collection<Message>;
  const message: Message;
  const list: Message[];
  const thread: { id: string; subject: string };
  const threads: Array<{ id: string; subject: string }>;
  const selected: string[];
  const id: string;
  const button: HTMLButtonElement;

  // The app's own functions.
  function render(value: unknown): void;
  function showError(error: unknown): void;
  function toast(message: string): void;
  function showUpdatePrompt(): void;
  function go(path: string): void;
  function openMailSession(account: Account, token: () => string | undefined): Promise<MailSession>;
}
