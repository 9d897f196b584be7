// The announcement after an in-app navigation, in its own chunk: nothing waits for it (the text goes
// in 50 ms later anyway), so it is loaded on the first navigation rather than with every app.

/**
 * A visually hidden polite live region on `document.body`, shared by every router of the page
 * (screen readers track one region better than a new one per message).
 */
export class Announcer {
  static #region: HTMLElement | undefined;
  static #timer: ReturnType<typeof setTimeout> | undefined;

  /** The live region element (created on first use). */
  static get region(): HTMLElement {
    if (!Announcer.#region?.isConnected) {
      const region = document.createElement('div');
      region.setAttribute('aria-live', 'polite');
      region.setAttribute('aria-atomic', 'true');
      region.setAttribute('data-outpost-announcer', '');
      region.style.cssText = 'position:absolute;width:1px;height:1px;margin:-1px;padding:0;overflow:hidden;clip:rect(0 0 0 0);clip-path:inset(50%);white-space:nowrap;border:0';
      document.body.append(region);
      Announcer.#region = region;
    }
    return Announcer.#region;
  }

  /** Announces `message` politely. */
  static announce(message: string): void {
    const region = Announcer.region;
    // Clearing first makes a repeated message (same title twice) count as a change.
    region.textContent = '';
    clearTimeout(Announcer.#timer);
    Announcer.#timer = setTimeout(() => (region.textContent = message), 50);
  }
}
