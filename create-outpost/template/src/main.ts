// Entry of the app: who is signed in comes from IndexedDB (`outpost/session`), so a reload with
// no network starts the app as it was; only the very first visit signs in over the network.
import { openSessionStore } from 'outpost/session';
import { APP } from './schema.js';
import { startTodoApp } from './todo-app.js';

const session = await openSessionStore(APP);
if (!session.current) {
  // Replace with your sign-in form: the server (`outpost-stub`) knows the users of `--users`.
  const user = 'alice';
  const res = await fetch('/auth/v1/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ user, password: user }) });
  if (!res.ok) throw new Error(`Sign-in failed (${res.status}): start the app with 'npm start' and open the URL it prints.`);
  await session.signIn({ user, token: ((await res.json()) as { token: string }).token });
}

// BASE_URL is where the app is served (`base` in outpost.config.js, `/` by default): its worker and
// routes live under it; the sync server's routes (/sync/v1, /auth/v1) stay at the origin's root.
const base = import.meta.env.BASE_URL;
await startTodoApp({ root: document.body, url: location.origin, user: session.current!.user, token: session.token, base, serviceWorker: `${base}sw.js` });
