// A reactive controller host for a plain element: createApp renders the app into the element the
// page gives it (light DOM), without defining a custom element of its own.
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { render } from 'lit/html.js';

/** Renders `template()` into `renderRoot` whenever a controller asks for an update. */
export class RootHost implements ReactiveControllerHost, EventTarget {
  readonly #controllers = new Set<ReactiveController>();
  // Removes what was added through addEventListener: on disconnect, so the element (which outlives
  // the app) holds none of it, e.g. @lit-labs/router's listener for nested Routes, never removed.
  #listeners: Array<() => void> = [];
  #update: Promise<boolean> | undefined;
  #connected = false;

  constructor(
    readonly renderRoot: HTMLElement,
    readonly template: () => unknown,
  ) {}

  addController(controller: ReactiveController): void {
    this.#controllers.add(controller);
    if (this.#connected) controller.hostConnected?.();
  }

  removeController(controller: ReactiveController): void {
    this.#controllers.delete(controller);
  }

  requestUpdate(): void {
    this.#update ??= Promise.resolve().then(() => {
      this.#update = undefined;
      if (!this.#connected) return true;
      this.#controllers.forEach((c) => c.hostUpdate?.());
      render(this.template(), this.renderRoot);
      this.#controllers.forEach((c) => c.hostUpdated?.());
      return true;
    });
  }

  get updateComplete(): Promise<boolean> {
    return this.#update ?? Promise.resolve(true);
  }

  /** Replaces the root's content (e.g. a "Loading…" placeholder), connects the controllers and renders. */
  connect(): void {
    // Comments stay: a disposed app's Lit part, which an app mounted again in the root renders into.
    for (const node of [...this.renderRoot.childNodes]) if (node.nodeType != 8) node.remove();
    this.#connected = true;
    this.#controllers.forEach((c) => c.hostConnected?.());
    this.requestUpdate();
  }

  /** Disconnects the controllers and clears what was rendered. */
  disconnect(): void {
    this.#connected = false;
    this.#controllers.forEach((c) => c.hostDisconnected?.());
    this.#listeners.splice(0).forEach((remove) => remove());
    render(null, this.renderRoot);
  }

  // Events (link clicks, route connections) are the element's.
  addEventListener(type: string, listener: EventListenerOrEventListenerObject | null, options?: AddEventListenerOptions | boolean): void {
    (this.renderRoot as EventTarget).addEventListener(type, listener, options);
    this.#listeners.push(() => this.removeEventListener(type, listener, options));
  }

  removeEventListener(type: string, listener: EventListenerOrEventListenerObject | null, options?: EventListenerOptions | boolean): void {
    (this.renderRoot as EventTarget).removeEventListener(type, listener, options);
  }

  dispatchEvent(event: Event): boolean {
    return this.renderRoot.dispatchEvent(event);
  }
}
