import { LitElement } from 'lit';
import { Router, type RouteConfig, type RouterOptions, type RouteLocation } from '../../../runtime/router/index.js';

/** Every test app is served under this base path, so the test runner's own page path is never routed. */
export const BASE = '/router-test-app';

/** A light-DOM host that renders a router's outlet, like an app's root element. */
export class RouterHost extends LitElement {
  router!: Router;
  protected override createRenderRoot() {
    return this;
  }
  override render() {
    return this.router?.outlet();
  }
}
if (!customElements.get('router-test-host')) customElements.define('router-test-host', RouterHost);

const runnerUrl = location.href;
const mounted: RouterHost[] = [];

/** Resolves with the location of the router's next rendered navigation. */
export function nextNavigation(router: Router): Promise<RouteLocation> {
  return new Promise((resolve) => router.addEventListener('navigate', (e) => resolve((e as CustomEvent<RouteLocation>).detail), { once: true }));
}

/** Puts the address bar at `BASE + path`, mounts a router host and waits for its first view. */
export async function mount(routes: RouteConfig[], options: RouterOptions = {}, path = '/'): Promise<RouterHost> {
  history.replaceState(null, '', BASE + path);
  const host = document.createElement('router-test-host') as RouterHost;
  host.router = new Router(host, routes, { base: `${BASE}/`, ...options });
  const first = nextNavigation(host.router);
  document.body.append(host);
  mounted.push(host);
  await first;
  return host;
}

/** Removes the hosts and puts the test runner's URL back. */
export function unmountAll(): void {
  for (const host of mounted.splice(0)) host.remove();
  history.replaceState(null, '', runnerUrl);
  scrollTo(0, 0);
}

/** The text of the first element matching `selector` under `root`. */
export const text = (root: ParentNode, selector: string) => root.querySelector(selector)?.textContent?.trim();
