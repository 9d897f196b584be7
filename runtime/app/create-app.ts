// One lifecycle for every Outpost app: local data first, the network after.
import type { Store } from '../store/index.js';
import { refusal } from '../store/errors.js';
import type { Sync } from '../sync/index.js';
import { registerServiceWorker } from '../sw-client/register.js';
import type { ServiceWorkerClient, ServiceWorkerOptions } from '../sw-client/service-worker-client.js';
import { requestPersistence, type StorageReport } from '../sw-client/persistence.js';
import { Router, type RouterOptions } from '../router/router.js';
import type { RouteConfig } from '../router/types.js';
import { RootHost } from './root-host.js';

/** A value, a promise of it, or a function making it (called when the lifecycle gets there). */
export type Provided<T, A extends unknown[] = []> = T | Promise<T> | ((...args: A) => T | Promise<T>);

/** The lifecycle steps, in order; errors name the step they happened in. */
export type AppStep = 'store' | 'render' | 'sync' | 'service-worker' | 'persistence';

/** Options for {@link createApp}. */
export interface AppOptions {
  /** The element the app renders into (or a CSS selector for it). Its content is replaced as the app mounts. */
  root: Element | string;
  /** The routes (see `Router`). */
  routes: RouteConfig[];
  /**
   * Router options: `base`, `guard`, `fallback`, `errorView`, `scrollContainer`, and `store` when
   * route data reads from a store per location (e.g. per account) instead of the app's `store`.
   */
  router?: RouterOptions;
  /** Wraps the routed view, e.g. in `<outpost-shell>`; re-rendered as the lifecycle advances. */
  layout?: (outlet: unknown, app: App) => unknown;
  /** The store, opened before anything renders. Route `data` reads from it. The app closes it on dispose, or when createApp fails. */
  store?: Provided<Store>;
  /** The sync engine, started once the first view rendered from the store (a factory gets the store). */
  sync?: Provided<Sync, [Store]>;
  /** The service worker script to register after sync started, e.g. `'/sw.js'`; or with options. */
  serviceWorker?: string | ({ url: string } & ServiceWorkerOptions);
  /** The web app manifest URL: a `<link rel="manifest">` is added to the page if it has none. */
  manifest?: string;
  /** Ask the browser to keep the data (`requestPersistence()`) after the first complete sync (default true). */
  persistence?: boolean;
}

/**
 * A running app. Events: `error` (`detail: { step, error }`, for failures after `createApp`
 * resolved: sync, service worker, persistence), `persistence` (`detail`: the {@link StorageReport}).
 */
export interface App extends EventTarget {
  /** The router (navigate, href, current location). */
  readonly router: Router;
  /** The store, when one was given. */
  readonly store: Store | undefined;
  /** The sync engine, once started. */
  readonly sync: Sync | undefined;
  /** The service worker client, once registered. */
  readonly sw: ServiceWorkerClient | undefined;
  /** Resolves when every step ran: sync started and the service worker registered (or failed: see `error`). */
  readonly ready: Promise<void>;
  /** Resolves with the browser's answer after the first complete sync (never without sync or with `persistence: false`). */
  readonly persistence: Promise<StorageReport>;
  /** Stops sync, the service worker client's watchers and the router, closes the store and clears the root. */
  dispose(): void;
}

const provide = async <T, A extends unknown[]>(value: Provided<T, A>, ...args: A): Promise<T> =>
  typeof value === 'function' ? (value as (...a: A) => T | Promise<T>)(...args) : value;

class RunningApp extends EventTarget implements App {
  router!: Router;
  store: Store | undefined;
  sync: Sync | undefined;
  sw: ServiceWorkerClient | undefined;
  ready: Promise<void> = Promise.resolve();
  persistence: Promise<StorageReport>;
  resolvePersistence!: (report: StorageReport) => void;
  host!: RootHost;
  disposed = false;
  readonly cleanups: Array<() => void> = [];

  constructor() {
    super();
    this.persistence = new Promise((resolve) => (this.resolvePersistence = resolve));
  }

  fail(step: AppStep, error: unknown): void {
    console.error(`Outpost app: the ${step} step failed.`, error);
    this.dispatchEvent(new CustomEvent('error', { detail: { step, error } }));
  }

  dispose(): void {
    this.disposed = true;
    this.cleanups.splice(0).forEach((f) => f());
    this.sw?.dispose();
    this.sync?.close();
    this.host?.disconnect();
    this.store?.close();
  }
}

/**
 * Creates and mounts an app. The lifecycle, one step after the other:
 *
 * 1. **store**: opens the store (no network);
 * 2. **render**: mounts the router into `root` and renders the current route from local data,
 *    online or not (createApp resolves here);
 * 3. **sync**: starts the sync engine;
 * 4. **service-worker**: registers the service worker and lets it watch sync;
 * 5. **persistence**: after the first complete sync, asks the browser to keep the data.
 *
 * @example
 * const app = await createApp({
 *   root: document.body,
 *   store: () => openStore({ name: 'todo', version: 1, collections: { todos: { keyPath: 'id' }, ...syncCollections } }),
 *   sync: (store) => createSync({ store, url: 'https://sync.example.com', auth: { token }, collections: { todos: {} } }),
 *   serviceWorker: '/sw.js',
 *   routes: [{ path: '/', render: () => html`<todo-list></todo-list>` }],
 * });
 * await app.router.navigate('/');
 */
export async function createApp(options: AppOptions): Promise<App> {
  const root = typeof options.root === 'string' ? document.querySelector(options.root) : options.root;
  if (!(root instanceof HTMLElement)) {
    throw new Error(`createApp: root ${typeof options.root === 'string' ? `'${options.root}' matches no element` : 'is not an HTML element'}. Pass the element to render into, e.g. { root: document.body }, after the page has parsed it.`);
  }
  const app = new RunningApp();
  if (options.manifest && !document.querySelector('link[rel="manifest"]')) {
    const link = Object.assign(document.createElement('link'), { rel: 'manifest', href: options.manifest });
    document.head.append(link);
    app.cleanups.push(() => link.remove());
  }

  app.store = options.store === undefined ? undefined : await provide(options.store);
  if (app.store) checkCollections(options.routes, app.store);

  app.host = new RootHost(root, () => (options.layout ? options.layout(app.router.outlet(), app) : app.router.outlet()));
  app.router = new Router(app.host, options.routes, { store: app.store, ...options.router });
  const firstView = new Promise((resolve) => app.router.addEventListener('navigate', resolve, { once: true }));
  app.host.connect();
  await firstView;

  app.ready = startNetwork(app, options);
  return app;
}

async function startNetwork(app: RunningApp, options: AppOptions): Promise<void> {
  if (options.sync !== undefined) {
    try {
      if (!app.store && typeof options.sync === 'function') throw new Error('createApp: sync is a factory of the store, but no store was given. Pass { store } too.');
      const sync = await provide(options.sync, app.store as Store);
      if (app.disposed) return sync.close();
      app.sync = sync;
      app.host.requestUpdate();
      if (options.persistence !== false) watchFirstSync(app, app.sync);
    } catch (error) {
      app.fail('sync', error);
    }
  }
  if (options.serviceWorker !== undefined) {
    const { url, ...swOptions } = typeof options.serviceWorker === 'string' ? { url: options.serviceWorker } : options.serviceWorker;
    try {
      const sw = await registerServiceWorker(url, swOptions);
      if (app.disposed) return sw.dispose();
      app.sw = sw;
      if (app.sync) app.sw.watch(app.sync);
      app.host.requestUpdate();
    } catch (error) {
      app.fail('service-worker', error);
    }
  }
}

function watchFirstSync(app: RunningApp, sync: Sync): void {
  let asked = false;
  const stop = sync.subscribe((status) => {
    if (asked || status.lastSyncedAt === undefined) return;
    asked = true;
    // Deferred: subscribe() calls back synchronously, before `stop` exists.
    queueMicrotask(() => stop());
    requestPersistence().then(
      (report) => {
        app.resolvePersistence(report);
        app.dispatchEvent(new CustomEvent('persistence', { detail: report }));
      },
      (error: unknown) => app.fail('persistence', error),
    );
  });
  app.cleanups.push(stop);
}

/**
 * Every collection a route declares must exist in the store, or the route cannot work offline.
 * Its StoreError's message is in the store's lazy chunk, which openStore loaded.
 */
function checkCollections(routes: RouteConfig[], store: Store): void {
  for (const route of routes) {
    for (const name of route.collections ?? []) {
      if (!Object.hasOwn(store.schema.collections, name)) {
        // The app never ran: its store is closed as dispose() would (a factory's has no other owner).
        store.close();
        throw refusal('unknown-collection/route', name, route.path, store.name);
      }
    }
  }
}
