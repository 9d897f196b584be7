import { expect } from '@open-wc/testing';
import { html, LitElement } from 'lit';
import { liveQuery, route, RouteController, Router } from '../../../runtime/router/index.js';
import { ensureURLPattern } from '../../../runtime/router/location.js';
import { deleteStore, openStore, type Store } from '../../../runtime/store/index.js';
import { deepActive, until } from '../../components/helpers.js';
import { BASE, mount, nextNavigation, text, unmountAll, type RouterHost } from './helpers.js';

describe('Router', () => {
  afterEach(() => {
    unmountAll();
    sessionStorage.removeItem('outpost:stale-chunk-reload');
  });

  it('matches path parameters and parses the query string', async () => {
    const host = await mount(
      [
        { path: '/', render: () => html`<h1>Home</h1>` },
        { path: '/todos/:id', render: ({ params, query }) => html`<h1>Todo ${params.id}</h1><p class="tab">${query.get('tab')}</p>` },
      ],
      {},
      '/todos/42?tab=notes',
    );
    expect(text(host, 'h1')).to.equal('Todo 42');
    expect(text(host, '.tab')).to.equal('notes');
    expect(host.router.location?.params).to.deep.include({ id: '42' });

    await host.router.navigate('/todos/7?tab=history');
    expect(location.pathname).to.equal(`${BASE}/todos/7`);
    expect(location.search).to.equal('?tab=history');
    expect(text(host, 'h1')).to.equal('Todo 7');
    expect(text(host, '.tab')).to.equal('history');
    expect(host.router.location?.query.get('tab')).to.equal('history');
    // As the URL has them (docs/router.md): an app decodes them itself.
    await host.router.navigate('/todos/caf%C3%A9 1');
    expect(host.router.location?.params.id).to.equal('caf%C3%A9%201');
  });

  it('serves the app under a base path: routes are relative to it, href() adds it', async () => {
    const host = await mount(
      [
        { path: '/', render: () => html`<h1>Start</h1>` },
        { path: '/about', render: () => html`<h1>About</h1>` },
      ],
      {},
      '',
    );
    expect(location.pathname).to.equal(BASE);
    expect(text(host, 'h1')).to.equal('Start');
    expect(host.router.base).to.equal(BASE);
    expect(host.router.href('/about?x=1')).to.equal(`${BASE}/about?x=1`);

    await host.router.navigate('/about');
    expect(location.pathname).to.equal(`${BASE}/about`);
    await host.router.navigate('/', { replace: true });
    expect(location.pathname).to.equal(`${BASE}/`);
    expect(text(host, 'h1')).to.equal('Start');
    // /about was pushed and then replaced: one step back is the entry it was pushed over. (Not
    // history.length: browsers keep at most 50 entries, and a long test session reaches that.)
    const back = nextNavigation(host.router);
    history.back();
    await back;
    expect(location.pathname).to.equal(BASE);
    expect(text(host, 'h1')).to.equal('Start');
  });

  it('redirects through an async guard (signed out → /login) and lets the navigation through once allowed', async () => {
    let signedIn = false;
    const seen: string[] = [];
    const routes = [
      { path: '/login', render: () => html`<h1>Sign in</h1>` },
      { path: '/inbox', render: () => html`<h1>Inbox</h1>` },
      { path: '/admin', guard: () => false, render: () => html`<h1>Admin</h1>` },
    ];
    const before = history.length;
    const host = await mount(
      routes,
      {
        guard: async ({ path }) => {
          seen.push(path);
          await new Promise((r) => setTimeout(r, 10));
          return signedIn || path === '/login' || '/login';
        },
      },
      '/inbox',
    );
    expect(text(host, 'h1')).to.equal('Sign in');
    expect(location.pathname).to.equal(`${BASE}/login`);
    expect(seen).to.deep.equal(['/inbox', '/login']);
    // The first load's redirect replaced the entry: Back does not return to the guarded page.
    expect(history.length).to.equal(before);
    // And it is still the first load, which the browser announces: focus is not moved to the view.
    expect(host.querySelector('h1')!.hasAttribute('tabindex'), 'the heading left unfocused').to.equal(false);
    expect(document.activeElement === document.body, 'focus where the page load left it').to.equal(true);

    signedIn = true;
    await host.router.navigate('/inbox');
    expect(text(host, 'h1')).to.equal('Inbox');
    expect(location.pathname).to.equal(`${BASE}/inbox`);

    // A route guard answering false cancels a navigation: the view and the address bar stay.
    await host.router.navigate('/admin');
    expect(text(host, 'h1')).to.equal('Inbox');
    expect(location.pathname).to.equal(`${BASE}/inbox`);
  });

  it('shows an error view with Retry when a lazy route chunk fails to load, and Retry loads it', async () => {
    // As right after a stale-chunk recovery reload: the router must show the error, not reload again.
    sessionStorage.setItem('outpost:stale-chunk-reload', String(Date.now()));
    let attempts = 0;
    const missing = `${BASE}/assets/missing-${Date.now()}.js`;
    const host = await mount([
      { path: '/', render: () => html`<h1>Home</h1>` },
      {
        path: '/lazy',
        title: 'Lazy',
        load: () => (attempts++ === 0 ? import(/* @vite-ignore */ missing) : import('./fixtures/lazy-view.js')),
        render: ({ module }) => html`<router-lazy-view data-loaded=${String(!!module)}></router-lazy-view>`,
      },
    ]);
    await host.router.navigate('/lazy');
    const error = host.querySelector('[data-outpost-view=error]');
    expect(error !== null, 'error view').to.equal(true);
    expect(error!.getAttribute('role')).to.equal('alert');
    expect(text(host, 'h1')).to.equal("This page didn't load");
    expect(error!.textContent).to.contain('could not be downloaded');
    expect(location.pathname).to.equal(`${BASE}/lazy`);
    expect(deepActive() === host.querySelector('h1'), 'focus on the error heading').to.equal(true);

    const retried = nextNavigation(host.router);
    host.querySelector<HTMLButtonElement>('button')!.click();
    await retried;
    expect(attempts).to.equal(2);
    const view = host.querySelector('router-lazy-view');
    expect(view !== null, 'lazy view').to.equal(true);
    expect(view!.getAttribute('data-loaded')).to.equal('true');
    expect(host.querySelector('[data-outpost-view=error]') === null, 'error view gone').to.equal(true);
    // Focus moved to the heading inside the lazy view's shadow root.
    expect(deepActive()?.textContent).to.equal('Lazy view');
  });

  it('routes sharing one load function call it once and render with the same module', async () => {
    let loads = 0;
    const load = () => (loads++, import('./fixtures/lazy-view.js'));
    const modules: unknown[] = [];
    const host = await mount([
      { path: '/', render: () => html`<h1>Home</h1>` },
      { path: '/a', load, render: ({ module }) => (modules.push(module), html`<h1>A</h1>`) },
      { path: '/b/:id', load, render: ({ module, params }) => (modules.push(module), html`<h1>B ${params.id}</h1>`) },
    ]);
    await host.router.navigate('/a');
    await host.router.navigate('/b/1');
    await host.router.navigate('/b/2');
    expect(text(host, 'h1')).to.equal('B 2');
    expect(loads).to.equal(1);
    expect(modules.length > 0 && modules.every((m) => m && m === modules[0]), 'every render got the loaded module').to.equal(true);
  });

  it('restores the scroll position on back and forward', async () => {
    const tall = (name: string) => html`<h1>${name}</h1><div style="height: 5000px">${name} content</div>`;
    const host = await mount(
      [
        { path: '/long', render: () => tall('Long') },
        { path: '/other', render: () => tall('Other') },
      ],
      {},
      '/long',
    );
    const scrolled = () => new Promise((r) => addEventListener('scroll', r, { once: true }));
    let s = scrolled();
    scrollTo(0, 1500);
    await s;
    await host.router.navigate('/other');
    expect(scrollY).to.equal(0);
    s = scrolled();
    scrollTo(0, 300);
    await s;

    let nav = nextNavigation(host.router);
    history.back();
    expect((await nav).path).to.equal('/long');
    expect(text(host, 'h1')).to.equal('Long');
    expect(scrollY).to.equal(1500);

    nav = nextNavigation(host.router);
    history.forward();
    expect((await nav).path).to.equal('/other');
    expect(scrollY).to.equal(300);
  });

  it('restores a scroll container the view re-creates and fills after it rendered (a list reading its rows)', async () => {
    // A list element whose rows arrive after it rendered, as from IndexedDB: when the test fills it
    // (a timer would race the test's own steps on a loaded machine).
    const fills: Array<() => void> = [];
    class LateList extends HTMLElement {
      connectedCallback() {
        const scroller = Object.assign(document.createElement('div'), { className: 'scroller' });
        scroller.style.cssText = 'height: 200px; overflow: auto';
        this.attachShadow({ mode: 'open' }).append(scroller);
        fills.push(() => scroller.append(...Array.from({ length: 100 }, (_, i) => Object.assign(document.createElement('p'), { textContent: `Row ${i}`, style: 'height: 40px; margin: 0' }))));
      }
    }
    if (!customElements.get('late-list')) customElements.define('late-list', LateList);
    const scroller = () => document.querySelector('late-list')?.shadowRoot?.querySelector<HTMLElement>('.scroller');
    const fillList = async () => {
      await until(() => fills.length > 0, 'a new list');
      for (const fill of fills.splice(0)) fill();
    };
    const host = await mount(
      [
        { path: '/list', render: () => html`<h1>List</h1><late-list></late-list>` },
        { path: '/item', render: () => html`<h1>Item</h1>` },
      ],
      { scrollContainer: scroller },
      '/list',
    );
    await fillList();
    await until(() => (scroller()?.scrollHeight ?? 0) > 1000, 'the rows');
    scroller()!.scrollTop = 1200;
    // Waits for the view to be left completely: its 'navigate' event must not answer the next wait.
    const toItem = async () => {
      const shown = nextNavigation(host.router);
      await host.router.navigate('/item');
      expect((await shown).path).to.equal('/item');
    };
    // No scroll listener needed: the position is read when the view is left.
    await toItem();
    const nav = nextNavigation(host.router);
    history.back();
    expect((await nav).path).to.equal('/list');
    // A new list, empty when the view rendered: the router scrolls once its rows are in.
    await fillList();
    await until(() => scroller()?.scrollTop === 1200, 'the list scrolled back to 1200 px');

    // Back again, but the person scrolls before the rows are in: the router leaves the list alone.
    await toItem();
    const again = nextNavigation(host.router);
    history.back();
    expect((await again).path).to.equal('/list');
    dispatchEvent(new WheelEvent('wheel', { deltaY: -10 }));
    await fillList();
    await until(() => (scroller()?.scrollHeight ?? 0) > 1000, 'the rows again');
    // The restoration runs every frame while it is on: two frames after the rows came, it would show.
    for (let i = 0; i < 2; i++) await new Promise((r) => requestAnimationFrame(r));
    expect(scroller()!.scrollTop).to.equal(0);
  });

  it('reads no scroll position once a pushed view has rendered (a read would lay it out in the navigation\'s task), only when it is left', async () => {
    let reads = 0;
    let atRender: number | undefined;
    const scroller = document.createElement('div');
    for (const side of ['scrollTop', 'scrollLeft']) Object.defineProperty(scroller, side, { get: () => (reads++, 0), configurable: true });
    scroller.scrollTo = () => undefined;
    const host = await mount(
      [
        { path: '/a', render: () => html`<h1>A</h1>` },
        { path: '/b', render: () => ((atRender ??= reads), html`<h1>B</h1>`) },
      ],
      { scrollContainer: () => scroller },
      '/a',
    );
    const toB = nextNavigation(host.router);
    await host.router.navigate('/b');
    expect((await toB).path).to.equal('/b');
    expect(atRender, 'reads as /a was left, before /b rendered').to.be.greaterThan(0);
    for (let i = 0; i < 2; i++) await new Promise((r) => requestAnimationFrame(r));
    expect(reads, 'reads once /b rendered').to.equal(atRender);
    await host.router.navigate('/a');
    expect(reads, 'reads when /b is left').to.be.greaterThan(atRender!);
  });

  it("moves focus to a pushed view's h1 after the frame that paints the view (focusing lays it out), before navigate() resolves", async () => {
    let inFirstFrame: string | undefined;
    const host = await mount(
      [
        { path: '/a', render: () => html`<h1>A</h1>` },
        { path: '/b', render: () => (requestAnimationFrame(() => (inFirstFrame ??= deepActive()?.textContent ?? '')), html`<h1>B</h1>`) },
      ],
      {},
      '/a',
    );
    await host.router.navigate('/b');
    expect(deepActive()?.textContent).to.equal('B');
    // The frame callback the render asked for runs before this one.
    await new Promise((r) => requestAnimationFrame(r));
    expect(inFirstFrame, 'focus in the first frame after the render').to.not.equal('B');
  });

  it('a first load redirected to a path whose guard refuses it shows the 404 there, not a blank page', async () => {
    const host = await mount(
      [
        { path: '/old', render: () => html`<h1>Old</h1>` },
        { path: '/closed', guard: () => false, render: () => html`<h1>Closed</h1>` },
      ],
      { guard: ({ path }) => path !== '/old' || '/closed' },
      '/old',
    );
    expect(text(host, 'h1')).to.equal('Page not found');
    expect(location.pathname).to.equal(`${BASE}/closed`);
  });

  it('moves focus to the new view\'s h1 and announces its title politely', async () => {
    const host = await mount([
      { path: '/', render: ({ href }) => html`<h1>Home</h1><a href=${href('/second')}>Second</a>` },
      { path: '/second', title: 'Second page · Test', render: () => html`<h1>Second page</h1>` },
      { path: '/third', render: () => html`<h1>Third page</h1>` },
    ]);
    // No focus move on first load (the browser announces the page itself).
    expect(host.querySelector('h1')!.hasAttribute('tabindex')).to.equal(false);

    const nav = nextNavigation(host.router);
    host.querySelector('a')!.click();
    await nav;
    const h1 = host.querySelector('h1')!;
    expect(h1.textContent).to.equal('Second page');
    expect(h1.getAttribute('tabindex')).to.equal('-1');
    expect(document.activeElement === h1, 'focus on the new h1').to.equal(true);
    expect(document.title).to.equal('Second page · Test');
    const region = document.querySelector('[data-outpost-announcer]')!;
    expect(region.getAttribute('aria-live')).to.equal('polite');
    await until(() => region.textContent === 'Second page · Test', 'the title announcement');

    // Without a title, the heading's text is announced.
    await host.router.navigate('/third');
    expect(document.activeElement === host.querySelector('h1'), 'focus on the third h1').to.equal(true);
    await until(() => region.textContent === 'Third page', 'the heading announcement');
  });

  it("waits for a view's element defined after it rendered (a lazy chunk) before focusing its h1", async () => {
    // A unique name per run: custom elements cannot be undefined again.
    const name = `lazy-view-${Math.random().toString(36).slice(2)}`;
    let define!: () => void;
    const defined = new Promise<void>((resolve) => (define = resolve));
    const host = await mount([
      { path: '/', render: ({ href }) => html`<h1>Home</h1><a href=${href('/lazy')}>Lazy</a>` },
      { path: '/lazy', render: () => document.createElement(name) },
    ]);
    const nav = nextNavigation(host.router);
    host.querySelector('a')!.click();
    // The view is in the page but its element is not defined yet: no focus move so far.
    await until(() => !!host.querySelector(name), 'the lazy view rendered');
    let navigated = false;
    void nav.then(() => (navigated = true));
    await new Promise((r) => setTimeout(r, 50));
    expect(navigated, 'the navigation waits for the element').to.equal(false);
    void defined.then(() =>
      customElements.define(
        name,
        class extends LitElement {
          override render() {
            return html`<h1>Lazy page</h1>`;
          }
        },
      ),
    );
    define();
    await nav;
    const h1 = host.querySelector(name)!.shadowRoot!.querySelector('h1')!;
    expect(deepActive() === h1, 'focus on the lazy view\'s h1').to.equal(true);
  });

  it('renders the 404 route for unknown paths, the default one or the app\'s own', async () => {
    const host = await mount([{ path: '/', render: () => html`<h1>Home</h1>` }], {}, '/no/such/page');
    expect(text(host, 'h1')).to.equal('Page not found');
    expect(host.textContent).to.contain('/no/such/page');
    expect(host.querySelector('a')!.getAttribute('href')).to.equal(`${BASE}/`);
    unmountAll();

    const custom = await mount([{ path: '/', render: () => html`<h1>Home</h1>` }], { fallback: { render: ({ path }) => html`<h1>Lost: ${path}</h1>` } }, '/nowhere');
    expect(text(custom, 'h1')).to.equal('Lost: /nowhere');
    await custom.router.navigate('/');
    expect(text(custom, 'h1')).to.equal('Home');
  });

  it('intercepts same-origin link clicks inside the app, and leaves the others to the browser', async () => {
    class ShadowLink extends LitElement {
      override render() {
        return html`<a href="${BASE}/from-shadow">In a shadow root</a>`;
      }
    }
    if (!customElements.get('router-shadow-link')) customElements.define('router-shadow-link', ShadowLink);
    const host = await mount([
      {
        path: '/',
        render: () => html`<h1>Links</h1>
          <a id="inside" href="${BASE}/target?from=link">inside</a>
          <a id="blank" href="${BASE}/target" target="_blank">new tab</a>
          <a id="download" href="${BASE}/target" download>download</a>
          <a id="external-rel" href="${BASE}/target" rel="external">rel external</a>
          <a id="other-origin" href="https://example.invalid/target">other origin</a>
          <a id="outside-base" href="/somewhere-else">outside the base</a>
          <a id="hash" href="#section">same page</a>
          <a id="empty-hash" href="#">page top</a>
          <router-shadow-link></router-shadow-link>`,
      },
      { path: '/target', render: ({ query }) => html`<h1>Target ${query.get('from')}</h1>` },
      { path: '/from-shadow', render: () => html`<h1>From shadow</h1>` },
    ]);
    // Records whether the router took the click, then stops the browser from leaving the test page.
    const taken = new Map<string, boolean>();
    const record = (e: MouseEvent) => {
      const a = e.composedPath().find((n) => n instanceof HTMLAnchorElement) as HTMLAnchorElement | undefined;
      if (a) taken.set(a.id || a.textContent!, e.defaultPrevented);
      e.preventDefault();
    };
    addEventListener('click', record);
    try {
      const click = (a: Element, init: MouseEventInit = {}) => a.dispatchEvent(new MouseEvent('click', { bubbles: true, cancelable: true, composed: true, button: 0, ...init }));
      for (const id of ['blank', 'download', 'external-rel', 'other-origin', 'outside-base', 'hash', 'empty-hash']) click(host.querySelector(`#${id}`)!);
      click(host.querySelector('#inside')!, { ctrlKey: true });
      const ctrl = taken.get('inside');
      click(host.querySelector('#inside')!, { button: 1 });
      const middle = taken.get('inside');
      expect(Object.fromEntries(taken)).to.deep.equal({ blank: false, download: false, 'external-rel': false, 'other-origin': false, 'outside-base': false, hash: false, 'empty-hash': false, inside: false });
      expect([ctrl, middle]).to.deep.equal([false, false]);
      expect(text(host, 'h1')).to.equal('Links');

      let nav = nextNavigation(host.router);
      click(host.querySelector('#inside')!);
      await nav;
      expect(taken.get('inside')).to.equal(true);
      expect(location.pathname + location.search).to.equal(`${BASE}/target?from=link`);
      expect(text(host, 'h1')).to.equal('Target link');

      nav = nextNavigation(host.router);
      history.back();
      await nav;
      nav = nextNavigation(host.router);
      const shadowLink = host.querySelector('router-shadow-link')!;
      await (shadowLink as LitElement).updateComplete;
      click(shadowLink.shadowRoot!.querySelector('a')!);
      await nav;
      expect(location.pathname).to.equal(`${BASE}/from-shadow`);
      expect(text(host, 'h1')).to.equal('From shadow');
    } finally {
      removeEventListener('click', record);
    }
  });

  describe('route data from the store', () => {
    type Todo = { id: string; title: string };
    let store: Store;
    const name = `router-data-${Date.now()}-${Math.random().toString(36).slice(2)}`;

    beforeEach(async () => {
      store = await openStore({ name, version: 1, collections: { todos: { keyPath: 'id' } } });
      await store.collection<Todo>('todos').put({ id: 't1', title: 'Stored before the view' });
    });
    afterEach(async () => {
      store.close();
      await deleteStore(name);
    });

    it('renders the first result from IndexedDB before the view shows, then live updates', async () => {
      let renders = 0;
      const todos = route({
        path: '/todos/:id',
        collections: ['todos'],
        data: ({ store, params }) => liveQuery(['todos'], () => store!.collection<Todo>('todos').get(params.id!)),
        render: ({ data }) => {
          renders++;
          return html`<h1>${data?.title ?? 'missing'}</h1>`;
        },
      });
      const host = await mount([todos], { store }, '/todos/t1');
      // The very first render already had the stored record: no empty flash.
      expect(renders).to.equal(1);
      expect(text(host, 'h1')).to.equal('Stored before the view');
      expect(host.router.collections()).to.deep.equal(['todos']);

      await store.collection<Todo>('todos').put({ id: 't1', title: 'Edited' });
      await until(() => text(host, 'h1') === 'Edited', 'the live update');

      // Leaving the route stops its query: a write to another record renders nothing new.
      await store.collection<Todo>('todos').put({ id: 't2', title: 'Second' });
      await host.router.navigate('/todos/t2');
      expect(text(host, 'h1')).to.equal('Second');
    });

    it('keeps the running query when the next location returns the very same query object (no re-read before it renders), and re-reads a new one', async () => {
      let runs = 0;
      const all = liveQuery(['todos'], async () => (runs++, (await store.collection<Todo>('todos').query()).map((t) => t.title).join(',')));
      const page = route({
        path: '/list/:n',
        // One query object for every /list/:n location; /fresh builds a new one each time.
        data: ({ params }) => (params.n === 'fresh' ? liveQuery(['todos'], all.run) : all),
        render: ({ data, params }) => html`<h1>${params.n}: ${data}</h1>`,
      });
      const host = await mount([page], { store }, '/list/1');
      expect(text(host, 'h1')).to.equal('1: Stored before the view');
      expect(runs).to.equal(1);
      await host.router.navigate('/list/2');
      expect(text(host, 'h1')).to.equal('2: Stored before the view');
      expect(runs, 'the same query object is not read again').to.equal(1);
      // Still live after the navigation: a write re-renders the new location.
      await store.collection<Todo>('todos').put({ id: 't2', title: 'Second' });
      await until(() => text(host, 'h1') === '2: Stored before the view,Second', "the kept query's live update");
      const before = runs;
      await host.router.navigate('/list/fresh');
      expect(runs, 'a new query object is read before its view renders').to.equal(before + 1);
      expect(text(host, 'h1')).to.equal('fresh: Stored before the view,Second');
      // The kept query stopped when its route's data changed: only the new one re-runs on a write.
      const afterFresh = runs;
      await store.collection<Todo>('todos').put({ id: 't3', title: 'Third' });
      await until(() => text(host, 'h1') === 'fresh: Stored before the view,Second,Third', "the new query's live update");
      expect(runs).to.equal(afterFresh + 1);
    });

    it('reads each location from its own store when the store is a function of the navigation (a store per account)', async () => {
      const other = `${name}-u1`;
      const second = await openStore({ name: other, version: 1, collections: { todos: { keyPath: 'id' } } });
      try {
        await second.collection<Todo>('todos').put({ id: 't1', title: 'In the second store' });
        const stores = [store, second];
        const asked: string[] = [];
        let guardStore: unknown = 'unset';
        const todos = route({
          path: '/u/:account/todos/:id',
          guard: ({ store }) => ((guardStore = store), true),
          data: ({ store, params }) => liveQuery(['todos'], () => store!.collection<Todo>('todos').get(params.id!)),
          render: ({ data, store }) => html`<h1>${data?.title ?? 'missing'}</h1><p>${store?.name}</p>`,
        });
        const failing = { path: '/u/9/todos', render: () => html`<h1>never</h1>` };
        const host = await mount([failing, todos], {
          // Opened asynchronously, as an account's store is on first visit.
          store: async ({ params, path }) => {
            asked.push(path);
            if (path === '/u/9/todos') throw new Error('no account at /u/9');
            await new Promise((r) => setTimeout(r, 10));
            return stores[Number(params.account)];
          },
        }, '/u/0/todos/t1');
        expect(text(host, 'h1')).to.equal('Stored before the view');
        expect(text(host, 'p')).to.equal(name);
        expect(guardStore, 'guards run before the store is resolved').to.equal(undefined);
        await host.router.navigate('/u/1/todos/t1');
        expect(text(host, 'h1')).to.equal('In the second store');
        expect(text(host, 'p')).to.equal(other);
        // The live query follows the second store, not the first.
        await second.collection<Todo>('todos').put({ id: 't1', title: 'Edited in the second' });
        await until(() => text(host, 'h1') === 'Edited in the second', 'the live update from the second store');
        expect(asked).to.deep.equal(['/u/0/todos/t1', '/u/1/todos/t1']);
        // A store that cannot be opened shows the error view, never a blank page.
        await host.router.navigate('/u/9/todos');
        expect(host.querySelector('[data-outpost-view=error]') !== null, 'error view').to.equal(true);
        expect(host.textContent).to.contain('no account at /u/9');
      } finally {
        second.close();
        await deleteStore(other);
      }
    });

    it("loads the route's chunk while the location's store opens (a cold start waits for the slower of the two, not both)", async () => {
      let loadCalled = false;
      let loadBeforeStore: boolean | undefined;
      const lazy = route({
        path: '/u/:account/todos/:id',
        load: async () => {
          loadCalled = true;
          return {};
        },
        data: ({ store, params }) => liveQuery(['todos'], () => store!.collection<Todo>('todos').get(params.id!)),
        render: ({ data }) => html`<h1>${data?.title ?? 'missing'}</h1>`,
      });
      const host = await mount([lazy], {
        store: async () => {
          loadBeforeStore ??= loadCalled;
          return store;
        },
      }, '/u/0/todos/t1');
      expect(text(host, 'h1')).to.equal('Stored before the view');
      expect(loadBeforeStore, 'the chunk was asked for before the store').to.equal(true);
    });

    it("paints the first route's pending view while its store opens, keeps its elements when the view renders, and never shows it again on a later navigation", async () => {
      let openStoreNow!: () => void;
      const opening = new Promise<void>((r) => (openStoreNow = r));
      let storeAsked = 0;
      // One function renders both, as the docs ask: Lit keeps the element across the switch.
      const view = (title: string) => html`<h1>${title}</h1>`;
      const todos = route({
        path: '/u/:account/todos/:id',
        data: ({ store, params }) => liveQuery(['todos'], () => store!.collection<Todo>('todos').get(params.id!)),
        pending: ({ params, store }) => view(`snapshot of ${params.id} (store: ${store === undefined ? 'none' : 'given'})`),
        render: ({ data }) => view(data?.title ?? 'missing'),
      });
      history.replaceState(null, '', `${BASE}/u/0/todos/t1`);
      const host = document.createElement('router-test-host') as RouterHost;
      host.router = new Router(host, [todos], {
        base: `${BASE}/`,
        store: async () => {
          storeAsked++;
          // The first location's store opens only when the test says; later ones at once.
          if (storeAsked === 1) await opening;
          return store;
        },
      });
      const first = nextNavigation(host.router);
      document.body.append(host);
      try {
        await until(() => text(host, 'h1') === 'snapshot of t1 (store: none)', 'the pending view before the store opened');
        const painted = host.querySelector('h1');
        expect(host.router.location, 'no navigation committed yet').to.equal(undefined);
        openStoreNow();
        await first;
        expect(text(host, 'h1')).to.equal('Stored before the view');
        expect(host.querySelector('h1'), 'the same element, updated in place').to.equal(painted);
        // A later navigation keeps the current view until the next one is ready: no pending view.
        await store.collection<Todo>('todos').put({ id: 't2', title: 'Second' });
        const seen: string[] = [];
        const watch = new MutationObserver(() => seen.push(text(host, 'h1') ?? ''));
        watch.observe(host, { subtree: true, characterData: true, childList: true });
        await host.router.navigate('/u/0/todos/t2');
        watch.disconnect();
        expect(text(host, 'h1')).to.equal('Second');
        expect(seen.filter((t) => t.startsWith('snapshot')), 'pending view on a later navigation').to.deep.equal([]);
      } finally {
        host.remove();
      }
    });

    it('names the fix when a route declares data but the router has no store', async () => {
      const host = await mount([{ path: '/', data: () => liveQuery(['todos'], async () => 1), render: () => html`<h1>never</h1>` }]);
      expect(host.querySelector('[data-outpost-view=error]') !== null, 'error view').to.equal(true);
      expect(host.textContent).to.contain('Pass { store } to new Router() or createApp()');
    });
  });

  it('loads the URLPattern polyfill only where URLPattern is missing', async () => {
    const native = (globalThis as { URLPattern?: unknown }).URLPattern;
    await ensureURLPattern();
    expect((globalThis as { URLPattern?: unknown }).URLPattern === native, 'native URLPattern kept').to.equal(native !== undefined);
    delete (globalThis as { URLPattern?: unknown }).URLPattern;
    try {
      await ensureURLPattern();
      const Pattern = (globalThis as unknown as { URLPattern: typeof URLPattern }).URLPattern;
      expect(typeof Pattern).to.equal('function');
      expect(new Pattern({ pathname: '/todos/:id' }).exec({ pathname: '/todos/9' })?.pathname.groups.id).to.equal('9');
    } finally {
      (globalThis as { URLPattern?: unknown }).URLPattern = native;
    }
  });

  it('RouteController re-renders its host with the current path, params and query', async () => {
    const host = await mount([
      { path: '/', render: () => html`<h1>Home</h1>` },
      { path: '/list/:kind', render: () => html`<h1>List</h1>` },
    ]);
    class NavBar extends LitElement {
      route = new RouteController(this, host.router);
      override render() {
        return html`<span>${this.route.path}|${this.route.params.kind ?? ''}|${this.route.query.get('sort') ?? ''}</span>`;
      }
    }
    customElements.define('router-test-nav-bar', NavBar);
    const bar = document.createElement('router-test-nav-bar') as NavBar;
    document.body.append(bar);
    try {
      await bar.updateComplete;
      expect(bar.shadowRoot!.textContent).to.equal('/||');
      await bar.route.navigate('/list/done?sort=date');
      await bar.updateComplete;
      expect(bar.shadowRoot!.textContent).to.equal('/list/done|done|date');
      expect(bar.route.route === host.router.routes[1], 'the matched route config').to.equal(true);
    } finally {
      bar.remove();
    }
  });
});
