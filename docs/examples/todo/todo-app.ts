// The to-do app of docs/guide.md: offline-first, synced, on the public API only.
import { html } from 'lit';
import { createApp, createSync, liveQuery, openStore, route, syncCollections, type App, type Sync } from 'outpost';
import 'outpost/components';

type Todo = { id: string; title: string; done: boolean; createdAt: number };

/** Where the app runs and who uses it. */
export interface TodoAppOptions {
  root: HTMLElement;
  /** The sync server, e.g. the stub: `http://127.0.0.1:8787`. */
  url: string;
  token: string;
  user: string;
  /** The path the app is served under (default `/`). */
  base?: string;
}

/** Starts the to-do app in `root`. */
export async function startTodoApp({ root, url, token, user, base = '/' }: TodoAppOptions): Promise<App> {
  // Writes go through sync: applied locally at once, pushed when online. Sync starts right after
  // the first render, so a write waits for it. (Views call these on user input, after `app` is set.)
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
    render: ({ data = [], query, href }) => {
      const show = query.get('show'); // null (all), 'open' or 'done'
      const shown = data.filter((t) => show === null || t.done === (show === 'done'));
      return html`<h1>To-dos</h1>
        <form @submit=${add}>
          <label>New to-do <input name="title" required autocomplete="off" /></label>
          <button>Add</button>
        </form>
        <ul>
          ${shown.map(
            (t) => html`<li>
              <input type="checkbox" aria-label="Done: ${t.title}" .checked=${t.done} @change=${() => write((s) => s.patch('todos', t.id, { done: !t.done }))} />
              <a href=${href(`/todos/${t.id}`)}>${t.title}</a>
            </li>`,
          )}
        </ul>
        <p>${data.filter((t) => !t.done).length} left</p>`;
    },
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
        <p>${data.done ? 'Done' : 'Open'}, added ${new Date(data.createdAt).toLocaleString()}</p>
        <button @click=${remove}>Delete</button>
        <p><a href=${href('/')}>Back to the list</a></p>`;
    },
  });

  const app: App = await createApp({
    root,
    router: { base },
    store: () => openStore({ name: `todo:${user}`, version: 1, collections: { todos: { keyPath: 'id', indexes: { byCreated: 'createdAt' } }, ...syncCollections } }),
    sync: (store) => createSync({ store, url, auth: { token }, collections: { todos: {} } }),
    routes: [list, detail],
    layout: (outlet, { router, sync }) => {
      const show = router.location?.path === '/' ? (router.location.query.get('show') ?? 'all') : '';
      const filter = (label: string, value: string) =>
        html`<a href=${router.href(value === 'all' ? '/' : `/?show=${value}`)} aria-current=${show === value ? 'page' : 'false'}>${label}</a>`;
      return html`<outpost-shell nav-label="Filters">
        <span slot="top">To-do <outpost-sync-status .sync=${sync}></outpost-sync-status></span>
        <div slot="nav">${filter('All', 'all')} ${filter('Open', 'open')} ${filter('Done', 'done')}</div>
        ${outlet}
      </outpost-shell>`;
    },
  });
  return app;
}
