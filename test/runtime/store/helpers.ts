import { openStore, type StoreSchema } from '../../../runtime/store/index.js';
import { CONDITION_TIMEOUT_MS } from '../../timeouts.js';

/** A unique database name per test, so tests never see each other's data. */
export const uniqueName = (prefix = 'store') => `${prefix}-${Date.now()}-${Math.random().toString(36).slice(2)}`;

export interface Mail extends Record<string, unknown> {
  id: string;
  threadId: string;
  date: number;
  labels: string[];
  subject: string;
  body?: string;
}

/** A mail-like schema exercising every index kind. */
export function mailSchema(name: string, version = 1): StoreSchema {
  return {
    name,
    version,
    collections: {
      messages: {
        keyPath: 'id',
        indexes: { byDate: 'date', byThread: ['threadId', 'date'], byLabel: 'labels*', bySubject: 'subject' },
        words: ['subject', 'body'],
      },
      threads: { keyPath: 'id' },
      unique: { keyPath: 'id', indexes: { byEmail: { keyPath: 'email', unique: true } } },
    },
  };
}

export const openMail = (name: string) => openStore(mailSchema(name));

export function mail(i: number, extra: Partial<Mail> = {}): Mail {
  return { id: `m${String(i).padStart(4, '0')}`, threadId: `t${i % 5}`, date: 1000 + i, labels: i % 2 ? ['INBOX'] : ['INBOX', 'STARRED'], subject: `Subject ${i}`, ...extra };
}

/** Resolves when `predicate` holds for a value pushed into `values`, or rejects after `ms`. */
export function waitFor<T>(values: T[], predicate: (v: T) => boolean, ms = CONDITION_TIMEOUT_MS): Promise<T> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const tick = () => {
      const hit = values.find(predicate);
      if (hit !== undefined) return resolve(hit);
      if (Date.now() - started > ms) return reject(new Error(`condition not met within ${ms} ms; saw ${JSON.stringify(values).slice(0, 300)}`));
      setTimeout(tick, 10);
    };
    tick();
  });
}

/** Runs `fn` on a raw IndexedDB connection to the database `name` (no store code), closed after. */
export async function withRawDb<T>(name: string, fn: (db: IDBDatabase) => Promise<T>): Promise<T> {
  const db = await new Promise<IDBDatabase>((resolve, reject) => {
    const r = indexedDB.open(name);
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error);
  });
  try {
    return await fn(db);
  } finally {
    db.close();
  }
}

/**
 * Calls `seen` with the object, the method's name and the request it made, for every call of
 * `methods` on `proto` (e.g. IDBIndex.prototype) while `fn` runs; the methods are restored after.
 */
export async function watchCalls<P extends object>(proto: P, methods: string[], seen: (target: P, method: string, request: IDBRequest) => void, fn: () => Promise<unknown>): Promise<void> {
  const table = proto as unknown as Record<string, (...a: unknown[]) => IDBRequest>;
  const originals = methods.map((m) => [m, table[m]] as const);
  for (const [m, original] of originals) {
    table[m] = function (this: P, ...args: unknown[]) {
      const request = original.apply(this, args);
      seen(this, m, request);
      return request;
    };
  }
  try {
    await fn();
  } finally {
    for (const [m, original] of originals) table[m] = original;
  }
}
