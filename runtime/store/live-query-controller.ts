import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { Store } from './store.js';

/**
 * A Lit controller that keeps `value` equal to a live query's latest result and re-renders its
 * host on each change; it subscribes on connect and unsubscribes on disconnect.
 *
 * @example
 * class InboxView extends LitElement {
 *   inbox = new LiveQueryController(this, store, ['messages'], () =>
 *     store.collection('messages').query({ index: 'byDate', direction: 'prev', limit: 50 }));
 *   render() { return html`${this.inbox.value?.map((m) => html`<p>${m.subject}</p>`)}`; }
 * }
 */
export class LiveQueryController<R> implements ReactiveController {
  /** The latest result; undefined until the first read completes. */
  value: R | undefined;
  /** The last error from the query, cleared by the next success. */
  error: unknown;
  readonly #host: ReactiveControllerHost;
  readonly #store: Store;
  readonly #collections: string[];
  readonly #run: () => Promise<R>;
  #stop: (() => void) | undefined;

  constructor(host: ReactiveControllerHost, store: Store, collections: string[], run: () => Promise<R>) {
    this.#host = host;
    this.#store = store;
    this.#collections = collections;
    this.#run = run;
    host.addController(this);
  }

  hostConnected(): void {
    this.#stop = this.#store.observe(
      this.#collections,
      this.#run,
      (value) => {
        this.value = value;
        this.error = undefined;
        this.#host.requestUpdate();
      },
      (error) => {
        this.error = error;
        this.#host.requestUpdate();
      },
    );
  }

  hostDisconnected(): void {
    this.#stop?.();
    this.#stop = undefined;
  }
}
