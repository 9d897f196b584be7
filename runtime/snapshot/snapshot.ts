// A small value kept from the last visit, read synchronously at start: the first screen paints
// from it while IndexedDB opens (a cold start's slowest step), then the store's result replaces it.
// localStorage because it is the one storage a page reads without waiting; the value is a copy of
// what the store holds, so it lives and dies with that store (clearSnapshots on sign-out).

const PREFIX = 'outpost-snapshot:';

/** The most a snapshot keeps by default, in characters of JSON (a first screen of rows is a few KB). */
export const SNAPSHOT_MAX_CHARS = 64_000;

/** A value saved for the next start. See {@link snapshot}. */
export interface Snapshot<T> {
  /** The value saved last, or undefined: none yet, another `version`'s, or unreadable. */
  read(): T | undefined;
  /**
   * Saves `value` (JSON) for the next start, once the page is idle; a later write before then
   * replaces it. Throws a TypeError, saving nothing, when the value has more than `maxChars` of
   * JSON (the old value is forgotten then too, so a start never paints a stale one).
   */
  write(value: T): void;
  /** Forgets the saved value. */
  clear(): void;
}

/** Options of {@link snapshot}. */
export interface SnapshotOptions {
  /** Bump it when the value's shape changes: a snapshot of another version reads as undefined. */
  version?: number;
  /** The most characters of JSON it keeps (default {@link SNAPSHOT_MAX_CHARS}). */
  maxChars?: number;
}

const keyOf = (store: string, name: string) => `${PREFIX}${store}\u0000${name}`;

// Writes wait for an idle moment, coalesced: a list patched ten times in a burst is saved once.
const queued = new Map<string, () => void>();
let flushing = false;
function schedule(key: string, save: () => void): void {
  queued.set(key, save);
  if (flushing) return;
  flushing = true;
  const flush = () => {
    flushing = false;
    const saves = [...queued.values()];
    queued.clear();
    saves.forEach((s) => s());
  };
  if (typeof requestIdleCallback === 'function') requestIdleCallback(flush, { timeout: 2000 });
  else setTimeout(flush, 200);
}

function storage(): Storage | undefined {
  try {
    return typeof localStorage === 'undefined' ? undefined : localStorage;
  } catch {
    // Storage disabled for the page (e.g. a sandboxed frame): no snapshots, nothing breaks.
    return undefined;
  }
}

/**
 * A snapshot `name` of the store `store` (its database name): what an app saves of its first
 * screen (e.g. the inbox's first rows) to paint it on the next start before the store opens.
 * Keep it small and replace it as soon as the store answers: it is as old as the last write.
 *
 * @example
 * const rows = snapshot<Row[]>(store.name, 'inbox');
 * list.items = rows.read() ?? [];            // at once, before openStore resolves
 * store.observe(['messages'], readInbox, (items) => { list.items = items; rows.write(items.slice(0, 30)); });
 */
export function snapshot<T>(store: string, name: string, options: SnapshotOptions = {}): Snapshot<T> {
  const key = keyOf(store, name);
  const version = options.version ?? 1;
  const max = options.maxChars ?? SNAPSHOT_MAX_CHARS;
  return {
    read() {
      try {
        const saved = JSON.parse(storage()?.getItem(key) ?? 'null') as { v: number; value: T } | null;
        return saved?.v === version ? saved.value : undefined;
      } catch {
        return undefined;
      }
    },
    write(value) {
      const json = JSON.stringify({ v: version, value });
      if (json.length > max) {
        queued.delete(key);
        storage()?.removeItem(key);
        throw new TypeError(`Snapshot '${name}' of store '${store}' is ${json.length} characters of JSON, over its limit of ${max}: save only what the first screen shows (e.g. its first rows), or raise maxChars.`);
      }
      schedule(key, () => {
        try {
          storage()?.setItem(key, json);
        } catch {
          // Storage full: an old snapshot would be stale, so none is kept.
          storage()?.removeItem(key);
        }
      });
    },
    clear() {
      queued.delete(key);
      storage()?.removeItem(key);
    },
  };
}

/** Forgets every snapshot of the store `store` (outpost/accounts does it when it signs an account out). */
export function clearSnapshots(store: string): void {
  const s = storage();
  if (!s) return;
  const prefix = keyOf(store, '');
  for (const key of [...queued.keys()]) if (key.startsWith(prefix)) queued.delete(key);
  for (let i = s.length - 1; i >= 0; i--) {
    const key = s.key(i);
    if (key?.startsWith(prefix)) s.removeItem(key);
  }
}
