/**
 * Browser-side helpers for tests run with {@link outpostStubPlugin}: typed wrappers around the
 * plugin's server commands. Import from test files only (they talk to the test runner).
 *
 * @example
 * import { stubUrl, killStub, startStubAgain, goOffline, goOnline } from 'outpost/testing/commands';
 * const url = await stubUrl();
 * await killStub();        // the server process dies (SIGKILL)
 * await startStubAgain();  // same port, same data: acknowledged pushes are still there
 * await goOffline();       // navigator.onLine === false, fetches fail
 * await goOnline();
 * @module
 */
import { executeServerCommand } from '@web/test-runner-commands';
import type { ProxyCounts, ProxyRule } from './fault-proxy.js';

export type { ProxyCounts, ProxyFault, ProxyRule } from './fault-proxy.js';

/** The stub's base URL, e.g. `http://127.0.0.1:41234`. */
export function stubUrl(): Promise<string> {
  return executeServerCommand<string, undefined>('outpost-stub-url');
}

/** SIGKILLs the stub process and resolves once it is gone; requests to it fail until {@link startStubAgain}. */
export async function killStub(): Promise<void> {
  await executeServerCommand<boolean, undefined>('outpost-stub-kill');
}

/** Starts the stub again after {@link killStub}, on the same port with the same data; resolves with its URL once it listens. */
export async function startStubAgain(): Promise<string> {
  // The runner gives a command 20 s; a start on a loaded machine (Node, tsx, the server's modules)
  // can take longer. Asked again, the plugin answers with the start under way, once it listens.
  for (let attempt = 1; ; attempt++) {
    try {
      return await executeServerCommand<string, undefined>('outpost-stub-start');
    } catch (err) {
      if (attempt >= 10 || !/Did not receive a server response/.test((err as Error).message)) throw err;
    }
  }
}

/**
 * Kills the stub (SIGKILL, or SIGTERM when `graceful`) and starts it again on the same port and data.
 * Resolves with its URL once it listens.
 */
export function restartStub(options: { graceful?: boolean } = {}): Promise<string> {
  return executeServerCommand<string, { graceful?: boolean }>('outpost-stub-restart', options);
}

/**
 * Restarts the stub on the same port with a fresh, empty data directory. Earlier tokens are unknown
 * afterwards (log in again) and earlier cursors answer 410 `cursor-expired`.
 */
export function resetStub(): Promise<string> {
  return executeServerCommand<string, undefined>('outpost-stub-reset');
}

/**
 * Takes this page offline, and every page it opened with {@link openPage} (the device's network
 * goes, not one tab's): `navigator.onLine` becomes false, `offline` fires, new requests to any
 * origin but the test runner's fail (Chromium and Firefox). Already-open connections (an
 * EventSource) and service-worker requests are not cut; see `setPageOffline` in testing/network.ts.
 */
export async function goOffline(): Promise<void> {
  await executeServerCommand<boolean, undefined>('outpost-network-offline');
}

/** Brings this page and the pages it opened back online (`online` fires). */
export async function goOnline(): Promise<void> {
  await executeServerCommand<boolean, undefined>('outpost-network-online');
}

/**
 * Overrides the test page origin's storage quota (Chromium only; `null` restores it). Resolves
 * false where the browser has no such control (Firefox), so a test can say what it could not check.
 */
export function setStorageQuota(bytes: number | null): Promise<boolean> {
  return executeServerCommand<boolean, { bytes: number | null }>('outpost-storage-quota', { bytes });
}

/**
 * The base URL of the fault proxy in front of the stub: point a client at it to meet {@link setProxyRules}' faults.
 * `newOrigin`: the same proxy on a port not used before, whose CORS preflight the browser has not
 * cached (to meet a rule for preflights, `ProxyRule.preflight`).
 */
export function proxyUrl(options: { newOrigin?: boolean } = {}): Promise<string> {
  return executeServerCommand<string, { newOrigin?: boolean }>('outpost-proxy-url', options);
}

/**
 * Makes the proxy fail chosen requests from now on; `[]` heals it. Resolves with the requests
 * seen under the previous rules.
 *
 * @example
 * await setProxyRules([{ route: 'push', fault: { respond: { status: 403 } } }]); // an HTML 403 on every push
 * await setProxyRules([{ route: 'push', times: 1, fault: { forwardThenCut: true } }]); // the next push's answer is lost
 */
export function setProxyRules(rules: ProxyRule[]): Promise<ProxyCounts> {
  return executeServerCommand<ProxyCounts, ProxyRule[]>('outpost-proxy-rules', rules);
}

/** Requests per route the proxy has seen since the rules were last set. */
export function proxyCounts(): Promise<ProxyCounts> {
  return executeServerCommand<ProxyCounts, undefined>('outpost-proxy-counts');
}

/** Cuts every event stream open through the proxy; resolves with how many. */
export function dropEventStreams(): Promise<number> {
  return executeServerCommand<number, undefined>('outpost-proxy-drop-streams');
}

/**
 * Opens `path` (on the test page's origin, e.g. `/test/fixtures/tab.html?x=1`) in a new page of the
 * test's browser: a real separate tab sharing IndexedDB, Web Locks and BroadcastChannel with the
 * test page, in a window of its own so both stay visible (no hidden-tab timer throttling). It is
 * offline while the test page is ({@link goOffline}). Resolves with its id once loaded.
 */
export function openPage(path: string): Promise<string> {
  return executeServerCommand<string, { path: string }>('outpost-page-open', { path });
}

/** Reloads a page opened by {@link openPage}, as the user pressing reload; resolves once it has loaded again. */
export async function reloadPage(id: string): Promise<void> {
  await executeServerCommand<boolean, { id: string }>('outpost-page-reload', { id });
}

/** Closes a page opened by {@link openPage}, as the user closing the tab. */
export async function closePage(id: string): Promise<void> {
  await executeServerCommand<boolean, { id: string }>('outpost-page-close', { id });
}

/**
 * Freezes (`frozen`) or thaws (`active`) a page opened by {@link openPage}, as Chromium freezes a
 * background tab: `freeze` fires in it, then nothing runs there (timers, messages, IndexedDB and
 * network callbacks wait) until it is thawed (`resume` fires). Chromium only (CDP
 * `Page.setWebLifecycleState`): resolves false in Firefox, which has no such command.
 */
export function setPageLifecycle(id: string, state: 'frozen' | 'active'): Promise<boolean> {
  return executeServerCommand<boolean, { id: string; state: 'frozen' | 'active' }>('outpost-page-lifecycle', { id, state });
}

/**
 * Navigates a page opened by {@link openPage} to `path` (on the test page's origin), as the user
 * following a link: the page it leaves gets `pagehide` and may go into the back/forward cache
 * (Chromium keeps one that holds no Web Lock; Firefox unloads one holding a Web Lock or an
 * IndexedDB connection). Resolves once the new page has loaded.
 */
export async function navigatePage(id: string, path: string): Promise<void> {
  await executeServerCommand<boolean, { id: string; path?: string }>('outpost-page-navigate', { id, path });
}

/** Takes a page opened by {@link openPage} back to the page before (from the back/forward cache when the browser kept it). */
export async function pageBack(id: string): Promise<void> {
  await executeServerCommand<boolean, { id: string; path?: string }>('outpost-page-navigate', { id });
}
