// The page side of the service worker: registration, update flow and background-sync requests,
// on workbox-window.
import { Workbox } from 'workbox-window';
import { CLIENT_READY, GET_VERSION, SKIP_WAITING, SYNC_NOW, SYNC_TAG } from '../protocol/sw-messages.js';
import { reloadPage } from './reload.js';

/** Options for {@link registerServiceWorker}. */
export interface ServiceWorkerOptions {
  /** Registration scope (default: the script's folder). */
  scope?: string;
  /** How often to check for a new version while the app is open (default 1 hour; 0 turns it off). */
  updateIntervalMs?: number;
  /** Reload this tab when a new version takes over after {@link ServiceWorkerClient.applyUpdate} (default true). */
  reloadOnUpdate?: boolean;
}

/** Sync engines the client watches: a `426` answer asks for the update; an offline outbox asks for Background Sync. */
export interface SyncLike extends EventTarget {
  readonly status: { state: string; pending: number };
  subscribe(fn: (status: { state: string; pending: number }) => void): () => void;
}

/** What {@link ServiceWorkerClient.syncInWorker} resolves with: `code` says why when not `ok`. */
export interface WorkerSyncAnswer {
  ok: boolean;
  /** `no-worker`, `worker-no-answer`, or the failed sync's code (`sync-failed` when it had none). */
  code?: string;
  error?: string;
}

/** What {@link registerServiceWorker} rejects with when there is no worker: `code` says why. */
export interface ServiceWorkerRegistrationError extends Error {
  /** `sw-unsupported`: this browsing context has no service workers; `sw-registration-failed`: the browser did not register the script (`cause` holds its error). */
  readonly code: 'sw-unsupported' | 'sw-registration-failed';
}

const registrationError = (code: ServiceWorkerRegistrationError['code'], message: string, cause?: unknown): ServiceWorkerRegistrationError => Object.assign(new Error(message, { cause }), { code });

interface SyncManagerLike {
  register(tag: string): Promise<void>;
  getTags(): Promise<string[]>;
}

/**
 * A registered service worker, as the app sees it. Events (vite-plugin-pwa's names):
 * `offline-ready` (a worker controls the app, or one that does not claim pages is active: it now
 * starts with no network), `update-available`
 * (a new version waits, and again for a newer one replacing it; call {@link applyUpdate} when the user agrees), `controlling` (a new
 * version took over this tab).
 */
export class ServiceWorkerClient extends EventTarget {
  readonly #wb: Workbox;
  readonly #reload: boolean;
  #registration: ServiceWorkerRegistration | undefined;
  #updateAvailable = false;
  /** The waiting version `update-available` was fired for: a newer one replacing it is announced too. */
  #announced: ServiceWorker | undefined;
  #offlineReady = false;
  #reloading = false;
  readonly #cleanups: Array<() => void> = [];

  /** @internal Use `registerServiceWorker()`. */
  constructor(readonly scriptUrl: string, options: ServiceWorkerOptions) {
    super();
    if (!('serviceWorker' in navigator)) throw registrationError('sw-unsupported', `registerServiceWorker('${scriptUrl}'): this browser context has no service workers (private mode or an insecure origin). The app still runs, online only.`);
    this.#wb = new Workbox(scriptUrl, options.scope ? { scope: options.scope } : {});
    this.#reload = options.reloadOnUpdate ?? true;
  }

  /** The browser's registration (after {@link registerServiceWorker} resolved). */
  get registration(): ServiceWorkerRegistration | undefined {
    return this.#registration;
  }

  /** True while a new version waits to take over. */
  get updateAvailable(): boolean {
    return this.#updateAvailable;
  }

  /** True once a service worker controls the app, so it starts with no network. */
  get offlineReady(): boolean {
    return this.#offlineReady;
  }

  /** @internal */
  async start(options: ServiceWorkerOptions, loadedWith = navigator.serviceWorker.controller): Promise<void> {
    let wasControlled = !!loadedWith;
    this.#wb.addEventListener('waiting', (e) => this.#setUpdateAvailable(e.sw));
    // A worker that does not claim the page (an app's own, not handleLifecycle's) serves it from
    // the next load: ready too once the first one is active, unless it removed itself as it
    // activated (a kill switch), which leaves no registration.
    this.#wb.addEventListener('activated', (e) => {
      if (!e.isUpdate) void navigator.serviceWorker.getRegistration(this.#registration?.scope).then((reg) => reg?.active && this.#setOfflineReady());
    });
    // Every open tab reloads once when a new version takes over, so no tab keeps running old code
    // against a new precache; the first install (no previous controller) needs no reload.
    const onControllerChange = () => {
      this.dispatchEvent(new Event('controlling'));
      const replaced = wasControlled;
      wasControlled = true;
      // Ready once a worker serves the page, not once one installed: a kill switch installs too,
      // then unregisters (the app said it worked offline, and did not).
      this.#setOfflineReady();
      if (replaced && this.#reload && !this.#reloading) {
        this.#reloading = true;
        reloadPage();
      }
    };
    navigator.serviceWorker.addEventListener('controllerchange', onControllerChange);
    this.#cleanups.push(() => navigator.serviceWorker.removeEventListener('controllerchange', onControllerChange));
    // Taken over before this listened (another tab applied an update while this one booted): the
    // controllerchange it missed. Told it was ready, the new worker deleted the old build's files
    // under this page, still running it.
    if (loadedWith && navigator.serviceWorker.controller !== loadedWith) onControllerChange();
    // A failed registration (a 404 or non-JavaScript script, an insecure origin) is the browser's
    // TypeError or SecurityError: given a code and the fix, and nothing left listening.
    this.#registration = await this.#wb.register({ immediate: true }).catch((cause: unknown) => {
      this.dispose();
      throw registrationError('sw-registration-failed', `registerServiceWorker('${this.scriptUrl}'): the browser did not register the worker (${cause instanceof Error ? cause.message : String(cause)}). Serve the script at that URL from the app's origin, as JavaScript, over https or from localhost. The app still runs, online only.`, cause);
    });
    if (!this.#registration) throw registrationError('sw-registration-failed', `registerServiceWorker('${this.scriptUrl}'): the browser refused the registration. Serve the app over https or from localhost, and the worker from the app's origin.`);
    if (navigator.serviceWorker.controller) this.#setUpdateAvailable(this.#registration.waiting);
    const controller = navigator.serviceWorker.controller;
    if (controller) this.#setOfflineReady();
    // Ready only on the worker that served this build (or, on a first visit, the network did).
    if (controller && (!loadedWith || controller === loadedWith)) controller.postMessage({ type: CLIENT_READY });
    const interval = options.updateIntervalMs ?? 60 * 60 * 1000;
    if (interval > 0) {
      const timer = setInterval(() => void this.update(), interval);
      const onFocus = () => void this.update();
      addEventListener('focus', onFocus);
      this.#cleanups.push(() => clearInterval(timer), () => removeEventListener('focus', onFocus));
    }
  }

  #setUpdateAvailable(waiting: ServiceWorker | null | undefined): void {
    if (!waiting || waiting === this.#announced) return;
    this.#announced = waiting;
    this.#updateAvailable = true;
    this.dispatchEvent(new Event('update-available'));
  }

  #setOfflineReady(): void {
    if (this.#offlineReady) return;
    this.#offlineReady = true;
    this.dispatchEvent(new Event('offline-ready'));
  }

  /** Asks the server for a new version now; resolves with whether one waits. */
  async update(): Promise<boolean> {
    try {
      await this.#wb.update();
      await installed(this.#registration?.installing);
    } catch {
      // Offline or the worker script is unreachable: the next check tries again.
    }
    if (navigator.serviceWorker.controller) this.#setUpdateAvailable(this.#registration?.waiting);
    return this.#updateAvailable;
  }

  /**
   * Lets the waiting version take over; every open tab then reloads once on it. Pending changes
   * are safe: the outbox lives in IndexedDB, not in the page.
   */
  async applyUpdate(): Promise<void> {
    if (!this.#registration?.waiting) await this.update();
    this.#wb.messageSkipWaiting();
    void this.#askAgain(this.#registration?.waiting);
  }

  /**
   * A message to a worker that is starting up can be dropped (seen in Chromium with the tab in the
   * background): ask again while the same worker still waits, for a minute at most (five asks over
   * 10 s all went unheard once in a CI run with two tabs open).
   */
  async #askAgain(waiting: ServiceWorker | null | undefined): Promise<void> {
    for (let i = 0; i < 30 && waiting; i++) {
      await new Promise((r) => setTimeout(r, 2000));
      if (this.#registration?.waiting !== waiting || this.#reloading) return;
      waiting.postMessage({ type: SKIP_WAITING });
    }
  }

  /** The version string the controlling worker reports, if it answers. */
  async version(): Promise<string | undefined> {
    const sw = navigator.serviceWorker.controller;
    if (!sw) return undefined;
    const { port1, port2 } = new MessageChannel();
    const answer = new Promise<{ version?: string }>((resolve) => {
      port1.onmessage = (e: MessageEvent<{ version?: string }>) => resolve(e.data);
      setTimeout(() => resolve({}), 2000);
    });
    sw.postMessage({ type: GET_VERSION }, [port2]);
    return (await answer).version;
  }

  /**
   * Asks the worker to push pending changes even if every tab closes: a Background Sync
   * registration where the browser has it (Chromium), else nothing (tabs push on their next
   * start, focus or `online`). Resolves with whether the browser took the request. A tag the
   * browser still holds (waiting, firing, or kept for a retry) is not registered again: that made a
   * firing sync fire again at once, and with a tab leading, a loop of failed cycles past the backoff.
   */
  async requestBackgroundSync(): Promise<boolean> {
    const reg = this.#registration as (ServiceWorkerRegistration & { sync?: SyncManagerLike }) | undefined;
    if (!reg?.sync) return false;
    try {
      if (!(await reg.sync.getTags()).includes(SYNC_TAG)) await reg.sync.register(SYNC_TAG);
      return true;
    } catch {
      return false;
    }
  }

  /**
   * Asks the controlling worker to run a sync cycle now; resolves with its answer. A worker that
   * does not take the request within 10 s answers `worker-no-answer` for it: a worker without
   * `handleBackgroundSync`, or a message lost while it started, left this promise pending for good.
   */
  async syncInWorker(): Promise<WorkerSyncAnswer> {
    const sw = navigator.serviceWorker.controller;
    if (!sw) return { ok: false, code: 'no-worker', error: 'syncInWorker(): no service worker controls this page yet (first visit, or a hard reload). Pending changes stay in the outbox and the tabs push them; try again once offline-ready has fired.' };
    const { port1, port2 } = new MessageChannel();
    const answer = new Promise<WorkerSyncAnswer>((resolve) => {
      const silent = setTimeout(() => resolve({ ok: false, code: 'worker-no-answer', error: `syncInWorker(): the service worker ${sw.scriptURL} did not take the request within 10 s: its script does not call handleBackgroundSync(self, run) from outpost/sw, or the message was lost while it started. Pending changes stay in the outbox and the tabs push them; call handleBackgroundSync in the worker, or try again.` }), 10_000);
      port1.onmessage = (e: MessageEvent<WorkerSyncAnswer | { started: true }>) => {
        clearTimeout(silent);
        if (!('started' in e.data)) resolve(e.data);
      };
    });
    // `ack`: the worker says at once that it took the request (a worker before it answers only at the end).
    sw.postMessage({ type: SYNC_NOW, ack: true }, [port2]);
    return answer;
  }

  /**
   * Watches a sync engine: pending changes while offline ask for Background Sync, and a server
   * that needs a newer app (`update-required`, HTTP 426) checks for the update.
   */
  watch(sync: SyncLike): () => void {
    const unsubscribe = sync.subscribe((s) => {
      if (s.pending > 0 && (s.state === 'offline' || s.state === 'unreachable' || s.state === 'error')) void this.requestBackgroundSync();
    });
    const onUpdateRequired = () => void this.update();
    sync.addEventListener('update-required', onUpdateRequired);
    // Stopped, it leaves #cleanups too: kept there, it held each watched engine for the client's life.
    const stop = () => {
      unsubscribe();
      sync.removeEventListener('update-required', onUpdateRequired);
      const at = this.#cleanups.indexOf(stop);
      if (at >= 0) this.#cleanups.splice(at, 1);
    };
    this.#cleanups.push(stop);
    return stop;
  }

  /** Stops the periodic update checks and watchers (the registration stays). */
  dispose(): void {
    this.#cleanups.splice(0).forEach((f) => f());
  }
}

/** Resolves once an installing worker has installed (or failed to). */
function installed(worker: ServiceWorker | null | undefined): Promise<void> {
  if (!worker) return Promise.resolve();
  return new Promise((resolve) => {
    const check = () => {
      if (worker.state !== 'installing') {
        worker.removeEventListener('statechange', check);
        resolve();
      }
    };
    worker.addEventListener('statechange', check);
    check();
  });
}

/**
 * Waits until `next` has installed, asks it to take over, and resolves once it is no longer
 * installing or waiting (activating: every tab reloads then), or after 30 s (recoverFromStaleChunk).
 * @internal
 */
export function takeOver(next: ServiceWorker): Promise<unknown> {
  return new Promise((done) => {
    const step = () => (next.state == 'installed' ? next.postMessage({ type: SKIP_WAITING }) : next.state != 'installing' && done(0));
    next.addEventListener('statechange', step);
    step();
    setTimeout(done, 30_000);
  });
}
