import { failure } from './errors.js';

/**
 * Deletes a store's database and everything in it (e.g. on sign-out). Other stores are untouched.
 * Close open connections first; others (other tabs) get `store-outdated` and step aside.
 */
export async function deleteStore(name: string, options: { blockedTimeoutMs?: number } = {}): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    await new Promise<void>((resolve, reject) => {
      timer = setTimeout(() => void failure('version-blocked/delete', name).then(reject), options.blockedTimeoutMs ?? 5000);
      const request = indexedDB.deleteDatabase(name);
      request.onsuccess = () => resolve();
      request.onerror = () => reject(request.error);
    });
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The database name for one signed-in account, so accounts live side by side and signing one
 * out deletes only its data: `accountStoreName('mail', 'alice')` → `'mail:alice'`.
 */
export function accountStoreName(app: string, account: string): string {
  if (!app || !account) throw new TypeError('accountStoreName: app and account must be non-empty strings.');
  return `${app}:${encodeURIComponent(account)}`;
}

/** Asks the browser to keep this origin's data under storage pressure; resolves to whether it will. */
export async function persistStorage(): Promise<boolean> {
  // `persist()` is window-only; typed structurally so this module also compiles for workers.
  const storage = globalThis.navigator?.storage as
    | (StorageManager & { persist?: () => Promise<boolean> })
    | undefined;
  if (!storage?.persist) return false;
  if (await storage.persisted()) return true;
  return storage.persist();
}

/** How much storage this origin uses and may use, in bytes (undefined where unsupported). */
export async function storageEstimate(): Promise<{ usage: number; quota: number; persisted: boolean } | undefined> {
  if (!globalThis.navigator?.storage?.estimate) return undefined;
  const [{ usage = 0, quota = 0 }, persisted] = await Promise.all([navigator.storage.estimate(), navigator.storage.persisted?.() ?? false]);
  return { usage, quota, persisted };
}
