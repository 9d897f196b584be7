// The shapes an app declares routes with, and what a route's render and guard receive.
import type { Store } from '../store/index.js';

/**
 * Path parameters matched by a route's pattern, e.g. `{ id: '42' }` for `/todos/:id`: as the URL has
 * them, percent-encoded (URLPattern's groups), so `decodeURIComponent(params.id)` gives the text.
 */
export type RouteParams = Record<string, string | undefined>;

/** A live query a route reads: re-run whenever a committed write touches one of `collections`. */
export interface LiveQuery<R> {
  /** The collections the query reads (a write to any of them re-runs it). */
  readonly collections: string[];
  /** Reads the result from the store. */
  readonly run: () => Promise<R>;
}

/** Where a navigation goes, as the router sees it. */
export interface RouteLocation {
  /** The path inside the app, without the base path, e.g. `/todos/42`. */
  readonly path: string;
  /** The query string, parsed. */
  readonly query: URLSearchParams;
  /** The path parameters of the matched route (empty for the 404 route). */
  readonly params: RouteParams;
  /** The full URL. */
  readonly url: URL;
}

/** What a guard and a route's `data` receive. */
export interface GuardContext extends RouteLocation {
  /** The route that matched (the `fallback` for a path no route matches). */
  readonly route: RouteConfig<unknown> | FallbackRoute;
  /** The store given to the router, if any. */
  readonly store: Store | undefined;
  /** The URL of an app path under the base path, for `<a href>`: `href('/todos')` → `/app/todos`. */
  href(path: string): string;
}

/** What a route's `render` receives. */
export interface RouteContext<D = unknown> extends GuardContext {
  /**
   * The latest result of the route's `data` live query: read from IndexedDB before the view first
   * renders, and updated (with a re-render) after every write to its collections, online or not.
   * Undefined when the route declares no `data`, or when the query failed (see `dataError`).
   */
  readonly data: D | undefined;
  /** The error of the last `data` run, if it failed. */
  readonly dataError: unknown;
  /** The module `load` resolved with (undefined without `load`). */
  readonly module: unknown;
}

/**
 * What a guard answers: `true` (or nothing) lets the navigation through, a path string redirects
 * there, `false` cancels it (a link click or `navigate()` does nothing; on first load or
 * back/forward, where the address bar already changed, the 404 route renders instead).
 */
export type GuardResult = boolean | string | void;

/** A guard: may be async, e.g. to read the session from the store. */
export type Guard = (ctx: GuardContext) => GuardResult | Promise<GuardResult>;

/** A title computed from the route context, e.g. from its data. */
// Method syntax keeps the parameter bivariant, so a route with typed data fits a `RouteConfig[]`.
export type RouteTitle<D> = { title(ctx: RouteContext<D>): string }['title'];

/** One route. `D` is the type of its live `data`. */
export interface RouteConfig<D = unknown> {
  /** A URLPattern pathname relative to the base path, e.g. `/todos/:id` or `/files/*`. */
  path: string;
  /** A name for `RouteController` and events. */
  name?: string;
  /** The title: set as `document.title` and announced to screen readers after the navigation (without one, `document.title` goes back to the page's own, as when the router started, where the view before had a route title). */
  title?: string | RouteTitle<D>;
  /** Runs before the route renders; see {@link GuardResult}. */
  guard?: Guard;
  /**
   * A lazy module for this route, e.g. `() => import('./views/todo.js')`: bundlers emit one chunk per
   * route. The route renders after it resolves; if it fails, an error view with a Retry button does.
   * It is called once per function: routes rendered by one chunk share one `load`, so moving
   * between them waits for no `import()`.
   */
  load?: () => Promise<unknown>;
  /**
   * A live query from the store whose result the view renders from (see `RouteContext.data`).
   * Returning the very object the current view's query is keeps it running across the navigation
   * (no re-read before rendering): return one object per store for data that does not depend on
   * the path.
   */
  data?(ctx: GuardContext): LiveQuery<D>;
  /**
   * The store collections this route needs to work offline. The router only exposes them
   * (`router.collections()`): sync or a prefetch step decides what to keep local.
   */
  collections?: string[];
  /** Renders the view, usually a Lit template. */
  render(ctx: RouteContext<D>): unknown;
  /**
   * What the app's first view shows while the route's chunk loads, its store opens and its data
   * is read (a cold start's slowest steps), e.g. the view painted from a snapshot of the last
   * visit (`outpost/snapshot`); `render` replaces it. Return the same template as `render` (one
   * function rendering both) and Lit keeps its elements. Later navigations keep showing the
   * current view until the next one is ready.
   */
  pending?(ctx: GuardContext): unknown;
}

/** The 404 route, rendered when no route matches. */
export interface FallbackRoute {
  name?: string;
  title?: string | RouteTitle<unknown>;
  render(ctx: RouteContext<unknown>): unknown;
}

/** What the error view (a failed `load` or guard) receives. */
export interface ErrorViewContext {
  /** The error, e.g. a chunk that failed to load. */
  readonly error: unknown;
  /** The path that failed. */
  readonly path: string;
  /** Tries the same navigation again (calls `load` again). */
  readonly retry: () => Promise<void>;
}

/**
 * Builds a live query for a route's `data`.
 *
 * @example
 * data: ({ store, params }) => liveQuery(['todos'], () => store!.collection('todos').get(params.id!))
 */
export function liveQuery<R>(collections: string[], run: () => Promise<R>): LiveQuery<R> {
  return { collections, run };
}

/**
 * Declares a route, inferring the type of its `data` for `render` and `title` (an identity
 * function: a plain object works too, with `data` typed `unknown`). Write `data` before `title`
 * and `render`: TypeScript infers from an object literal's members in order.
 *
 * @example
 * route({
 *   path: '/todos', title: 'To-dos',
 *   data: ({ store }) => liveQuery(['todos'], () => store!.collection<Todo>('todos').query()),
 *   render: ({ data }) => html`<h1>To-dos</h1>${data?.map((t) => html`<p>${t.title}</p>`)}`,
 * })
 */
export function route<D>(config: RouteConfig<D>): RouteConfig<D> {
  return config;
}
