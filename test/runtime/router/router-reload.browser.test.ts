// A reload (or a return the back-forward cache did not keep) starts a new router on an entry whose
// scroll position the page saved as it hid: the router sets scrollRestoration to 'manual', so the
// browser restores nothing and the router must.
import { expect } from '@open-wc/testing';
import { html } from 'lit';
import { Router, type RouteConfig } from '../../../runtime/router/index.js';
import { BASE, mount, nextNavigation, unmountAll, type RouterHost } from './helpers.js';

const tall = (name: string) => html`<h1>${name}</h1><div style="height: 5000px">${name} content</div>`;
const routes: RouteConfig[] = [{ path: '/long', render: () => tall('Long') }];

/** A new page's router on the address bar's entry, as after a reload: history.state is kept. */
async function reload(): Promise<RouterHost> {
  const host = document.createElement('router-test-host') as RouterHost;
  host.router = new Router(host, routes, { base: `${BASE}/` });
  const first = nextNavigation(host.router);
  document.body.append(host);
  await first;
  return host;
}

describe('Router, a reload', () => {
  let again: RouterHost | undefined;
  afterEach(() => {
    again?.remove();
    again = undefined;
    unmountAll();
  });

  it('returns to where the page was scrolled when it was left', async () => {
    const host = await mount(routes, {}, '/long');
    const scrolled = new Promise((r) => addEventListener('scroll', r, { once: true }));
    scrollTo(0, 1200);
    await scrolled;
    // The page unloads: it hides, then its elements go.
    dispatchEvent(new PageTransitionEvent('pagehide', { persisted: false }));
    host.remove();
    scrollTo(0, 0);

    again = await reload();
    expect(scrollY).to.equal(1200);
  });

  it('starts at the top on a first visit to an entry (nothing saved)', async () => {
    history.replaceState({ outpostKey: 'seen-elsewhere' }, '', `${BASE}/long`);
    again = await reload();
    expect(scrollY).to.equal(0);
  });
});
