// A router's host may leave the document and come back (moved in the page, or a layout swapping
// it): its disconnect stops the route's live data, so its reconnect must start it again.
import { expect } from '@open-wc/testing';
import { html } from 'lit';
import { liveQuery, route } from '../../../runtime/router/index.js';
import { deleteStore, openStore, type Store } from '../../../runtime/store/index.js';
import { until } from '../../components/helpers.js';
import { mount, nextNavigation, text, unmountAll } from './helpers.js';

type Todo = { id: string; title: string };

describe('Router host disconnected and connected again', () => {
  let store: Store;
  const name = `router-reconnect-${Date.now()}-${Math.random().toString(36).slice(2)}`;

  beforeEach(async () => {
    store = await openStore({ name, version: 1, collections: { todos: { keyPath: 'id' } } });
    await store.collection<Todo>('todos').put({ id: 't1', title: 'First' });
  });
  afterEach(async () => {
    unmountAll();
    store.close();
    await deleteStore(name);
  });

  it('a route whose data is one kept query object (one per store) updates its view live again after the host reconnects', async () => {
    const titles = liveQuery(['todos'], async () => (await store.collection<Todo>('todos').query()).map((t) => t.title).join(','));
    const list = route({ path: '/', data: () => titles, render: ({ data }) => html`<h1>${data}</h1>` });
    const host = await mount([list], { store });
    expect(text(host, 'h1')).to.equal('First');

    const back = nextNavigation(host.router);
    host.remove();
    document.body.append(host);
    await back;
    await store.collection<Todo>('todos').put({ id: 't2', title: 'Second' });
    await until(() => text(host, 'h1') === 'First,Second', 'the write to show after the reconnect');
  });
});
