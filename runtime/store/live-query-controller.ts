import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { Store } from './store.js';
import type { Collection, StoredRecord } from './collection.js';
import type { LiveDiff } from './live.js';
import type { Query } from './query.js';

/**
 * A Lit controller that keeps `value` equal to a live query's latest result and re-renders its
 * host on each change; it subscribes on connect and unsubscribes on disconnect.
 *
 * Given a collection and a query, it follows `collection.observe`: the rows are patched from the
 * written keys (not re-read), rows that did not change keep their objects — so a keyed list
 * (`repeat`, `<outpost-virtual-list>`) re-renders only the rows `diff` names — and a write that
 * changes no row does not update the host. Given a store, collections and a function, it re-runs
 * the function after each write to those collections (`store.observe`), for derived values.
 *
 * @example
 * class InboxView extends LitElement {
 *   inbox = new LiveQueryController(this, store.collection('messages'), { index: 'byDate', direction: 'prev', limit: 50 });
 *   count = new LiveQueryController(this, store, ['messages'], () => store.collection('messages').count());
 *   render() { return html`${this.inbox.value?.map((m) => html`<p>${m.subject}</p>`)}`; }
 * }
 */
export class LiveQueryController<R> implements ReactiveController {
  /** The latest result; undefined until the first read completes. */
  value: R | undefined;
  /** What changed in the rows with the latest result (collection queries only; `reset` on the first). */
  diff: LiveDiff | undefined;
  /** The last error from the query, cleared by the next success. */
  error: unknown;
  readonly #host: ReactiveControllerHost;
  readonly #subscribe: (ok: (value: R, diff?: LiveDiff) => void, fail: (error: unknown) => void) => () => void;
  #stop: (() => void) | undefined;

  /** Follows `collection.observe(query)`: `value` is the rows, `diff` what the last change did. */
  constructor(host: ReactiveControllerHost, collection: { observe(query: Query, onResult: (rows: R, diff: LiveDiff) => void, onError?: (error: unknown) => void): () => void }, query: Query);
  /** Re-runs `run` after each committed write to `collections` (`store.observe`). */
  constructor(host: ReactiveControllerHost, store: Store, collections: string[], run: () => Promise<R>);
  constructor(host: ReactiveControllerHost, source: Store | Pick<Collection, 'observe'>, a: string[] | Query, run?: () => Promise<R>) {
    this.#host = host;
    this.#subscribe = (ok, fail) => (run ? (source as Store).observe(a as string[], run, ok, fail) : (source as Collection).observe(a as Query, ok as (rows: StoredRecord[], diff: LiveDiff) => void, fail));
    host.addController(this);
  }

  hostConnected(): void {
    const ok = (value: R, diff?: LiveDiff) => {
      this.value = value;
      this.diff = diff;
      this.error = undefined;
      this.#host.requestUpdate();
    };
    const fail = (error: unknown) => {
      this.error = error;
      this.#host.requestUpdate();
    };
    this.#stop = this.#subscribe(ok, fail);
  }

  hostDisconnected(): void {
    this.#stop?.();
    this.#stop = undefined;
  }
}
