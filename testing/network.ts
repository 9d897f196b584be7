// Takes a wtr test page offline and back, through the puppeteer page the chrome launcher drives.
import { emulateOffline, originOf, type InterceptedRequest, type OfflinePage } from './firefox-offline.js';

interface CdpSession {
  send(method: string, params?: object): Promise<unknown>;
}
interface PuppeteerPage {
  url(): string;
  setRequestInterception(enabled: boolean): Promise<void>;
  on(event: 'request', handler: (request: InterceptedRequest) => void): unknown;
  off(event: 'request', handler: (request: InterceptedRequest) => void): unknown;
  createCDPSession(): Promise<CdpSession>;
  setOfflineMode(enabled: boolean): Promise<void>;
  browser(): { protocol?: string };
}

const cdpSessions = new WeakMap<PuppeteerPage, Promise<CdpSession>>();
const offlinePages = new WeakMap<PuppeteerPage, (request: InterceptedRequest) => void>();

/**
 * Sets the test page's network offline or online while keeping the test runner's own connection up
 * (the runner drives the page over a WebSocket on its origin; cutting it aborts the run, which is
 * what CDP `Network.emulateNetworkConditions` and its by-rule successor do).
 *
 * - Chromium: requests from the page to any origin but the runner's fail as `internetdisconnected`
 *   (puppeteer request interception, CDP Fetch); `navigator.onLine` flips and `offline`/`online`
 *   fire (CDP `Network.overrideNetworkState`).
 * - Firefox: BiDi `emulation.setNetworkConditions` (puppeteer `setOfflineMode`) flips
 *   `navigator.onLine`, fires the events and fails every new request (the runner's origin's too,
 *   so a page reloaded offline must load with the network back: see `outpost-page-reload`) but
 *   leaves the runner's open WebSocket alone. Firefox ESR 140 lacks that command: there requests
 *   to any origin but the runner's fail through interception, and `navigator.onLine` and the
 *   events follow in the page's documents (./firefox-offline.ts).
 * - Requests made by a service worker are not intercepted (they belong to another target).
 * - Firefox: a request whose CORS preflight is on its way when the offline state takes effect
 *   never settles (the emulation cancels it after the preflight without telling the page; the kit
 *   cannot reach it). Firefox drops a URL's cached preflight after any failed request, so this
 *   comes back often: give up requests on `offline`, as the sync engine does (docs/sync.md).
 * - Connections already open stay open in both browsers (measured: an `EventSource` stream keeps
 *   `readyState` 1 and would still get pokes). Close streams on `offline`, or use `killStub()` to
 *   cut the server side too.
 */
export async function setPageOffline(session: { id: string; browser: unknown }, offline: boolean): Promise<void> {
  const command = `outpost-network-${offline ? 'offline' : 'online'}`;
  const launcher = session.browser as { getPage?: (id: string) => PuppeteerPage; name?: string };
  if (typeof launcher.getPage !== 'function') {
    throw new Error(`${command}: the '${launcher.name ?? 'unknown'}' launcher has no puppeteer page. Use chromeLauncher from @web/test-runner-chrome (it drives Chromium and Firefox).`);
  }
  await setOffline(launcher.getPage(session.id), offline, launcher.name);
}

/**
 * {@link setPageOffline} for any puppeteer page (the test page, or one opened with openPage);
 * `browserName` names the browser in errors.
 */
export async function setOffline(puppeteerPage: unknown, offline: boolean, browserName = 'the browser'): Promise<void> {
  const page = puppeteerPage as PuppeteerPage;
  const command = `outpost-network-${offline ? 'offline' : 'online'}`;
  try {
    if (page.browser().protocol === 'webDriverBiDi') {
      // Firefox: the emulated offline state fails every new request by itself (the runner's
      // origin's too), so no interception where the browser has it.
      await emulateOffline(page as unknown as OfflinePage, offline, new URL(page.url()).origin);
      return;
    }
    const previous = offlinePages.get(page);
    if (offline && !previous) {
      const runner = new URL(page.url()).origin;
      const cut = (request: InterceptedRequest) => {
        if (request.isInterceptResolutionHandled()) return;
        const origin = originOf(request.url());
        // A URL that does not parse never reaches the network.
        const sameAsRunner = origin === undefined || origin === runner;
        void (sameAsRunner ? request.continue() : request.abort('internetdisconnected')).catch(() => undefined);
      };
      offlinePages.set(page, cut);
      page.on('request', cut);
      await page.setRequestInterception(true);
    } else if (!offline && previous) {
      offlinePages.delete(page);
      await page.setRequestInterception(false);
      page.off('request', previous);
    }
    let cdp = cdpSessions.get(page);
    if (!cdp) cdpSessions.set(page, (cdp = page.createCDPSession()));
    await (await cdp).send('Network.overrideNetworkState', { offline, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
  } catch (err) {
    throw new Error(`${command}: ${browserName} refused to change the network state (${(err as Error).message}).`, { cause: err });
  }
}
