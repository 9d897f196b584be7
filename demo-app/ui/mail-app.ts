import { LitElement, css, html, type PropertyValues } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { InstallSource, UpdateSource } from 'outpost/components';
import { AccountList, type Account } from '../app/accounts.js';
import { historyLocation, type AppLocation } from '../app/location.js';
import { openMailSession, wipeMailStore, type MailSession } from '../app/mail-store.js';
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
  /** Where signed-in accounts are kept (tests use their own key). */
  @property({ attribute: false }) accessor accountList = new AccountList();
  /** How long "Undo" can stop a send (ms). */
  @property({ type: Number }) accessor undoSendMs = 5000;
  /** The service worker, for the update prompt (production builds). */
  @property({ attribute: false }) accessor sw: UpdateSource | undefined;
  /** The install prompt, for the install button. */
  @property({ attribute: false }) accessor install: InstallSource | undefined;

  @state() accessor route: Route = { page: 'signin' };
  @state() accessor accounts: Account[] = [];
  @state() accessor #error = '';
  readonly #sessions = new Map<string, MailSession>();
  readonly #opening = new Map<string, Promise<MailSession>>();
  #unsubscribe: (() => void) | undefined;

  override connectedCallback(): void {
    super.connectedCallback();
    this.accounts = this.accountList.all();
    this.#follow();
    this.addEventListener('click', this.#onClick);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#unsubscribe?.();
    this.#unsubscribe = undefined;
    this.removeEventListener('click', this.#onClick);
    // Like closing the tab: syncing stops, the data and the outbox stay in IndexedDB.
    for (const s of this.#sessions.values()) s.close();
    this.#sessions.clear();
    this.#opening.clear();
  }

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
    if (route.page === 'mail') void this.#session(this.accounts[route.account].user);
  }

  /** Opens (once) the session of a signed-in user. */
  #session(user: string): Promise<MailSession> {
    let opening = this.#opening.get(user);
    if (!opening) {
      opening = openMailSession({ user, server: this.server, token: () => this.accountList.all().find((a) => a.user === user)?.token });
      this.#opening.set(user, opening);
      opening.then(
        (s) => {
          if (!this.isConnected) return s.close();
          this.#sessions.set(user, s);
          this.requestUpdate();
          // main.ts hands each account's sync to the service worker (Background Sync when offline).
          this.dispatchEvent(new CustomEvent<MailSession>('session-open', { detail: s }));
        },
        (err: Error) => (this.#error = `Could not open ${user}'s mail on this device: ${err.message}`),
      );
    }
    return opening;
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
    const index = this.accountList.save(account);
    this.accounts = this.accountList.all();
    // A session paused by a 401 resumes with the new token.
    this.#sessions.get(account.user)?.sync.setAuth(() => this.accountList.all().find((a) => a.user === account.user)?.token);
    this.location.go(mailPath(index, { kind: 'system', id: 'inbox' }));
  }

  /** Signs a user out: stops their sync and wipes only their local store. */
  async signOut(user: string): Promise<void> {
    const session = this.#sessions.get(user) ?? (await this.#opening.get(user)?.catch(() => undefined));
    session?.close();
    this.#sessions.delete(user);
    this.#opening.delete(user);
    this.accountList.remove(user);
    this.accounts = this.accountList.all();
    await wipeMailStore(user);
    this.location.go(this.accounts.length ? mailPath(0, { kind: 'system', id: 'inbox' }) : '/signin');
  }

  override render() {
    if (this.#error) return html`<p role="alert" class="loading">${this.#error}</p>`;
    const route = this.route;
    if (route.page === 'signin') {
      return html`<mail-sign-in .server=${this.server} .signedIn=${this.accounts.map((a) => a.user)} @signed-in=${(e: CustomEvent<Account>) => this.#signedIn(e.detail)}></mail-sign-in>`;
    }
    const account = this.accounts[route.account];
    const session = account && this.#sessions.get(account.user);
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
