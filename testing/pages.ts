// More pages in the test's browser, on the test runner's origin: real separate tabs (each its own
// browsing context, event loop and engine) sharing the origin's IndexedDB, Web Locks and
// BroadcastChannel with the test page.

interface PuppeteerPage {
  url(): string;
  goto(url: string): Promise<unknown>;
  goBack(): Promise<unknown>;
  reload(): Promise<unknown>;
  close(): Promise<void>;
  browser(): { newPage(options?: { type?: 'tab' | 'window'; background?: boolean }): Promise<PuppeteerPage>; protocol?: string };
  createCDPSession(): Promise<{ send(method: string, params?: object): Promise<unknown> }>;
}

/** Pages opened for tests, by id, with the test session that opened each. */
export class TestPages {
  readonly #pages = new Map<string, { page: PuppeteerPage; session: string }>();
  #next = 0;

  /** Opens `path` (on the test page's origin) in a new page of the test page's browser; resolves with its id and page once loaded. */
  async open(session: { id: string; browser: unknown }, path: string): Promise<{ id: string; page: unknown }> {
    const launcher = session.browser as { getPage?: (id: string) => PuppeteerPage; name?: string };
    if (typeof launcher.getPage !== 'function') {
      throw new Error(`outpost-page-open: the '${launcher.name ?? 'unknown'}' launcher has no puppeteer page. Use chromeLauncher from @web/test-runner-chrome (it drives Chromium and Firefox).`);
    }
    const testPage = launcher.getPage(session.id);
    // A window of its own, not a tab beside the test page: both pages stay visible, as two windows
    // side by side, so neither's timers are throttled as a hidden tab's are (Firefox: 1 s at least).
    const page = await testPage.browser().newPage({ type: 'window' });
    const id = `page-${++this.#next}`;
    this.#pages.set(id, { page, session: session.id });
    await page.goto(new URL(path, testPage.url()).href);
    return { id, page };
  }

  /** The pages a test session opened and has not closed. */
  of(session: string): unknown[] {
    return [...this.#pages.values()].filter((p) => p.session === session).map((p) => p.page);
  }

  /** The puppeteer page of a page opened by {@link open}. */
  page(id: string): unknown {
    return this.#pages.get(id)?.page;
  }

  /** Reloads a page opened by {@link open} (as the user pressing reload); resolves once loaded. */
  async reload(id: string): Promise<void> {
    const entry = this.#pages.get(id);
    if (!entry) throw new Error(`outpost-page-reload: no open page '${id}'. Reload a page openPage() returned and closePage() has not closed.`);
    await entry.page.reload();
  }

  /**
   * Freezes a page opened by {@link open} as Chromium does a background tab (`frozen`: its
   * `freeze` event fires, then its task queues stop: no timers, messages, IndexedDB or network
   * callbacks run) or thaws it (`active`: `resume` fires). CDP `Page.setWebLifecycleState`:
   * Chromium only. Resolves false in Firefox, which has no such command (it never freezes a tab
   * short of the back/forward cache), so a test can say what it could not check.
   */
  async setLifecycle(id: string, state: 'frozen' | 'active'): Promise<boolean> {
    const page = this.#pages.get(id)?.page;
    if (!page) throw new Error(`outpost-page-lifecycle: no page '${id}' is open. Open it with openPage() first (and do not close it before).`);
    if (page.browser().protocol === 'webDriverBiDi') return false;
    const cdp = await page.createCDPSession();
    try {
      await cdp.send('Page.setWebLifecycleState', { state });
    } finally {
      await (cdp as { detach?: () => Promise<void> }).detach?.().catch(() => undefined);
    }
    return true;
  }

  /**
   * Navigates a page opened by {@link open} to `path` (on its origin), as the user following a link
   * (the page it leaves may go into the back/forward cache), or with `path` undefined back to the
   * page before (restored from that cache when the browser kept it, else loaded again).
   */
  async navigate(id: string, path: string | undefined): Promise<void> {
    const page = this.#pages.get(id)?.page;
    if (!page) throw new Error(`outpost-page-navigate: no page '${id}' is open. Open it with openPage() first (and do not close it before).`);
    if (path === undefined) await page.goBack();
    else await page.goto(new URL(path, page.url()).href);
  }

  /** Closes a page opened by {@link open} (like the user closing the tab). */
  async close(id: string): Promise<void> {
    const entry = this.#pages.get(id);
    this.#pages.delete(id);
    await entry?.page.close();
  }

  /** Closes every page (the runner stops). */
  async dispose(): Promise<void> {
    for (const id of [...this.#pages.keys()]) await this.close(id).catch(() => undefined);
  }
}
