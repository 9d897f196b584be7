// Reads what <outpost-inspector> shows. Kept apart from rendering: plain async functions over the
// store, the Cache Storage and the StorageManager, each tolerant of what a browser lacks.
// Deep import of the one function: the `outpost` entry would bundle the protocol schemas too.
import { storageEstimate } from '../runtime/store/storage.js';
import type { OutboxEntry, Store, StoredRejection } from '../runtime/index.js';

/** What the inspector shows about the store. */
export interface StoreSnapshot {
  counts: Array<{ name: string; count: number }>;
  outbox: OutboxEntry[];
  outboxTotal: number;
  rejected: StoredRejection[];
  conflicts: number;
  cursor: string | undefined;
  clientId: string | undefined;
}

/** What the inspector shows about the browser: caches and storage. */
export interface BrowserSnapshot {
  swScript: string | undefined;
  caches: Array<{ name: string; entries: number }> | undefined;
  storage: { usage: number; quota: number; persisted: boolean } | undefined;
}

const has = (store: Store, name: string) => Object.hasOwn(store.schema.collections, name);

/** Collection counts, the first `limit` outbox entries, rejections and sync cursor. */
export async function readStore(store: Store, limit: number): Promise<StoreSnapshot> {
  const names = Object.keys(store.schema.collections);
  const counts = await Promise.all(names.map(async (name) => ({ name, count: await store.collection(name).count() })));
  const meta = async (key: string) => (has(store, '$meta') ? ((await store.collection('$meta').get(key))?.value as string | undefined) : undefined);
  return {
    counts,
    outbox: has(store, '$outbox') ? await store.collection<OutboxEntry>('$outbox').query({ limit }) : [],
    outboxTotal: counts.find((c) => c.name === '$outbox')?.count ?? 0,
    rejected: has(store, '$rejected') ? await store.collection<StoredRejection>('$rejected').query({ direction: 'prev', limit }) : [],
    conflicts: counts.find((c) => c.name === '$conflicts')?.count ?? 0,
    cursor: await meta('cursor'),
    clientId: await meta('clientId'),
  };
}

/** The controlling service worker's script, this origin's caches (with entry counts) and storage. */
export async function readBrowser(): Promise<BrowserSnapshot> {
  const swScript = typeof navigator !== 'undefined' ? navigator.serviceWorker?.controller?.scriptURL : undefined;
  let caches: BrowserSnapshot['caches'];
  if (typeof globalThis.caches !== 'undefined') {
    const names = await globalThis.caches.keys();
    caches = await Promise.all(names.map(async (name) => ({ name, entries: (await (await globalThis.caches.open(name)).keys()).length })));
  }
  return { swScript, caches, storage: await storageEstimate() };
}

/** Bytes as a short human-readable size. */
export function formatBytes(n: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) {
    n /= 1024;
    i++;
  }
  return `${i ? n.toFixed(1) : n} ${units[i]}`;
}
