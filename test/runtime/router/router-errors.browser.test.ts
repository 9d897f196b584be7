// A route whose own code throws (`render`, `title`), a stale-chunk recovery that cannot run, and
// the page title of views without one: never a blank page, an unhandled rejection or a wrong tab name.
import { expect } from '@open-wc/testing';
import { html } from 'lit';
import { recoverFromStaleChunk } from '../../../runtime/sw-client/stale-chunk.js';
import { until } from '../../components/helpers.js';
import { mount, nextNavigation, text, unmountAll, type RouterHost } from './helpers.js';

const broken = (what: string) => () => {
  throw new Error(`${what} broke`);
};

describe('Router, errors in a route and page titles', () => {
  const unhandled: unknown[] = [];
  const record = (e: PromiseRejectionEvent) => unhandled.push(e.reason);
  const pageTitle = document.title;
  beforeEach(() => {
    unhandled.length = 0;
    addEventListener('unhandledrejection', record);
  });
  afterEach(() => {
    removeEventListener('unhandledrejection', record);
    unmountAll();
    document.title = pageTitle;
  });

  /** An `unhandledrejection` is dispatched in a task queued as the microtasks ran out: two tasks later, it has been. */
  const noneUnhandled = async () => {
    for (let i = 0; i < 2; i++) await new Promise((r) => setTimeout(r));
    expect(unhandled.map(String)).to.deep.equal([]);
  };

  const errorView = (host: RouterHost) => host.querySelector('[data-outpost-view=error]');

  for (const part of ['render', 'title'] as const) {
    it(`shows the error view when a route's ${part} throws, on a first load and after a navigation`, async () => {
      const routes = [
        { path: '/', title: 'Home', render: () => html`<h1>Home</h1>` },
        { path: '/bad', title: 'Bad', render: () => html`<h1>Bad</h1>`, [part]: broken(part) },
      ];
      // Awaited by condition: a first navigation that never finishes fails the test instead of hanging it.
      let mounted: RouterHost | undefined;
      void mount(routes, {}, '/bad').then((h) => (mounted = h));
      const host = await until(() => mounted, 'the first navigation to finish');
      expect(errorView(host)?.textContent).to.contain(`${part} broke`);
      await noneUnhandled();

      await host.router.navigate('/');
      expect(text(host, 'h1')).to.equal('Home');
      const failed = nextNavigation(host.router);
      await host.router.navigate('/bad');
      expect((await failed).path).to.equal('/bad');
      expect(errorView(host)?.textContent).to.contain(`${part} broke`);
      expect(text(host, 'h1')).to.equal("This page didn't load");
      await noneUnhandled();
    });
  }

  it("names the page by the app's own title, as at start, on a route without a title and on the error view", async () => {
    document.title = 'Notes';
    const host = await mount([
      { path: '/', title: 'All notes · Notes', render: () => html`<h1>All notes</h1>` },
      { path: '/about', render: () => html`<h1>About</h1>` },
      { path: '/bad', title: 'Bad · Notes', load: () => Promise.reject(new Error('no module')), render: () => html`<h1>Bad</h1>` },
    ]);
    expect(document.title).to.equal('All notes · Notes');
    await host.router.navigate('/about');
    expect(document.title, 'a route without a title').to.equal('Notes');
    await host.router.navigate('/');
    await host.router.navigate('/bad');
    expect(errorView(host)?.textContent).to.contain('no module');
    expect(document.title, 'the error view').to.equal('Notes');
  });

  it('leaves document.title to an app that names its pages itself (no route has a title)', async () => {
    document.title = 'Notes';
    const host = await mount([
      { path: '/', render: () => html`<h1>All notes</h1>` },
      { path: '/about', render: () => html`<h1>About</h1>` },
    ]);
    document.title = 'Inbox (3) · Notes';
    await host.router.navigate('/about');
    expect(document.title).to.equal('Inbox (3) · Notes');
  });

  // Firefox with cookies blocked for the site throws a SecurityError on either: made to throw here.
  const blocked: Array<[string, object]> = [
    ['sessionStorage', window],
    ['serviceWorker', navigator],
  ];
  for (const [name, owner] of blocked) {
    it(`shows the error view for a chunk that failed to load where reading ${name} throws (cookies blocked)`, async () => {
      const own = Object.getOwnPropertyDescriptor(owner, name);
      Object.defineProperty(owner, name, {
        configurable: true,
        get: () => {
          throw new DOMException('The operation is insecure.', 'SecurityError');
        },
      });
      try {
        const missing = `/router-test-app/assets/missing-${Date.now()}.js`;
        const chunkError = await import(/* @vite-ignore */ missing).then(() => undefined, (e: unknown) => e);
        expect(await recoverFromStaleChunk(chunkError), 'recovered').to.equal(false);

        const host = await mount([
          { path: '/', render: () => html`<h1>Home</h1>` },
          { path: '/lazy', load: () => import(/* @vite-ignore */ missing), render: () => html`<h1>Lazy</h1>` },
        ]);
        await host.router.navigate('/lazy');
        expect(text(host, 'h1')).to.equal("This page didn't load");
        expect(errorView(host)?.textContent).to.contain('could not be downloaded');
        await noneUnhandled();
      } finally {
        if (own) Object.defineProperty(owner, name, own);
        else delete (owner as Record<string, unknown>)[name];
      }
    });
  }
});
