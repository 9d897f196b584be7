// The to-do app: routes, a layout with the sync status, writes through sync. Offline-first: it
// renders from IndexedDB at once and syncs with the server whenever it can.
import { html } from 'lit';
import { createApp, createSync, liveQuery, openStore, route, type App, type Sync } from 'outpost';
import 'outpost/components/shell.js';
import 'outpost/components/sync-status.js';
import { synced, todoSchema, type Todo } from './schema.js';

/** Where the app runs and who uses it. */
export interface TodoAppOptions {
  root: HTMLElement;
  /** The sync server, e.g. `http://127.0.0.1:8787` (the page's origin when the server serves it). */
  url: string;
  user: string;
  /** The bearer token, or a function reading the current one (`session.token` from `outpost/session`). */
  token: string | (() => string | undefined);
  /** The path the app is served under (default `/`). */
  base?: string;
  /** The service worker's URL (the build writes `/sw.js`); none in tests. */
  serviceWorker?: string;
}

/** Starts the to-do app in `root`. */
export async function startTodoApp({ root, url, user, token, base = '/', serviceWorker }: TodoAppOptions): Promise<App> {
  // Writes go through sync: applied locally at once, pushed when online.
  const write = async (change: (sync: Sync) => Promise<unknown>) => {
    await app.ready;
    if (app.sync) await change(app.sync);
  };
  const add = (e: SubmitEvent) => {
    e.preventDefault();
    const form = e.target as HTMLFormElement;
    const title = new FormData(form).get('title')!.toString().trim();
    form.reset();
    if (title) void write((sync) => sync.put('todos', { id: crypto.randomUUID(), title, done: false, createdAt: Date.now() }));
  };

  const list = route({
    path: '/',
    title: 'To-dos',
    collections: ['todos'],
    data: ({ store }) => liveQuery(['todos'], () => store!.collection<Todo>('todos').query({ index: 'byCreated' })),
    render: ({ data = [], href }) => html`<h1>To-dos</h1>
      <form @submit=${add}>
        <label>New to-do <input name="title" required autocomplete="off" /></label>
        <button>Add</button>
      </form>
      <ul>
        ${data.map(
          (t) => html`<li>
            <input type="checkbox" aria-label="Done: ${t.title}" .checked=${t.done} @change=${() => write((s) => s.patch('todos', t.id, { done: !t.done }))} />
            <a href=${href(`/todos/${t.id}`)}>${t.title}</a>
          </li>`,
        )}
      </ul>
      <p>${data.filter((t) => !t.done).length} left</p>`,
  });

  const detail = route({
    path: '/todos/:id',
    collections: ['todos'],
    data: ({ store, params }) => liveQuery(['todos'], () => store!.collection<Todo>('todos').get(params.id!)),
    title: ({ data }) => data?.title ?? 'No such to-do',
    render: ({ data, href }) => {
      if (!data) return html`<h1>No such to-do</h1><p><a href=${href('/')}>Back to the list</a></p>`;
      const remove = async () => {
        await write((s) => s.delete('todos', data.id));
        await app.router.navigate('/');
      };
      return html`<h1>${data.title}</h1>
        <p>${data.done ? 'Done' : 'Open'}</p>
        <button @click=${remove}>Delete</button>
        <p><a href=${href('/')}>Back to the list</a></p>`;
    },
  });

  const app: App = await createApp({
    root,
    router: { base },
    store: () => openStore(todoSchema(user)),
    sync: (store) => createSync({ store, url, auth: typeof token === 'string' ? { token } : token, collections: synced }),
    routes: [list, detail],
    ...(serviceWorker ? { serviceWorker, manifest: `${base}manifest.webmanifest` } : {}),
    layout: (outlet, { sync }) => html`<outpost-shell>
      <span slot="top">To-do <outpost-sync-status .sync=${sync}></outpost-sync-status></span>
      ${outlet}
    </outpost-shell>`,
  });
  return app;
}
