// The app in a real browser against a real server (outpost-stub, started by web-test-runner.config.mjs).
import { expect } from '@open-wc/testing';
import { deleteStore } from 'outpost';
import { goOffline, goOnline, killStub, startStubAgain, stubUrl } from 'outpost/testing/commands';
import { todoSchema } from '../src/schema.js';
import { startTodoApp } from '../src/todo-app.js';

async function login(user: string): Promise<string> {
  const res = await fetch(`${await stubUrl()}/auth/v1/login`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ user, password: user }),
  });
  return ((await res.json()) as { token: string }).token;
}

/** Resolves once `predicate` holds, checked each frame: wait on conditions, never on time. */
async function until(predicate: () => boolean): Promise<void> {
  while (!predicate()) await new Promise((r) => requestAnimationFrame(r));
}

describe('to-do app', () => {
  afterEach(async () => {
    await startStubAgain(); // whatever a test did, the next one gets a server
    await goOnline();
    document.body.replaceChildren();
    await deleteStore(todoSchema('alice').name);
  });

  it('starts with the server down, renders from IndexedDB and syncs when it is back', async () => {
    const root = document.body.appendChild(document.createElement('div'));
    const url = await stubUrl();
    const token = await login('alice');
    await killStub();
    const app = await startTodoApp({ root, url, token, user: 'alice' });
    await app.ready; // sync starts after the first render
    expect(root.querySelector('h1')!.textContent).to.equal('To-dos');

    await startStubAgain();
    await app.sync!.syncNow();
    expect(app.sync!.status.state).to.equal('idle');
    app.dispose();
  });

  it('keeps a to-do added offline and pushes it when back online', async () => {
    const root = document.body.appendChild(document.createElement('div'));
    const app = await startTodoApp({ root, url: await stubUrl(), token: await login('alice'), user: 'alice' });
    await app.ready;
    await goOffline();
    const title = `Written offline ${Date.now()}`;
    root.querySelector<HTMLInputElement>('input[name=title]')!.value = title;
    root.querySelector<HTMLButtonElement>('form button')!.click();
    await until(() => [...root.querySelectorAll('li a')].some((a) => a.textContent === title));
    // The pending count follows the outbox through a live query of its own: wait for it too.
    await until(() => app.sync!.status.pending > 0);

    await goOnline();
    await app.sync!.syncNow();
    expect(app.sync!.status.pending).to.equal(0);
    app.dispose();
  });
});
