import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { SyncStatus } from './status.js';

/** Anything with a subscribable sync status, e.g. the object `createSync()` returns. */
export interface SyncStatusSource {
  subscribe(fn: (status: SyncStatus) => void): () => void;
}

/**
 * A Lit controller exposing the sync engine's status as `value`, re-rendering on each change.
 *
 * @example
 * class Badge extends LitElement {
 *   sync = new SyncStatusController(this, sync);
 *   render() { return html`${this.sync.value?.state} · ${this.sync.value?.pending} pending`; }
 * }
 */
export class SyncStatusController implements ReactiveController {
  value: SyncStatus | undefined;
  readonly #host: ReactiveControllerHost;
  readonly #source: SyncStatusSource;
  #stop: (() => void) | undefined;

  constructor(host: ReactiveControllerHost, source: SyncStatusSource) {
    this.#host = host;
    this.#source = source;
    host.addController(this);
  }

  hostConnected(): void {
    this.#stop = this.#source.subscribe((s) => {
      this.value = s;
      this.#host.requestUpdate();
    });
  }

  hostDisconnected(): void {
    this.#stop?.();
    this.#stop = undefined;
  }
}
