import { LitElement, css, html } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { signIn, SignInError, type Account } from '../app/accounts.js';

/**
 * The sign-in form. Fires `signed-in` (detail: {@link Account}) once the server accepted the
 * password; the app keeps the token and opens the account.
 */
@customElement('mail-sign-in')
export class MailSignIn extends LitElement {
  static override styles = css`
    :host { display: grid; place-items: center; min-height: 100%; padding: 2rem 1rem; box-sizing: border-box; }
    form { display: grid; gap: 0.75rem; width: min(100%, 22rem); padding: 2rem; border: 1px solid #dadce0; border-radius: 8px; background: #fff; }
    h1 { margin: 0 0 0.5rem; font-size: 1.5rem; }
    label { display: grid; gap: 0.25rem; font-size: 0.9rem; color: #3c4043; }
    input { font: inherit; padding: 0.5rem; border: 1px solid #80868b; border-radius: 4px; }
    button { font: inherit; padding: 0.6rem; border: 0; border-radius: 4px; background: #0b57d0; color: #fff; cursor: pointer; }
    button[disabled] { opacity: 0.7; }
    .error { color: #b3261e; margin: 0; }
    .hint { color: #5f6368; font-size: 0.85rem; margin: 0; }
    a { color: #0b57d0; }
  `;

  /** Base URL of the sync server. */
  @property() accessor server = '';

  /** Users already signed in (to offer "back to your mail"). */
  @property({ attribute: false }) accessor signedIn: string[] = [];

  @state() accessor #error = '';
  @state() accessor #busy = false;

  async #submit(e: SubmitEvent) {
    e.preventDefault();
    const data = new FormData(e.target as HTMLFormElement);
    this.#busy = true;
    this.#error = '';
    try {
      const account = await signIn(this.server, String(data.get('user')).trim(), String(data.get('password')));
      this.dispatchEvent(new CustomEvent<Account>('signed-in', { detail: account, bubbles: true, composed: true }));
    } catch (err) {
      this.#error = err instanceof SignInError ? err.message : `Sign-in failed: ${(err as Error).message}`;
    } finally {
      this.#busy = false;
    }
  }

  override firstUpdated(): void {
    // The page's one task: start in its first field, unless the person already focused something.
    // (An in-app navigation here then moves focus to the heading, as the router does for any view.)
    if (!document.activeElement || document.activeElement === document.body) this.renderRoot.querySelector<HTMLInputElement>('input[name=user]')?.focus();
  }

  override render() {
    return html`<main>
      <form @submit=${this.#submit} aria-labelledby="title">
        <h1 id="title">Sign in to Outpost Mail</h1>
        <label>User name <input name="user" autocomplete="username" required autocapitalize="off" /></label>
        <label>Password <input name="password" type="password" autocomplete="current-password" required /></label>
        ${this.#error ? html`<p class="error" role="alert">${this.#error}</p>` : ''}
        <button ?disabled=${this.#busy}>${this.#busy ? 'Signing in…' : 'Sign in'}</button>
        <p class="hint">Demo accounts: alice / alice and bob / bob.</p>
        ${this.signedIn.length ? html`<p class="hint">Signed in already: ${this.signedIn.map((u, i) => html`<a href="/u/${i}/inbox">${u}</a> `)}</p>` : ''}
      </form>
    </main>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'mail-sign-in': MailSignIn;
  }
}
