// Entry of the guide's to-do app: sign in to the stub (it serves this page too), then start.
import { startTodoApp } from './todo-app.js';

const user = 'alice';
const res = await fetch('/auth/v1/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ user, password: user }) });
if (!res.ok) throw new Error(`Sign-in failed (${res.status}): start the stub with 'npx outpost-stub' and open the app from it.`);
const { token } = (await res.json()) as { token: string };

await startTodoApp({ root: document.body, url: location.origin, token, user });
