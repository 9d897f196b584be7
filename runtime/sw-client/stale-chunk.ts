// A tab still on an old build asks for a lazy chunk the server no longer has (a deploy happened).
// The fix is to move the tab to the new build once, never to retry in a loop.

import { SKIP_WAITING } from '../protocol/sw-messages.js';
import { reloadPage } from './reload.js';

const KEY = 'outpost:stale-chunk-reload';

/** True for the errors browsers raise when a dynamic `import()` cannot fetch its module. */
export function isChunkLoadError(error: unknown): boolean {
  const message = error instanceof Error ? error.message : String(error);
  return /dynamically imported module|Importing a module script failed|Failed to fetch/i.test(message);
}

/**
 * Recovers from a lazy chunk that failed to load: updates the service worker, lets the new
 * version take over and reloads, at most once a minute (sessionStorage remembers), so a chunk that
 * is really missing shows the error instead of a reload loop. Resolves `false` when it did not
 * reload (not a chunk error, or reloaded recently): show the error view then.
 *
 * @example
 * try { await import('./views/thread.js'); } catch (e) { if (!(await recoverFromStaleChunk(e))) showError(e); }
 */
export async function recoverFromStaleChunk(error: unknown, registration?: ServiceWorkerRegistration): Promise<boolean> {
  if (!isChunkLoadError(error)) return false;
  const { sessionStorage } = globalThis as { sessionStorage?: { getItem(k: string): string | null; setItem(k: string, v: string): void } };
  const last = Number(sessionStorage?.getItem(KEY) ?? 0);
  if (Date.now() - last < 60_000) return false;
  sessionStorage?.setItem(KEY, String(Date.now()));
  const reg = registration ?? (await navigator.serviceWorker?.getRegistration());
  await reg?.update().catch(() => undefined);
  if (reg?.waiting) {
    // The new worker takes over; ServiceWorkerClient reloads every tab on `controllerchange`.
    reg.waiting.postMessage({ type: SKIP_WAITING });
    await new Promise((r) => setTimeout(r, 3000));
  }
  reloadPage();
  return true;
}
