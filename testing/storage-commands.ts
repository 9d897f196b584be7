// wtr server commands about the test page's storage, driven through the launcher's puppeteer page.
import type { TestRunnerPlugin } from '@web/test-runner';

interface Page {
  url(): string;
  createCDPSession(): Promise<{ send(method: string, params?: object): Promise<unknown> }>;
  browser(): { protocol?: string };
}

type CdpSession = { send(method: string, params?: object): Promise<unknown> };
const sessions = new WeakMap<Page, Promise<CdpSession>>();

/**
 * A web-test-runner plugin answering `outpost-storage-quota` with payload `{ bytes }` (or
 * `{ bytes: null }` to restore): it overrides the page origin's storage quota through Chromium's
 * CDP `Storage.overrideQuotaForOrigin`, so tests can provoke quota errors. Resolves `false` where
 * the browser offers no such control (Firefox over WebDriver BiDi).
 */
export function storageCommandsPlugin(): TestRunnerPlugin {
  return {
    name: 'outpost-storage-commands',
    async executeCommand({ command, payload, session }) {
      if (command !== 'outpost-storage-quota') return undefined;
      const launcher = session.browser as { getPage?: (id: string) => Page };
      if (typeof launcher.getPage !== 'function') return false;
      const page = launcher.getPage(session.id);
      if (page.browser().protocol === 'webDriverBiDi') return false;
      const { bytes } = (payload ?? {}) as { bytes?: number | null };
      // One DevTools session per page both sets and clears the override (Chromium keeps an
      // override per session).
      let cdp = sessions.get(page);
      if (!cdp) sessions.set(page, (cdp = page.createCDPSession()));
      await (await cdp).send('Storage.overrideQuotaForOrigin', { origin: new URL(page.url()).origin, ...(typeof bytes === 'number' ? { quotaSize: bytes } : {}) });
      return true;
    },
  };
}
