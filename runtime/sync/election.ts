// Which tab of a store leads (talks to the server): the one holding the store's Web Lock. The
// browser releases a lock when its tab closes or crashes, not when the tab's main thread is stuck
// in a long task or the tab is frozen without notice, so followers also ask the leader every
// second whether it is there (a message, answered even by a throttled background tab); one that
// gets no answer for SILENCE_MS steals the lock and syncs the outbox itself. The stuck tab's term
// ends when it runs again (its lock request fails; before that, cycle.ts sees the new leader's
// claim in $meta), and mutation ids keep whatever it had already sent applied once. A tab about to
// be frozen or put in the back/forward cache gives the lock up and queues again when it resumes.
// Loaded after the engine starts, with shared-status.ts (tabs.ts).
//
//   follower ── ping (every PING_MS) ──▶ leader        no alive for SILENCE_MS since the first
//            ◀───────────────── alive ──               unanswered ping: steal the lock, lead

/** How often a follower asks whether its leader is there. */
export const PING_MS = 1000;
/** How long a leader may leave a follower's pings unanswered before the follower takes over. */
export const SILENCE_MS = 4000;

type Message = { type: 'ping' } | { type: 'alive' };

/**
 * Competes for the store's leadership (the Web Lock `lockName`, see leader.ts): calls `onLeader` with a term signal each time this tab gets
 * the lock; the term lasts until the lock is stolen, the page freezes or `signal` aborts. Answers
 * the other tabs' pings while `isLeader()`, and takes the lock over from a leader that stops
 * answering. Without `onLeader` (syncOnce, which holds the lock itself) it only answers. Without
 * Web Locks (an old browser) this tab leads at once.
 */
export function elect(lockName: string, isLeader: () => boolean, onLeader: ((term: AbortSignal) => void) | undefined, signal: AbortSignal): void {
  if (signal.aborted) return;
  const locks = typeof navigator === 'undefined' ? undefined : navigator.locks;
  if (onLeader && !locks) return onLeader(signal);
  if (typeof BroadcastChannel === 'undefined') return;
  const channel = new BroadcastChannel(`alive:${lockName}`);
  let silentSince: number | undefined;
  channel.onmessage = (e: MessageEvent<Message>) => {
    if (e.data.type === 'ping' && isLeader()) channel.postMessage({ type: 'alive' } satisfies Message);
    if (e.data.type === 'alive') silentSince = undefined;
  };
  signal.addEventListener('abort', () => channel.close(), { once: true });
  if (!onLeader || !locks) return;

  // The live lock request: aborting it leaves the queue, or ends this tab's term.
  let attempt: AbortController | undefined;
  let frozen = false;
  const join = (steal: boolean) => {
    if (signal.aborted || frozen) return;
    attempt?.abort();
    const mine = (attempt = new AbortController());
    const term = AbortSignal.any([signal, mine.signal]);
    locks
      // A steal is granted at once (it takes no signal); a queued request leaves with its term.
      .request(lockName, steal ? { steal } : { signal: term }, () => {
        if (term.aborted) return;
        onLeader(term);
        return new Promise<void>((resolve) => term.addEventListener('abort', () => resolve(), { once: true }));
      })
      .catch(() => undefined)
      .then(() => {
        // Still this tab's live request, yet over: another tab stole the lock. End the term, queue again.
        if (attempt !== mine) return;
        mine.abort();
        join(false);
      });
  };
  const withdraw = () => {
    const live = attempt;
    attempt = undefined;
    live?.abort();
  };
  join(false);

  const timer = setInterval(() => {
    if (isLeader() || frozen) return void (silentSince = undefined);
    const now = performance.now();
    silentSince ??= now;
    if (now - silentSince < SILENCE_MS) return channel.postMessage({ type: 'ping' } satisfies Message);
    silentSince = undefined;
    join(true);
  }, PING_MS);
  signal.addEventListener('abort', () => clearInterval(timer), { once: true });

  const page = (globalThis as { document?: EventTarget }).document;
  if (!page) return;
  const pause = () => {
    frozen = true;
    withdraw();
  };
  const resume = () => {
    if (!frozen) return;
    frozen = false;
    join(false);
  };
  page.addEventListener('freeze', pause, { signal });
  page.addEventListener('resume', resume, { signal });
  addEventListener('pagehide', (e) => (e as Event & { persisted?: boolean }).persisted && pause(), { signal });
  addEventListener('pageshow', (e) => (e as Event & { persisted?: boolean }).persisted && resume(), { signal });
}
