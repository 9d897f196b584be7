import type { ReactiveController, ReactiveControllerHost } from 'lit';

/**
 * Keeps one subscription open while its host element is connected: `open(...inputs)` opens it and
 * returns what closes it. Opened when the host connects, closed when it disconnects, and closed
 * and opened again before an update whose `inputs()` differ (item by item, `===`) from the ones it
 * was opened with — the store or sync engine a component was given, say.
 *
 * @example
 * // In a LitElement: observe the conflicts of whichever engine `.sync` holds.
 * #conflicts = new Subscription(this, () => [this.sync] as const, (sync) => sync?.conflicts.observe((list) => (this.list = list)));
 */
export class Subscription<I extends readonly unknown[]> implements ReactiveController {
  readonly #host: ReactiveControllerHost & HTMLElement;
  readonly #inputs: () => I;
  readonly #open: (...inputs: [...I]) => (() => void) | undefined | void;
  #opened: I | undefined;
  #close: (() => void) | undefined | void;

  constructor(host: ReactiveControllerHost & HTMLElement, inputs: () => I, open: (...inputs: [...I]) => (() => void) | undefined | void) {
    this.#host = host;
    this.#inputs = inputs;
    this.#open = open;
    host.addController(this);
  }

  hostConnected(): void {
    this.#sync();
  }

  hostUpdate(): void {
    this.#sync();
  }

  hostDisconnected(): void {
    this.#close?.();
    this.#close = this.#opened = undefined;
  }

  #sync(): void {
    // A disconnected element still updates when a property is set: it must not open anything then.
    if (!this.#host.isConnected) return;
    const next = this.#inputs();
    const was = this.#opened;
    if (was && next.length === was.length && next.every((v, i) => v === was[i])) return;
    this.#close?.();
    this.#opened = next;
    this.#close = this.#open(...next);
  }
}
