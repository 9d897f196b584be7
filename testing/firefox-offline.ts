// Offline for a Firefox whose WebDriver BiDi has no network emulation: Firefox ESR 140 (Debian
// bookworm's firefox-esr) answers `emulation.setNetworkConditions`, which puppeteer's
// `setOfflineMode` sends, with "unknown command" (Firefox 144 added it). There, request
// interception fails the page's requests, and the page's `navigator.onLine` and its
// `offline`/`online` events follow, as the browser's own emulation would have them.

/** A puppeteer request, as interception hands it over. */
export interface InterceptedRequest {
  url(): string;
  abort(reason: string): Promise<void>;
  continue(): Promise<void>;
  isInterceptResolutionHandled(): boolean;
}
interface Frame {
  evaluate(source: string): Promise<unknown>;
}
/** The part of a puppeteer page this module drives. */
export interface OfflinePage {
  setOfflineMode(enabled: boolean): Promise<void>;
  setRequestInterception(enabled: boolean): Promise<void>;
  on(event: 'request', handler: (request: InterceptedRequest) => void): unknown;
  off(event: 'request', handler: (request: InterceptedRequest) => void): unknown;
  frames(): Frame[];
  evaluateOnNewDocument(source: string): Promise<{ identifier: string }>;
  removeScriptToEvaluateOnNewDocument(identifier: string): Promise<void>;
  browser(): object;
}

/** Browsers found to lack the emulation (asked once each). */
const lacking = new WeakSet<object>();
const cuts = new WeakMap<OfflinePage, { online: boolean; handler: (request: InterceptedRequest) => void; script: string }>();

const ONLINE = (online: boolean) =>
  `(() => { if (${online}) delete navigator.onLine; else Object.defineProperty(navigator, 'onLine', { configurable: true, get: () => false }); })()`;
const FLIP = (online: boolean) => `${ONLINE(online)}; dispatchEvent(new Event('${online ? 'online' : 'offline'}'))`;

/**
 * Takes a page's network offline or online: the browser's emulation (puppeteer `setOfflineMode`,
 * Chromium's CDP or Firefox's BiDi) where it has it, else (Firefox ESR 140) interception that
 * fails every request of the page (but those to `keepOrigin`, e.g. the test runner's) with
 * `navigator.onLine` and the events following in the page's documents. Requests of workers and
 * service workers are not cut by the fallback.
 */
export async function emulateOffline(page: OfflinePage, offline: boolean, keepOrigin?: string): Promise<void> {
  const browser = page.browser();
  if (!lacking.has(browser)) {
    try {
      await page.setOfflineMode(offline);
      return;
    } catch (err) {
      if (!(err instanceof Error && err.message.includes('unknown command'))) throw err;
      lacking.add(browser);
    }
  }
  const cut = cuts.get(page);
  if (offline && !cut) {
    let ready: () => void = () => undefined;
    // Requests wait until the page knows it is offline: it gives up what is on its way itself (as
    // on a real cut, `offline` comes first; failed before it, Firefox's fetch whose preflight was
    // out failed as a plain network error). Requests made while interception is being switched on
    // also come here before puppeteer counts it on: answered then, they would throw and stay
    // blocked for good.
    const flipped = new Promise<void>((resolve) => (ready = resolve));
    const state = {
      online: false,
      script: '',
      handler: (request: InterceptedRequest) =>
        void flipped
          .then(() => {
            if (request.isInterceptResolutionHandled()) return;
            const keep = state.online || (keepOrigin !== undefined && originOf(request.url()) === keepOrigin);
            return keep ? request.continue() : request.abort('internetdisconnected');
          })
          .catch(() => undefined),
    };
    cuts.set(page, state);
    page.on('request', state.handler);
    try {
      await page.setRequestInterception(true);
      state.script = (await page.evaluateOnNewDocument(ONLINE(false))).identifier;
      await Promise.all(page.frames().map((f) => f.evaluate(FLIP(false)).catch(() => undefined)));
    } finally {
      ready();
    }
  } else if (!offline && cut) {
    // Every request from here on goes through, also those already waiting for an answer.
    cut.online = true;
    cuts.delete(page);
    await page.removeScriptToEvaluateOnNewDocument(cut.script);
    await page.setRequestInterception(false);
    page.off('request', cut.handler);
    await Promise.all(page.frames().map((f) => f.evaluate(FLIP(true)).catch(() => undefined)));
  }
}

/** The origin of `url`, or undefined when it does not parse. */
export function originOf(url: string): string | undefined {
  try {
    return new URL(url).origin;
  } catch {
    return undefined;
  }
}
