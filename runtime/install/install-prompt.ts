// PWA installation as the app sees it: the browser's deferred prompt, captured once at startup.

interface BeforeInstallPromptEvent extends Event {
  prompt(): Promise<void>;
  readonly userChoice: Promise<{ outcome: 'accepted' | 'dismissed' }>;
}

/**
 * Whether the app can be installed now, and the way to ask. Captures `beforeinstallprompt` (so the
 * browser's mini-infobar stays away until the app offers installation itself) and `appinstalled`.
 * Fires `change` when {@link installable} or {@link installed} changes.
 */
export class InstallPrompt extends EventTarget {
  #deferred: BeforeInstallPromptEvent | undefined;
  #installed = false;
  readonly #onPrompt = (e: Event) => {
    e.preventDefault();
    this.#deferred = e as BeforeInstallPromptEvent;
    this.dispatchEvent(new Event('change'));
  };
  readonly #onInstalled = () => {
    this.#deferred = undefined;
    this.#installed = true;
    this.dispatchEvent(new Event('change'));
  };

  /** @internal Use {@link watchInstallPrompt}. */
  constructor(readonly target: EventTarget = globalThis) {
    super();
    target.addEventListener('beforeinstallprompt', this.#onPrompt);
    target.addEventListener('appinstalled', this.#onInstalled);
    // Already running as an installed app: nothing to offer.
    const { matchMedia } = globalThis as { matchMedia?: (query: string) => { matches: boolean } };
    this.#installed = !!matchMedia?.('(display-mode: standalone)').matches;
  }

  /** True when the browser offered installation and it has not happened yet. */
  get installable(): boolean {
    return !!this.#deferred && !this.#installed;
  }

  /** True once the app was installed (or runs installed). */
  get installed(): boolean {
    return this.#installed;
  }

  /** Shows the browser's install dialog; resolves with the user's answer. */
  async prompt(): Promise<'accepted' | 'dismissed' | 'unavailable'> {
    const event = this.#deferred;
    if (!event) return 'unavailable';
    // A deferred prompt can be shown once only.
    this.#deferred = undefined;
    await event.prompt();
    const { outcome } = await event.userChoice;
    this.dispatchEvent(new Event('change'));
    return outcome;
  }

  /** Stops listening. */
  dispose(): void {
    this.target.removeEventListener('beforeinstallprompt', this.#onPrompt);
    this.target.removeEventListener('appinstalled', this.#onInstalled);
  }
}

/**
 * Starts capturing the browser's install prompt. Call it early (before the page's `load`), since
 * the browser fires `beforeinstallprompt` once.
 *
 * @example
 * const install = watchInstallPrompt();
 * installButton.install = install; // <outpost-install-button> shows itself when installable
 */
export function watchInstallPrompt(target: EventTarget = globalThis): InstallPrompt {
  return new InstallPrompt(target);
}
