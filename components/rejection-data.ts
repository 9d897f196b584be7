// Reads the sync engine's `$rejected` records for <outpost-rejections> and <outpost-sync-status>.
// The engine writes one per refused mutation (runtime/sync/push-results.ts) and never removes
// them: a person's Dismiss here, or the app, does. Kept apart from rendering so the badge does not
// ship the list.
import type { Store, StoredRejection } from '../runtime/index.js';

/** What the components need of the store: its name and schema, its collections and live reads. */
export type RejectionStore = Pick<Store, 'name' | 'schema' | 'collection' | 'observe'>;

/** The newest refused changes (newest first, at most the limit asked for) and how many are stored. */
export interface RejectionList {
  newest: StoredRejection[];
  total: number;
}

/** The collection the sync engine keeps refused mutations in (runtime/sync/schema.ts). */
export const REJECTED = '$rejected';

/**
 * Calls `onResult` with the newest `limit` refused changes and their total now and after every
 * committed write to `$rejected`, in this tab or another (the store's live queries, no polling).
 * Returns a function that stops it. A store opened without the sync collections gets `onError`
 * with what to change, not the store's generic "add it to the schema".
 *
 * @example
 * const stop = observeRejections(store, 20, ({ newest, total }) => render(newest, total), showError);
 */
export function observeRejections(store: RejectionStore, limit: number, onResult: (list: RejectionList) => void, onError: (error: unknown) => void): () => void {
  if (!Object.hasOwn(store.schema.collections, REJECTED)) {
    onError(new Error(`Store '${store.name}' has no '${REJECTED}' collection, where the sync engine keeps the changes the server refused. Open it with the sync collections: openStore({ …, collections: { ...yours, ...syncCollections } }).`));
    return () => undefined;
  }
  const rejected = store.collection<StoredRejection>(REJECTED);
  return store.observe([REJECTED], async () => ({ newest: await rejected.query({ direction: 'prev', limit }), total: await rejected.count() }), onResult, onError);
}

/**
 * A short name for what was refused: the mutation's name, and for a built-in one the document it
 * changed ("patch on notes / n1"); a custom mutation keeps its args to itself ("send").
 *
 * @example
 * rejectionTitle({ id: 3, mutation: { id: 3, name: 'delete', collection: 'notes', key: 'n1', baseRev: 2 }, error, at }); // 'delete on notes / n1'
 */
export function rejectionTitle(r: StoredRejection): string {
  const m = r.mutation as { name: string; collection?: unknown; key?: unknown };
  // Only built-in mutations carry a top-level collection and key (a custom one's are in `args`):
  // testing the shape spares another copy of the built-in names.
  return typeof m.collection === 'string' && typeof m.key === 'string' ? `${m.name} on ${m.collection} / ${m.key}` : m.name;
}
