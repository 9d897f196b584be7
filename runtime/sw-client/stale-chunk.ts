// A tab still on an old build asks for a lazy chunk the server no longer has (a deploy happened).
// The fix is to move the tab to the new build once, never to retry in a loop.

import { reloadPage } from './reload.js';

const KEY = 'outpost:stale-chunk-reload';

/**
 * True for the errors browsers raise when a dynamic `import()` cannot fetch its module. A failed
 * `fetch()` of data ("Failed to fetch" in Chromium) is not one.
 */
export function isChunkLoadError(error: unknown): boolean {
  return /dynamically imported module|Importing a module script failed/i.test(String((error as Error | undefined)?.message ?? error));
}

/**
 * Recovers from a lazy chunk that failed to load: updates the service worker, lets the new
 * version take over once it installed (30 s at most) and reloads, at most once a minute
 * (sessionStorage remembers), so a chunk that is really missing shows the error instead of a
 * reload loop. Never reloads offline, or when the worker's update check (with no worker
 * registered, a HEAD request for the page) gets no answer from the server: the app stays up and
 * shows the error.
 * Resolves `false` when it did not reload (not a chunk error, offline, reloaded recently, or the
 * browser refuses it storage or service workers): show the error view then.
 *
 * @example
 * try { await import('./views/thread.js'); } catch (e) { if (!(await recoverFromStaleChunk(e))) showError(e); }
 */
export async function recoverFromStaleChunk(error: unknown, registration?: ServiceWorkerRegistration): Promise<boolean> {
  try {
    if (!isChunkLoadError(error)) return false;
    if (Date.now() - Number(sessionStorage.getItem(KEY)) < 60_000) return false;
    // Offline the chunk failed because the network did, and a reload that no worker answers lands on
    // the browser's error page, ending the running app. The update check doubles as the server probe;
    // the once-a-minute allowance stays for when the network is back.
    const reg = registration ?? (await navigator.serviceWorker?.getRegistration());
    // With no worker registered (a browser without them, an app that registers none) there is no
    // update check: the page's own URL is the probe (the reload needs it most there).
    const probe = reg ? reg.update() : fetch(location.href, { method: 'HEAD', cache: 'no-store' });
    if (!navigator.onLine || (await probe.then(() => 0, () => 1))) return false;
    sessionStorage.setItem(KEY, String(Date.now()));
    // update() resolves as the new version starts to install: the reload waits until it installed
    // and took over (ServiceWorkerClient reloads every tab then); it went at once, onto the old
    // version. Bounded: a download that takes longer reloads onto the old one, which shows the error.
    // (In the client's lazy chunk, off the start-up bundle: loaded already where a worker is.)
    const next = reg?.installing ?? reg?.waiting;
    if (next) await (await import('./service-worker-client.js')).takeOver(next);
    reloadPage();
    return true;
  } catch {
    // sessionStorage or navigator.serviceWorker refused (Firefox throws a SecurityError with the
    // site's cookies blocked): with no memory of the last reload, no reload; the error shows.
    return false;
  }
}
