import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { Router } from './router.js';
import type { FallbackRoute, RouteConfig, RouteLocation, RouteParams } from './types.js';

/**
 * A Lit controller that re-renders its host after every navigation of a {@link Router} and exposes
 * where the app is: for nav bars (the current link), breadcrumbs and views reading the query.
 *
 * @example
 * class NavBar extends LitElement {
 *   route = new RouteController(this, app.router);
 *   render() {
 *     return html`<a href=${app.router.href('/')} aria-current=${this.route.path === '/' ? 'page' : 'false'}>All</a>
 *       <a href=${app.router.href('/?done=1')} aria-current=${this.route.query.has('done') ? 'page' : 'false'}>Done</a>`;
 *   }
 * }
 */
export class RouteController implements ReactiveController {
  readonly #host: ReactiveControllerHost;
  readonly #router: Router;
  readonly #onNavigate = () => this.#host.requestUpdate();

  constructor(host: ReactiveControllerHost, router: Router) {
    this.#host = host;
    this.#router = router;
    host.addController(this);
  }

  /** The router this controller follows. */
  get router(): Router {
    return this.#router;
  }

  /** The current location (undefined before the first navigation finished). */
  get location(): RouteLocation | undefined {
    return this.#router.location;
  }

  /** The route rendered now (a route config, or the 404 fallback). */
  get route(): RouteConfig | FallbackRoute | undefined {
    return this.#router.route;
  }

  /** The current path inside the app, e.g. `/todos/42` (`''` before the first navigation). */
  get path(): string {
    return this.#router.location?.path ?? '';
  }

  /** The current path parameters. */
  get params(): RouteParams {
    return this.#router.location?.params ?? {};
  }

  /** The current query string, parsed. */
  get query(): URLSearchParams {
    return this.#router.location?.query ?? new URLSearchParams();
  }

  /** Navigates (see {@link Router.navigate}). */
  navigate(path: string, options?: { replace?: boolean }): Promise<void> {
    return this.#router.navigate(path, options);
  }

  hostConnected(): void {
    this.#router.addEventListener('navigate', this.#onNavigate);
  }

  hostDisconnected(): void {
    this.#router.removeEventListener('navigate', this.#onNavigate);
  }
}
