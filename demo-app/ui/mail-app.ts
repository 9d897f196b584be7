import { LitElement, css, html, type PropertyValues } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { InstallSource, UpdateSource } from 'outpost/components';
import { openAccounts, type Accounts } from 'outpost/accounts';
import { signOutAt, type Account } from '../app/accounts.js';
import { historyLocation, type AppLocation } from '../app/location.js';
import { mailStoreName, openMailSession, type MailSession } from '../app/mail-store.js';
import { mailPath, parseRoute, type Route } from '../app/routes.js';
import './mail-shell.js';
import './sign-in-page.js';

/**
 * The whole mail client: accounts side by side at `/u/0/…`, `/u/1/…` (each with its own store and
 * sync), the sign-in page, and the view switch keyed on the location. Mount it anywhere:
 *
 * @example
 * const app = document.createElement('mail-app');
 * app.server = 'http://127.0.0.1:8787';
 * document.body.append(app);
 */
@customElement('mail-app')
export class MailApp extends LitElement {
  static override styles = css`
    :host { display: block; height: 100%; }
    .loading { padding: 2rem; color: #5f6368; }
  `;

  /** Base URL of the sync server (default: the page's origin, where the stub serves the app). */
  @property() accessor server = location.origin;
  /** Where the app reads and changes its path (default: the address bar). */
  @property({ attribute: false }) accessor location: AppLocation = historyLocation();
  /** The signed-in accounts (outpost/accounts), each with its own store and sync, opened on first visit. */
  @property({ attribute: false }) accessor accountList: Accounts<MailSession> = openAccounts({
    app: 'outpost-mail',
    storeName: mailStoreName,
    open: (account, token) => openMailSession({ user: account.user, server: this.server, token }),
  });
  /** How long "Undo" can stop a send (ms). */
  @property({ type: Number }) accessor undoSendMs = 5000;
  /** The service worker, for the update prompt (production builds). */
  @property({ attribute: false }) accessor sw: UpdateSource | undefined;
  /** The install prompt, for the install button. */
  @property({ attribute: false }) accessor install: InstallSource | undefined;

  @state() accessor route: Route = { page: 'signin' };
  @state() accessor accounts: Account[] = [];
  @state() accessor #error = '';
  // Sessions already announced with `session-open`.
  readonly #announced = new WeakSet<MailSession>();
  #unsubscribe: (() => void) | undefined;

  override connectedCallback(): void {
    super.connectedCallback();
    this.accounts = this.accountList.list();
    this.accountList.addEventListener('change', this.#onAccounts);
    this.#follow();
    this.addEventListener('click', this.#onClick);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#unsubscribe?.();
    this.#unsubscribe = undefined;
    this.removeEventListener('click', this.#onClick);
    this.accountList.removeEventListener('change', this.#onAccounts);
    // Like closing the tab: syncing stops, the data and the outbox stay in IndexedDB.
    this.accountList.close();
  }

  // Signed in or out here or in another tab: the path may now name no account.
  #onAccounts = () => {
    this.accounts = this.accountList.list();
    this.#route();
  };

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('location') && this.isConnected) this.#follow();
  }

  #follow() {
    this.#unsubscribe?.();
    this.#unsubscribe = this.location.subscribe(() => this.#route());
    this.#route();
  }

  #route() {
    const route = parseRoute(this.location.path);
    if (route.page === 'mail' && !this.accounts[route.account]) {
      // No such account (signed out, or a fresh device): the first account, else sign-in.
      this.location.go(this.accounts.length ? mailPath(0, { kind: 'system', id: 'inbox' }) : '/signin', { replace: true });
      return;
    }
    if (route.page === 'signin' && this.location.path !== '/signin' && this.accounts.length) {
      this.location.go(mailPath(0, { kind: 'system', id: 'inbox' }), { replace: true });
      return;
    }
    this.route = route;
    if (route.page === 'mail') this.#session(this.accounts[route.account].user);
  }

  /** Opens (once: the account list shares one opening) the session of a signed-in user. */
  #session(user: string): void {
    this.accountList.session(user).then(
      (s) => {
        if (this.#announced.has(s)) return;
        this.#announced.add(s);
        this.requestUpdate();
        // main.ts hands each account's sync to the service worker (Background Sync when offline).
        this.dispatchEvent(new CustomEvent<MailSession>('session-open', { detail: s }));
      },
      (err: Error) => (this.#error = `Could not open ${user}'s mail on this device: ${err.message}`),
    );
  }

  /** Intercepts in-app links (`data-nav`) so they change the location without a page load. */
  #onClick = (e: MouseEvent) => {
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey) return;
    const a = e.composedPath().find((n): n is HTMLAnchorElement => n instanceof HTMLAnchorElement && n.hasAttribute('data-nav'));
    if (!a) return;
    e.preventDefault();
    a.closest('details')?.removeAttribute('open');
    this.location.go(new URL(a.href).pathname);
  };

  #signedIn(account: Account) {
    const index = this.accountList.signIn(account);
    // A session paused by a 401 resumes with the new token.
    this.accountList.opened(account.user)?.sync.setAuth(this.accountList.token(account.user));
    this.location.go(mailPath(index, { kind: 'system', id: 'inbox' }));
  }

  /** Signs a user out: stops their sync and wipes only their local store. */
  async signOut(user: string): Promise<void> {
    // Revoke the token at the server too, so a copy of it left anywhere stops working.
    const token = this.accountList.list().find((a) => a.user === user)?.token;
    if (token) void signOutAt(this.server, token);
    await this.accountList.signOut(user);
    this.location.go(this.accounts.length ? mailPath(0, { kind: 'system', id: 'inbox' }) : '/signin');
  }

  override render() {
    if (this.#error) return html`<p role="alert" class="loading">${this.#error}</p>`;
    const route = this.route;
    if (route.page === 'signin') {
      return html`<mail-sign-in .server=${this.server} .signedIn=${this.accounts.map((a) => a.user)} @signed-in=${(e: CustomEvent<Account>) => this.#signedIn(e.detail)}></mail-sign-in>`;
    }
    const account = this.accounts[route.account];
    const session = account && this.accountList.opened(account.user);
    if (!session) return html`<p class="loading">Opening your mail…</p>`;
    return html`<mail-shell
      .session=${session}
      .account=${route.account}
      .accounts=${this.accounts}
      .mailbox=${route.mailbox}
      .threadId=${route.threadId}
      .undoSendMs=${this.undoSendMs}
      .sw=${this.sw}
      .install=${this.install}
      @navigate=${(e: CustomEvent<string>) => this.location.go(e.detail)}
      @sign-out=${(e: CustomEvent<string>) => void this.signOut(e.detail)}
    ></mail-shell>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'mail-app': MailApp;
  }
}
