// Turns the storage's change notices (this node's commits, other nodes' via PostgreSQL NOTIFY) into
// pokes on this node's event streams. Notices arriving together are coalesced per user: one read of
// the head cursor and one poke per user, however many commits there were.
import type { EventHub } from './events.js';
import type { Storage } from './storage/types.js';

/** Pokes `events`' streams whenever `storage` reports a change; `cursorFor` gives a user's head cursor. */
export function forwardPokes(storage: Storage, events: EventHub, cursorFor: (user: string) => Promise<string>, log: (message: string, err: unknown) => void): void {
  const pending = new Set<string>();
  let everyone = false;
  let scheduled = false;
  const flush = async () => {
    scheduled = false;
    const users = everyone ? events.users() : [...pending].filter((user) => events.has(user));
    pending.clear();
    everyone = false;
    for (const user of users) {
      try {
        events.poke(user, await cursorFor(user));
      } catch (err) {
        // The storage is down: after it reconnects every stream is poked anyway.
        log(`could not poke ${user}'s event streams`, err);
      }
    }
  };
  storage.watch((user) => {
    if (user === undefined) everyone = true;
    else pending.add(user);
    if (scheduled) return;
    scheduled = true;
    setImmediate(() => void flush());
  });
}
