import { expect } from '@open-wc/testing';
import { deleteStore, type App } from '../../runtime/index.js';
import { openSessionStore, sessionStoreName } from '../../runtime/session/index.js';
import { startTodoApp } from '../../docs/examples/todo/src/todo-app.js';
import { todoSchema } from '../../docs/examples/todo/src/schema.js';
import { goOffline, goOnline, stubUrl } from '../../testing/commands.js';
import { expectAccessible, until } from '../components/helpers.js';
import { login, serverDocs } from '../runtime/sync/helpers.js';

// The guide's app: docs/examples/todo/src is create-outpost's template/src, byte for byte
// (test/docs/guide-files.node.test.ts), which docs/guide.md shows; run as written.
describe("the guide's to-do app (create-outpost's starter)", () => {
  const runnerUrl = location.href;
  // One stub serves both browsers at once: each signs in as its own user, so the other's to-dos
  // (pulled by the first sync) never count in this one's "N left".
  const user = navigator.userAgent.includes('Firefox') ? 'bob' : 'alice';
  let app: App | undefined;
  let root: HTMLElement;

  afterEach(async () => {
    app?.dispose();
    root.remove();
    history.replaceState(null, '', runnerUrl);
    await goOnline();
    await deleteStore(todoSchema(user).name).catch(() => undefined);
    await deleteStore(sessionStoreName('todo')).catch(() => undefined);
  });

  it('adds, completes and opens to-dos, keeps working offline and syncs them, with the token from the session store', async () => {
    history.replaceState(null, '', '/todo-guide/');
    root = document.createElement('div');
    document.body.append(root);
    const session = await openSessionStore('todo');
    await session.signIn({ user, token: await login(user) });
    app = await startTodoApp({ root, url: await stubUrl(), token: session.token, user, base: '/todo-guide/' });
    await app.ready;
    const items = () => [...root.querySelectorAll('li a')].map((a) => a.textContent);
    const add = async (title: string) => {
      (root.querySelector('input[name=title]') as HTMLInputElement).value = title;
      root.querySelector<HTMLButtonElement>('form button')!.click();
      await until(() => items().includes(title), `"${title}" in the list`);
    };
    const title = `Write the guide ${Date.now()}`;
    await add(title);
    expect(root.querySelector('h1')!.textContent).to.equal('To-dos');
    expect(root.textContent).to.contain('1 left');
    await expectAccessible(root);

    root.querySelector<HTMLInputElement>('li input[type=checkbox]')!.click();
    await until(() => root.textContent!.includes('0 left'), '"0 left"');
    const nav = new Promise((r) => app!.router.addEventListener('navigate', r, { once: true }));
    root.querySelector<HTMLAnchorElement>('li a')!.click();
    await nav;
    expect(root.querySelector('h1')!.textContent).to.equal(title);
    expect(document.title).to.equal(title);
    expect(root.textContent).to.contain('Done');

    await app.router.navigate('/');
    // As a person would: the first visit synced once online (and so loaded the sync chunk, which
    // Firefox will not fetch again in this page after a failed load while offline) before going offline.
    await until(() => app!.sync!.status.pending === 0 && app!.sync!.status.lastSyncedAt !== undefined, 'the first sync online');
    await goOffline();
    await add('Written offline');
    await until(() => app!.sync!.status.pending > 0 || app!.sync!.status.state === 'offline', 'the offline state');
    await goOnline();
    await app.sync!.syncNow();
    await until(() => app!.sync!.status.pending === 0, 'the outbox to drain');
    const titles = [...(await serverDocs('', user)).values()].filter((c) => c.collection === 'todos').map((c) => c.value?.title);
    expect(titles).to.include.members([title, 'Written offline']);
    session.close();
  });
});
