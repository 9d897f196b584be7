// The navigation layer over @lit-labs/router's `Routes`: `Routes` matches paths with URLPattern and
// renders the outlet; this adds history, the base path, query strings, guards, lazy modules, live
// route data, link interception, scroll restoration and focus management.
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { Routes, type RouteConfig as LitRouteConfig } from '@lit-labs/router/routes.js';
import type { Store } from '../store/index.js';
import { recoverFromStaleChunk } from '../sw-client/stale-chunk.js';
import { findHeading, focusHeading, settled } from './a11y.js';
import { appPath, appUrl, ensureURLPattern, interceptableUrl, normalizeBase } from './location.js';
import { startRouteData, type RouteData } from './route-data.js';
import type { ErrorViewContext, FallbackRoute, Guard, GuardContext, RouteConfig, RouteContext, RouteLocation, RouteParams } from './types.js';
import { defaultErrorView, notFoundRoute } from './views.js';

/** Options for {@link Router}. */
export interface RouterOptions {
  /** The path the app is served under, e.g. `/app/` (default `/`). Route paths are relative to it. */
  base?: string;
  /** The 404 route (default: a "Page not found" view with a link home). */
  fallback?: FallbackRoute;
  /** A guard run before every route's own, e.g. signed-out → `/login`. */
  guard?: Guard;
  /** The view for a route whose `load`, guard, `data`, `render` or `title` failed (default: a message and a Retry button). */
  errorView?: (ctx: ErrorViewContext) => unknown;
  /**
   * The store route `data` reads from: one store, or a function of the navigation giving the
   * store of that location (e.g. a store per account at `/u/:account/…`). A function runs after
   * the guards, and the route renders once its promise settled; a rejection shows the error view.
   */
  store?: Store | ((ctx: GuardContext) => Store | undefined | Promise<Store | undefined>);
  /**
   * When a lazy chunk fails to load, first try {@link recoverFromStaleChunk} (update the service
   * worker and reload once a minute at most: the tab may run a build the server no longer has).
   * Default true.
   */
  recoverStaleChunks?: boolean;
  /** The element that scrolls the views, when it is not the window (e.g. `<outpost-shell>`'s main). */
  scrollContainer?: () => Element | null | undefined;
}

/** Options for {@link Router.navigate}. */
export interface NavigateOptions {
  /** Replace the current history entry instead of adding one. */
  replace?: boolean;
}

type NavigationKind = 'push' | 'replace' | 'pop' | 'initial';

interface Navigation {
  id: number;
  url: URL;
  path: string;
  kind: NavigationKind;
  redirects: string[];
}

interface Current {
  navigation: Navigation;
  route: RouteConfig | FallbackRoute;
  location: RouteLocation;
  module: unknown;
  error: unknown;
  data: RouteData | undefined;
  store: Store | undefined;
  title?: string;
}

interface EntryState {
  outpostKey?: string;
  outpostScroll?: [number, number];
}

const newKey = () => Math.random().toString(36).slice(2, 10);
const MAX_REDIRECTS = 10;

/**
 * The app's router: a Lit reactive controller on the element that renders `router.outlet()`.
 * Events: `navigate` (after a view rendered; `detail` is the {@link RouteLocation}).
 *
 * @example
 * class TodoApp extends LitElement {
 *   router = new Router(this, [
 *     { path: '/', title: 'To-dos', render: () => html`<todo-list></todo-list>` },
 *     { path: '/todos/:id', load: () => import('./todo-view.js'), render: ({ params }) => html`<todo-view .id=${params.id}></todo-view>` },
 *   ], { base: '/app/', guard: ({ path }) => signedIn() || path === '/login' || '/login' });
 *   render() { return this.router.outlet(); }
 * }
 */
export class Router extends EventTarget implements ReactiveController {
  /** The base path, normalized: `''` for the site root, else like `/app`. */
  readonly base: string;
  /** The routes, in match order. */
  readonly routes: readonly RouteConfig[];
  readonly #host: ReactiveControllerHost & EventTarget;
  readonly #inner: Routes;
  readonly #options: RouterOptions;
  readonly #fallback: FallbackRoute;
  readonly #modules = new Map<() => Promise<unknown>, unknown>();
  readonly #positions = new Map<string, [number, number]>();
  readonly #ready = ensureURLPattern();
  /** The page's title as the router started: what a view without a `title` shows after one with. */
  readonly #title = document.title;
  /** Whether the last view's title was the route's (set by the router). */
  #named = false;
  #pending: Navigation | undefined;
  #current: Current | undefined;
  /** The first navigation's route's `pending` view, shown until a view commits. */
  #early: (() => unknown) | undefined;
  #navId = 0;
  #key = '';
  #scrollTarget: EventTarget | undefined;
  #listening: AbortController | undefined;
  // The navigation whose scroll position is being restored (0: none).
  #restoring = 0;

  constructor(host: ReactiveControllerHost & EventTarget, routes: RouteConfig[], options: RouterOptions = {}) {
    super();
    this.#host = host;
    this.#options = options;
    this.base = normalizeBase(options.base);
    this.routes = routes;
    this.#fallback = options.fallback ?? notFoundRoute;
    const litRoutes: LitRouteConfig[] = routes.map((route) => ({
      path: route.path,
      name: route.name,
      enter: (params) => this.#enter(route, params),
      render: () => this.#render(),
    }));
    // Routes only dispatches events on its host and reads nothing HTMLElement-specific from it.
    this.#inner = new Routes(host as ReactiveControllerHost & HTMLElement, litRoutes, {
      fallback: { enter: (params) => this.#enter(this.#fallback, params), render: () => this.#render() },
    });
    host.addController(this);
  }

  /** Where the app is now (undefined before the first navigation finished). */
  get location(): RouteLocation | undefined {
    return this.#current?.location;
  }

  /** The route rendered now: one of `routes`, or the fallback. */
  get route(): RouteConfig | FallbackRoute | undefined {
    return this.#current?.route;
  }

  /** The URL of an app path under the base path, for `<a href>`: `href('/todos?done=1')` → `/app/todos?done=1`. */
  href(path: string): string {
    const url = appUrl(path, this.base);
    return url.pathname + url.search + url.hash;
  }

  /** Every collection the routes declare they need offline (`route.collections`), deduplicated. */
  collections(): string[] {
    return [...new Set(this.routes.flatMap((r) => r.collections ?? []))];
  }

  /**
   * Goes to an app path (relative to the base; may carry `?query` and `#hash`). Resolves once the
   * new view rendered, or the navigation was redirected, cancelled or superseded.
   */
  navigate(path: string, options: NavigateOptions = {}): Promise<void> {
    return this.#go(options.replace ? 'replace' : 'push', appUrl(path, this.base));
  }

  /** Runs the current navigation again, e.g. after a lazy module failed to load. */
  retry(): Promise<void> {
    return this.#go('replace', this.#current?.location.url);
  }

  /** What the host renders where the view goes. */
  outlet(): unknown {
    return this.#inner.outlet() ?? this.#early?.();
  }

  hostConnected(): void {
    // Everything added here goes with one abort() when the host disconnects.
    const signal = (this.#listening = new AbortController()).signal;
    this.#host.addEventListener('click', (event) => {
      const url = interceptableUrl(event as MouseEvent, this.base);
      if (!url) return;
      event.preventDefault();
      void this.#go('push', url);
    }, { signal });
    addEventListener('popstate', () => {
      const url = new URL(location.href);
      const at = this.#current?.location.url;
      // An in-page `#hash` link (left to the browser) fires popstate too, on a new entry with no
      // state: the view stays where the browser scrolled it, and the entry gets a key of its own.
      // The location takes the new hash, and the view renders again with it (tabs by `#hash`).
      if (!history.state && at?.pathname === url.pathname && at.search === url.search) {
        history.replaceState({ outpostKey: (this.#key = newKey()) } satisfies EntryState, '');
        at.hash = url.hash;
        this.#host.requestUpdate();
      } else void this.#go('pop', url);
    }, { signal });
    addEventListener('pagehide', this.#saveScroll, { signal });
    // The router restores positions itself, after the view rendered (the browser would do it too early).
    history.scrollRestoration = 'manual';
    void this.#go('initial');
  }

  hostDisconnected(): void {
    // Also ends a navigation still under way (see #afterRender).
    this.#listening?.abort();
    // Not tied to the signal: a navigation started before the host connected may have added it.
    this.#scrollTarget?.removeEventListener('scroll', this.#onScroll);
    this.#scrollTarget = undefined;
    this.#current?.data?.stop();
    this.#navId++;
  }

  #onScroll = (): void => {
    this.#positions.set(this.#key, this.#scrollPosition());
  };

  #saveScroll = (): void => {
    const state = (history.state ?? {}) as EntryState;
    history.replaceState({ ...state, outpostKey: this.#key, outpostScroll: this.#scrollPosition() } satisfies EntryState, '');
  };

  #container(): Element | null | undefined {
    return this.#options.scrollContainer?.();
  }

  #scrollPosition(): [number, number] {
    const el = this.#container();
    return el ? [el.scrollLeft, el.scrollTop] : [scrollX, scrollY];
  }

  #scrollTo([x, y]: [number, number]): void {
    (this.#container() ?? window).scrollTo(x, y);
  }

  async #go(kind: NavigationKind, url = new URL(location.href), redirects: string[] = []): Promise<void> {
    // The connection this navigation runs in: a disconnect ends it.
    const signal = this.#listening?.signal;
    // To the address bar's URL (a link to it, navigate() or a redirect there): no second entry.
    if (kind === 'push' && url.href === location.href) kind = 'replace';
    await this.#ready;
    const id = ++this.#navId;
    const path = appPath(url.pathname, this.base) ?? url.pathname;
    this.#pending = { id, url, path, kind, redirects };
    await this.#inner.goto(path);
    // Routes renders the committed view from here on (or the navigation was superseded, and the
    // newer one's route decides).
    if (this.#current) this.#early = undefined;
    const current = this.#current;
    if (current?.navigation.id !== id) return;
    await this.#afterRender(current, signal);
  }

  #context(route: RouteConfig | FallbackRoute, navigation: Navigation, params: RouteParams, store = this.#options.store): GuardContext {
    const { url, path } = navigation;
    // A store function is resolved per navigation (#enter); guards see no store then.
    return { path, url, params, query: new URLSearchParams(url.search), route, store: typeof store === 'function' ? undefined : store, href: (p) => this.href(p) };
  }

  /** `Routes` calls this before rendering a route; false cancels (stale, redirected or blocked). */
  async #enter(route: RouteConfig | FallbackRoute, params: RouteParams): Promise<boolean> {
    const navigation = this.#pending;
    if (!navigation) return false;
    const stale = () => navigation.id !== this.#navId;
    let ctx = this.#context(route, navigation, params);
    let module: unknown;
    let error: unknown;
    let data: RouteData | undefined;

    for (const guard of [this.#options.guard, 'guard' in route ? route.guard : undefined]) {
      if (!guard || error) continue;
      let verdict: Awaited<ReturnType<Guard>>;
      try {
        verdict = await guard(ctx);
      } catch (e) {
        error = e;
        break;
      }
      if (stale()) return false;
      if (typeof verdict === 'string') return this.#redirect(navigation, verdict);
      if (verdict === false) {
        if (navigation.kind === 'push' || navigation.kind === 'replace') return false;
        // The address bar already shows the blocked path: render the 404 rather than nothing.
        return this.#commitFallback(navigation);
      }
    }

    // The first view may paint before the store opens (e.g. from a snapshot): the route says what.
    const pending = 'pending' in route ? route.pending : undefined;
    // A render only when there is a view to show, or a superseded navigation's to take down.
    if (!this.#current && (pending || this.#early)) {
      this.#early = pending && (() => pending(ctx));
      this.#host.requestUpdate();
    }

    // The route's chunk loads while the location's store opens: both are needed to render.
    const loading = error || !('load' in route && route.load) ? undefined : this.#load(route.load);
    const storeOf = this.#options.store;
    if (!error && typeof storeOf === 'function') {
      try {
        ctx = { ...ctx, store: await storeOf(ctx) };
      } catch (e) {
        error = e;
      }
      if (stale()) return false;
    }

    try {
      module = await loading;
    } catch (e) {
      if (this.#options.recoverStaleChunks !== false && (await recoverFromStaleChunk(e))) return false;
      error ??= e;
    }
    if (stale()) return false;

    if (!error && 'data' in route && route.data) {
      const store = ctx.store;
      if (!store) {
        error = new Error(`Route '${route.path}' declares data, but the router has no store. Pass { store } to new Router() or createApp().`);
      } else {
        let query;
        try {
          query = route.data(ctx);
        } catch (e) {
          error = e;
        }
        // The very query object the current view runs (an app keeping one per store, e.g. a mail
        // route's labels): its live result is current, so it keeps running instead of being read
        // again before the view renders (opening a conversation re-read the labels).
        const kept = this.#current?.data;
        if (query) data = kept?.query === query ? kept : await startRouteData(store, query, () => this.#current?.data === data && this.#host.requestUpdate());
        if (stale()) {
          data?.stop();
          return false;
        }
      }
    }
    return this.#commit(navigation, route, ctx, module, error, data);
  }

  async #load(load: () => Promise<unknown>): Promise<unknown> {
    // By loader, not route: routes sharing one chunk share its `load`, and an `import()` of a
    // module already loaded still resolves a task later (in Chromium after the next frame, 12-16
    // ms of a search's 90 in the demo).
    if (this.#modules.has(load)) return this.#modules.get(load);
    // Only a success is kept: Retry calls `load` again.
    const module = await load();
    this.#modules.set(load, module);
    return module;
  }

  #redirect(from: Navigation, to: string): boolean {
    const redirects = [...from.redirects, from.path];
    if (redirects.length > MAX_REDIRECTS) {
      const error = new Error(`Too many redirects: ${[...redirects, to].join(' → ')}. A guard keeps sending the router in a loop; make it return true for the path it redirects to.`);
      return this.#commitFallback(from, error);
    }
    // A first load's redirect is still the first load: the browser announces it, and a view must
    // show (see #enter). A Back or Forward cannot push: it replaces.
    void this.#go(from.kind === 'pop' ? 'replace' : from.kind, appUrl(to, this.base), redirects);
    return false;
  }

  /** The 404 route, or with `error` the error view, for `navigation`. */
  #commitFallback(navigation: Navigation, error?: unknown): boolean {
    return this.#commit(navigation, this.#fallback, this.#context(this.#fallback, navigation, {}), undefined, error, undefined);
  }

  /** Makes `navigation` current; every caller has just checked that no newer one started. */
  #commit(navigation: Navigation, route: RouteConfig | FallbackRoute, ctx: GuardContext, module: unknown, error: unknown, data: RouteData | undefined): boolean {
    const { url, kind } = navigation;
    const state = (history.state ?? {}) as EntryState;
    // The view being left is still rendered: keep where its scroll container is (it may be an
    // element the view re-creates, which no scroll listener saw).
    if (this.#key) this.#positions.set(this.#key, this.#scrollPosition());
    if (kind === 'push') {
      this.#saveScroll();
      this.#key = newKey();
      history.pushState({ outpostKey: this.#key } satisfies EntryState, '', url);
    } else {
      // Every entry keeps its own key, a new one when it has none (a first load, or an entry the
      // app pushed itself, which a navigate() to the address bar's URL replaces): a key shared
      // with another entry would restore that one's scroll position.
      this.#key = state.outpostKey || newKey();
      history.replaceState({ ...state, outpostKey: this.#key } satisfies EntryState, '', url);
    }
    if (this.#current?.data !== data) this.#current?.data?.stop();
    this.#current = { navigation, route, location: { path: ctx.path, url: ctx.url, params: ctx.params, query: ctx.query }, module, error, data, store: ctx.store };
    return true;
  }

  #render(): unknown {
    const current = this.#current;
    if (!current) return undefined;
    const { route } = current;
    // The route's own code throwing is its error: the error view shows it (a throw here would
    // leave the page blank, and the navigation unfinished).
    if (current.error === undefined) {
      try {
        const ctx = this.#renderContext(current);
        current.title = typeof route.title === 'function' ? route.title(ctx) : route.title;
        return route.render(ctx);
      } catch (e) {
        current.error = e;
      }
    }
    return (this.#options.errorView ?? defaultErrorView)({ error: current.error, path: current.location.path, retry: () => this.retry() });
  }

  #renderContext(current: Current): RouteContext {
    const base = this.#context(current.route, current.navigation, current.location.params, current.store);
    return { ...base, module: current.module, data: current.data?.value, dataError: current.data?.error };
  }

  async #afterRender(current: Current, signal: AbortSignal | undefined): Promise<void> {
    const live = () => this.#current === current && !signal?.aborted;
    await this.#host.updateComplete;
    const root = (this.#host as { renderRoot?: ParentNode }).renderRoot ?? (this.#host as unknown as ParentNode);
    await settled(root);
    if (!live()) return;
    const { kind, url } = current.navigation;
    const heading = findHeading(root);
    // Computed as the view rendered (#render).
    const title = current.error === undefined ? current.title : undefined;
    // A view without a title of its own is the app's page, not the one left (tab, history list).
    // Only where the router named the page before: an app naming pages itself is left alone.
    if (title || this.#named) document.title = title || this.#title;
    this.#named = !!title;
    const text = title ?? heading?.textContent?.trim() ?? document.title;

    const target = this.#container() ?? window;
    if (this.#scrollTarget !== target) {
      this.#scrollTarget?.removeEventListener('scroll', this.#onScroll);
      target.addEventListener('scroll', this.#onScroll, { passive: true });
      this.#scrollTarget = target;
    }
    const saved = ((history.state ?? {}) as EntryState).outpostScroll;
    // A first load with a position saved (pagehide) is a reload, or a return the back-forward cache
    // did not keep: back to where the page was, as Back and Forward.
    if (kind === 'pop' || (kind === 'initial' && saved)) {
      const id = (this.#restoring = current.navigation.id);
      // The person scrolling, pointing or typing takes over from a restoration still under way.
      for (const type of ['wheel', 'touchstart', 'pointerdown', 'keydown']) addEventListener(type, () => this.#restoring === id && (this.#restoring = 0), { once: true, capture: true, passive: true, signal });
      const to = this.#positions.get(this.#key) ?? saved ?? [0, 0];
      // Scrolls back to `to`; while the view's content is still loading (too short to get there),
      // again on the next frames, until the person takes over, another navigation starts, the host
      // disconnects, or about 10 s. Checked before scrolling: a frame already asked for must not
      // scroll once the person took over.
      const restore = (frames: number) => {
        if (!live() || this.#restoring !== id) return;
        this.#scrollTo(to);
        const [x, y] = this.#scrollPosition();
        if ((x - to[0]) ** 2 + (y - to[1]) ** 2 > 2 && frames) requestAnimationFrame(() => restore(frames - 1));
      };
      restore(600);
    } else {
      // On a first load too: the browser looked for the `#hash` target before the view existed.
      let anchor;
      try {
        anchor = url.hash && root.querySelector(`[id="${CSS.escape(decodeURIComponent(url.hash.slice(1)))}"]`);
      } catch {
        // No valid percent-encoding (`#100%`): no target to scroll to, and the navigation goes on.
      }
      if (anchor) anchor.scrollIntoView();
      else if (kind === 'push') this.#scrollTo([0, 0]);
    }
    // No read of where the view now is: it would lay the new view out within this task (14 ms of
    // the demo's route to the inbox). Scroll events keep the position, and #commit reads it when
    // the view is left.

    // A first load is announced by the browser itself; moving focus then would skip the page's start.
    if (kind !== 'initial') {
      // After the frame that paints the view: focusing it lays it out, which here would delay its
      // first paint (13–16 ms of the demo's route to the inbox, a 58–86 ms task).
      // A hidden page paints no frame: it focuses at once.
      if (!document.hidden) await new Promise((r) => requestAnimationFrame(() => setTimeout(r)));
      if (!live()) return;
      if (heading) focusHeading(heading);
      // Lazy (see announcer.ts); offline without a service worker the chunk may be missing: no announcement then.
      import('./announcer.js').then((m) => m.Announcer.announce(text), () => undefined);
    }
    this.dispatchEvent(new CustomEvent<RouteLocation>('navigate', { detail: current.location }));
  }
}
