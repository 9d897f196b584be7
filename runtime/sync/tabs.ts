// What the engine loads after start for the other tabs of its store, in one chunk: the leader's
// status shared with them (shared-status.ts), who leads (election.ts), the pending count and what
// wakes the leader.
import type { Store } from '../store/index.js';
import type { StatusCell } from './status.js';
import type { TokenSource } from './transport.js';

export { shareStatus } from './shared-status.js';
export { elect } from './election.js';

/**
 * Keeps `cell`'s pending count at the outbox's size until `signal` aborts, and ends the engine
 * (`close`) when a newer version of the app upgrades the store from another tab: this tab can
 * write nothing more, and while it held the lock (answering the others' pings) no tab would sync.
 */
export function followStore(store: Store, cell: StatusCell, close: () => void, signal: AbortSignal): void {
  if (signal.aborted) return;
  const stop = store.observe(['$outbox'], () => store.collection('$outbox').count(), (pending) => cell.set({ pending }));
  signal.addEventListener('abort', stop, { once: true });
  const outdated = () => {
    cell.set({ state: 'error', lastError: { code: 'store-outdated', message: `Store '${store.name}' was upgraded by a newer version of the app in another tab, so this tab no longer syncs. Reload it; its pending changes are stored and the newer tab pushes them.` } });
    close();
  };
  store.addEventListener('store-outdated', outdated, { signal });
}

/** The page's document, absent in a service worker (typed structurally: this module compiles for both). */
const page = (globalThis as { document?: { visibilityState: string } & Pick<EventTarget, 'addEventListener'> }).document;

/**
 * Runs the leader's `schedule` every `periodicMs` and when the page comes back online, gets the
 * focus or is shown again; sets `cell` offline when the network goes; and `resume`s a pause at
 * `auth-required` when `token` says its token changed (a sign-in: `session.token`'s subscribe).
 * Until `term` aborts.
 */
export function wakeLeader(schedule: () => void, cell: StatusCell, periodicMs: number, term: AbortSignal, token?: TokenSource, resume?: () => void): void {
  const signal = term;
  // Without it, a paused engine waited for `setAuth`, which no app following the guide calls: the
  // edits of an account signed in again (after another took its place in another tab) stayed unsent.
  // A change during a cycle counts when that cycle ends: it may have sent the old token before the
  // change, and its 401 then paused the engine with the new token at hand (a refresh mid-cycle).
  let changes = 0;
  let seen = 0;
  let running = false;
  const off = token?.subscribe?.(() => (changes++, !running && cell.value.lastError?.code === 'auth-required' && resume?.()));
  if (off) {
    const stop = cell.subscribe(({ state, lastError }) => {
      const now = state === 'syncing' || state === 'connecting';
      if (now && !running) seen = changes;
      running = now;
      // After the scheduler took the cycle's pause (a task later), so that resume() ends it.
      if (!now && lastError?.code === 'auth-required' && seen !== changes) {
        seen = changes;
        setTimeout(() => signal.aborted || resume?.());
      }
    });
    signal.addEventListener('abort', () => (off(), stop()), { once: true });
  }
  if (page) {
    addEventListener('online', schedule, { signal });
    addEventListener('offline', () => cell.set({ state: 'offline' }), { signal });
    addEventListener('focus', schedule, { signal });
    page.addEventListener('visibilitychange', () => page.visibilityState === 'visible' && schedule(), { signal });
  }
  const interval = setInterval(schedule, periodicMs);
  signal.addEventListener('abort', () => clearInterval(interval), { once: true });
}
