import { expect } from '@open-wc/testing';
import { html } from 'lit';
import { RoutesConnectedEvent, type Routes } from '@lit-labs/router/routes.js';
import { createApp, type App } from '../../../runtime/app/index.js';
import { liveQuery, route } from '../../../runtime/router/index.js';
import { deleteStore, openStore, StoreError, type Store } from '../../../runtime/store/index.js';
import { createSync, syncCollections } from '../../../runtime/sync/index.js';
import { killStub, startStubAgain, stubUrl } from '../../../testing/commands.js';
import { until } from '../../components/helpers.js';
import { client, closeAll, closeClient, login, unique } from '../sync/helpers.js';

const BASE = '/app-test';
const SW_SCOPE = '/outpost-app-test-scope/';
type Task = { id: string; title: string };

describe('createApp', () => {
  const runnerUrl = location.href;
  let app: App | undefined;
  let root: HTMLElement;
  const stores: string[] = [];

  beforeEach(() => {
    history.replaceState(null, '', `${BASE}/`);
    root = document.createElement('div');
    document.body.append(root);
  });

  afterEach(async () => {
    app?.dispose();
    app = undefined;
    root.remove();
    history.replaceState(null, '', runnerUrl);
    await startStubAgain();
    await closeAll();
    for (const name of stores.splice(0)) await deleteStore(name).catch(() => undefined);
    for (const reg of await navigator.serviceWorker.getRegistrations()) await reg.unregister();
  });

  // Firefox answers persist() only after a permission prompt nobody clicks in a headless run, so the
  // browser's answer is stubbed; what is tested is when the app asks.
  const storage = navigator.storage as StorageManager & { persist(): Promise<boolean>; persisted(): Promise<boolean> };
  let persistRequests = 0;
  before(() => {
    Object.defineProperty(storage, 'persisted', { configurable: true, value: () => Promise.resolve(false) });
    Object.defineProperty(storage, 'persist', { configurable: true, value: () => Promise.resolve(++persistRequests > 0) });
  });
  after(() => {
    delete (storage as Partial<typeof storage>).persist;
    delete (storage as Partial<typeof storage>).persisted;
  });

  const items = () => [...root.querySelectorAll('li')].map((li) => li.textContent);

  it('renders from the store before any network, then syncs once the server is up', async () => {
    const prefix = unique('task');
    const token = await login();
    // Another device of the same user already put a task on the server.
    const other = await client({ token });
    await (await other.sync.put('tasks', { id: `${prefix}-server`, title: 'From the server' })).acked;
    closeClient(other);

    const name = unique('app');
    stores.push(name);
    const store = await openStore({ name, version: 1, collections: { tasks: { keyPath: 'id' }, ...syncCollections } });
    await store.collection<Task>('tasks').put({ id: `${prefix}-local`, title: 'Stored locally' });

    const url = await stubUrl();
    await killStub();
    const steps: string[] = [];
    app = await createApp({
      root,
      store: Promise.resolve(store),
      sync: (s: Store) => {
        steps.push('sync');
        return createSync({ store: s, url, auth: { token }, collections: { tasks: {} }, events: false });
      },
      serviceWorker: { url: '/test/fixtures/sw-smoke.js', scope: SW_SCOPE, updateIntervalMs: 0 },
      manifest: '/test/fixtures/app.webmanifest',
      router: { base: BASE },
      routes: [
        route({
          path: '/',
          title: 'Tasks',
          collections: ['tasks'],
          data: ({ store }) => liveQuery(['tasks'], () => store!.collection<Task>('tasks').query({ startsWith: prefix })),
          render: ({ data }) => {
            steps.push('render');
            return html`<h1>Tasks</h1>
              <ul>
                ${data?.map((t) => html`<li>${t.title}</li>`)}
              </ul>`;
          },
        }),
      ],
    });

    // createApp resolved with the local data on screen; sync started only after that first render.
    expect(steps[0]).to.equal('render');
    expect(items()).to.deep.equal(['Stored locally']);
    expect(document.querySelector('link[rel=manifest]')?.getAttribute('href')).to.equal('/test/fixtures/app.webmanifest');

    await app.ready;
    expect(steps.indexOf('sync')).to.be.greaterThan(0);
    expect(app.sync, 'sync started').to.not.equal(undefined);
    expect(app.sw?.registration?.scope).to.equal(`${location.origin}${SW_SCOPE}`);

    // The server is down: the app keeps showing local data and has never synced.
    await app.sync!.syncNow();
    expect(app.sync!.status.lastSyncedAt).to.equal(undefined);
    expect(app.sync!.status.state).to.not.equal('idle');
    expect(items()).to.deep.equal(['Stored locally']);
    expect(persistRequests, 'persistence asked before the first sync').to.equal(0);

    await startStubAgain();
    await app.sync!.syncNow();
    await until(() => items().includes('From the server'), 'the pulled task in the view');
    expect(items()).to.have.members(['Stored locally', 'From the server']);
    expect(app.sync!.status.lastSyncedAt).to.be.a('number');
    // After the first complete sync the app asked to keep its data.
    const report = await app.persistence;
    expect(report.persisted).to.equal(true);
    expect(persistRequests).to.equal(1);

    app.dispose();
    expect(root.querySelector('h1')).to.equal(null);
    expect(document.querySelector('link[rel=manifest]')).to.equal(null);
    app = undefined;
  });

  it("replaces the root's content (a loading placeholder) as it mounts, leaves nothing of it or the app after dispose, and mounts again in the same root", async () => {
    const options = { root, router: { base: BASE }, routes: [{ path: '/', render: () => html`<h1>Home</h1>` }] };
    for (const round of ['first app', 'second app in the same root']) {
      root.insertAdjacentHTML('beforeend', '<p class="loading">Loading…</p>');
      app = await createApp(options);
      expect([...root.children].map((el) => el.outerHTML), round).to.deep.equal(['<h1>Home</h1>']);
      app.dispose();
      app = undefined;
      expect(root.children.length, `${round}: elements left after dispose`).to.equal(0);
    }
  });

  it('leaves no listener on the root after dispose: nothing there keeps the disposed app alive', async () => {
    app = await createApp({ root, router: { base: BASE }, routes: [{ path: '/', render: () => html`<h1>Home</h1>` }] });
    app.dispose();
    app = undefined;
    // The router's @lit-labs/router Routes listens on its host for nested Routes connecting: a
    // listener still on the root answers this event (it adopts the sender as a child).
    const event = new RoutesConnectedEvent({} as Routes);
    root.dispatchEvent(event);
    expect(typeof event.onDisconnect, 'a disposed router answered').to.equal('undefined');
  });

  it("settles with the error view when the first route's render throws, instead of a blank page and a promise that never settles", async () => {
    const unhandled: unknown[] = [];
    const record = (e: PromiseRejectionEvent) => unhandled.push(e.reason);
    addEventListener('unhandledrejection', record);
    try {
      let settled = false;
      void createApp({
        root,
        router: { base: BASE },
        routes: [
          {
            path: '/',
            render: () => {
              throw new Error('render broke');
            },
          },
        ],
      }).then((a) => ((app = a), (settled = true)));
      await until(() => settled, 'createApp to resolve');
      expect(root.querySelector('[data-outpost-view=error]')?.textContent).to.contain('render broke');
      // An unhandledrejection is dispatched in a task queued as the microtasks ran out: two tasks later, it has been.
      for (let i = 0; i < 2; i++) await new Promise((r) => setTimeout(r));
      expect(unhandled.map(String)).to.deep.equal([]);
    } finally {
      removeEventListener('unhandledrejection', record);
    }
  });

  it('closes the store its factory opened when the routes need a collection it lacks', async () => {
    const name = unique('app');
    stores.push(name);
    let opened: Store | undefined;
    const error = await createApp({
      root,
      router: { base: BASE },
      store: async () => (opened = await openStore({ name, version: 1, collections: { tasks: { keyPath: 'id' } } })),
      routes: [{ path: '/', collections: ['notes'], render: () => html`<h1>x</h1>` }],
    }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).to.be.instanceOf(StoreError).with.property('code', 'unknown-collection');
    // Nobody else holds that store: left open, its connection and channel live as long as the page.
    const read = await opened!.collection('tasks').get('x').then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(read, 'the store was closed').to.be.instanceOf(StoreError).with.property('code', 'connection-closed');
  });

  it('works without store or sync, wraps the outlet in a layout, and names the fix for bad options', async () => {
    app = await createApp({
      root: root,
      router: { base: BASE },
      layout: (outlet) => html`<div class="frame">${outlet}</div>`,
      routes: [{ path: '/', render: () => html`<h1>Plain</h1>` }],
    });
    expect(root.querySelector('.frame h1')?.textContent).to.equal('Plain');
    await app.router.navigate('/nothing-here');
    expect(root.querySelector('.frame h1')?.textContent).to.equal('Page not found');
    app.dispose();
    app = undefined;

    let error: Error | undefined;
    try {
      await createApp({ root: '#no-such-root', routes: [] });
    } catch (e) {
      error = e as Error;
    }
    expect(error?.message).to.contain("root '#no-such-root' matches no element");

    const name = unique('app');
    stores.push(name);
    const store = await openStore({ name, version: 1, collections: { tasks: { keyPath: 'id' } } });
    error = undefined;
    try {
      await createApp({ root, store, routes: [{ path: '/', collections: ['notes'], render: () => html`<h1>x</h1>` }] });
    } catch (e) {
      error = e as Error;
    }
    store.close();
    expect(error).to.be.instanceOf(StoreError).with.property('code', 'unknown-collection');
    expect(error?.message).to.contain("route '/' needs collection 'notes'");
    expect(error?.message).to.contain('Add it to openStore({ collections })');
  });
});
