// Storage that the browser will not evict under pressure, asked for at a moment the user expects.
import { persistStorage, storageEstimate } from '../store/storage.js';

/** What the browser says about this origin's storage. */
export interface StorageReport {
  /** True when the browser promised not to evict the data (`navigator.storage.persist()`). */
  persisted: boolean;
  /** Bytes used and available, when the browser tells. */
  usage?: number;
  quota?: number;
}

/**
 * Asks the browser to keep this origin's data (IndexedDB outbox included) under storage pressure,
 * and reports the result with the current estimate. Ask after a sign-in or the first sync, not on
 * first load: browsers grant it to apps the user engages with, and some show a prompt.
 *
 * @example
 * sync.addEventListener('progress', async (e) => e.detail.done && console.log(await requestPersistence()), { once: true });
 */
export async function requestPersistence(): Promise<StorageReport> {
  const persisted = await persistStorage().catch(() => false);
  const estimate = await storageEstimate();
  return estimate ? { persisted, usage: estimate.usage, quota: estimate.quota } : { persisted };
}
