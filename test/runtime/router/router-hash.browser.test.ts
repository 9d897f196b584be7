// `#hash` targets and the history entries of the router's own URL: an in-page link the router leaves
// to the browser, a first load with a fragment, a fragment that is no valid percent-encoding, and a
// navigation to the URL the address bar shows.
import { expect } from '@open-wc/testing';
import { html } from 'lit';
import { mount, nextNavigation, unmountAll } from './helpers.js';

/** A long view with a `#part` target far below its top. */
const doc = () => html`<h1>Doc</h1>
  <a id="jump" href="#part">To the part</a>
  <div style="height: 3000px"></div>
  <h2 id="part">Part</h2>
  <div style="height: 3000px"></div>`;

const frames = async (n: number) => {
  for (let i = 0; i < n; i++) await new Promise((r) => requestAnimationFrame(r));
};

describe('Router, #hash targets and same-URL navigations', () => {
  afterEach(unmountAll);

  it('leaves the view where an in-page #hash link scrolled it (its popstate is no Back), and Back returns to the top', async () => {
    const host = await mount([{ path: '/doc', render: doc }], {}, '/doc');
    const part = host.querySelector('#part')!;
    const changed = new Promise((r) => addEventListener('hashchange', r, { once: true }));
    (host.querySelector('#jump') as HTMLAnchorElement).click();
    await changed;
    // A restoration the router ran would have shown by now (it scrolls as the view has rendered).
    await frames(2);
    expect(location.hash).to.equal('#part');
    expect(Math.abs(part.getBoundingClientRect().top), 'the target at the top of the viewport').to.be.lessThan(2);
    expect(host.router.location?.path).to.equal('/doc');

    const back = nextNavigation(host.router);
    history.back();
    await back;
    expect(location.hash).to.equal('');
    expect(scrollY).to.equal(0);
  });

  it('keeps the location and the view up to date with an in-page #hash change: a view rendered from the #hash (tabs) follows it', async () => {
    const host = await mount([{ path: '/doc', render: ({ url }) => html`<h1>Doc</h1><a id="to-b" href="#b">B</a><p id="tab">${url.hash || '#a'}</p>` }], {}, '/doc');
    const changed = new Promise((r) => addEventListener('hashchange', r, { once: true }));
    (host.querySelector('#to-b') as HTMLAnchorElement).click();
    await changed;
    expect(host.router.location?.url.hash, "the router's location").to.equal('#b');
    await host.updateComplete;
    expect(host.querySelector('#tab')?.textContent, 'the view, rendered again').to.equal('#b');
    // Retry runs the navigation of the address bar's URL, not the one before the #hash changed.
    await host.router.retry();
    expect(location.hash).to.equal('#b');
  });

  it("scrolls a first load's #hash target into view once the view rendered (the browser looked for it before)", async () => {
    const host = await mount([{ path: '/doc', render: doc }], {}, '/doc#part');
    expect(Math.abs(host.querySelector('#part')!.getBoundingClientRect().top)).to.be.lessThan(2);
  });

  it('goes on with a navigation whose #hash is no valid percent-encoding (#100%): the view renders, focus moves, navigate() resolves', async () => {
    const host = await mount(
      [
        { path: '/a', render: () => html`<h1>A</h1>` },
        { path: '/doc', title: 'Doc', render: doc },
      ],
      {},
      '/a',
    );
    const nav = nextNavigation(host.router);
    await host.router.navigate('/doc#100%');
    expect((await nav).path).to.equal('/doc');
    expect(location.hash).to.equal('#100%');
    expect(document.activeElement?.textContent).to.equal('Doc');
  });

  it("replaces the entry of a navigate() to the address bar's URL, as for a link to it: one Back leaves it", async () => {
    const host = await mount(
      [
        { path: '/a', render: () => html`<h1>A</h1>` },
        { path: '/b', render: () => html`<h1>B</h1>` },
      ],
      {},
      '/a',
    );
    await host.router.navigate('/b?x=1');
    await host.router.navigate('/b?x=1');
    expect(location.search).to.equal('?x=1');
    const back = nextNavigation(host.router);
    history.back();
    expect((await back).path).to.equal('/a');
  });

  it("keeps each entry's scroll position when navigate() renders an entry the app pushed itself (history.pushState, then navigate to it)", async () => {
    const tall = (name: string) => html`<h1>${name}</h1><div style="height: 5000px"></div>`;
    const host = await mount(
      [
        { path: '/a', render: () => tall('A') },
        { path: '/b', render: () => tall('B') },
      ],
      {},
      '/a',
    );
    const scrolled = (y: number) => {
      const s = new Promise((r) => addEventListener('scroll', r, { once: true }));
      scrollTo(0, y);
      return s;
    };
    await scrolled(1500);
    // The app's own entry for /b, which it then asks the router to render.
    history.pushState(null, '', `${location.pathname.replace(/\/a$/, '/b')}`);
    await host.router.navigate('/b');
    await scrolled(300);

    const back = nextNavigation(host.router);
    history.back();
    expect((await back).path).to.equal('/a');
    expect(scrollY, "/a's own position").to.equal(1500);
  });
});
