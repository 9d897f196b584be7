// Real other tabs for the sync tests: a page opened in the test's browser (testing kit openPage)
// running its own engine on a store of the same origin (test/runtime/sync/fixtures/tab.ts), driven
// over a BroadcastChannel. Unlike two engines in the test page, each has its own event loop: one
// can hang or close while the others run on.
import { closePage, navigatePage, openPage, pageBack, proxyUrl, reloadPage, setPageLifecycle, setProxyRules } from '../../../testing/commands.js';
import type { SyncStatus } from '../../../runtime/sync/index.js';
import { login, unique, waitFor } from './helpers.js';

export type TabOp = 'open' | 'status' | 'clientId' | 'put' | 'patch' | 'delete' | 'addToSet' | 'removeFromSet' | 'custom' | 'handle' | 'pending' | 'syncNow' | 'hang' | 'busy' | 'idle' | 'close';
export interface TabCall {
  n: number;
  op: TabOp;
  args: unknown[];
}
export type TabReply = { n: number; value?: unknown; error?: string };
/** The engine a tab opens: its store (by name), who syncs and where. */
export interface TabEngineOptions {
  store: string;
  token: string;
  url: string;
  events?: boolean;
  debounceMs?: number;
  /** How the notes settle a conflict (default: merge). */
  notesConflict?: 'server-wins' | 'merge';
}

/** Another tab of the test's origin with its own sync engine. */
export class RemoteTab {
  readonly #channel: BroadcastChannel;
  readonly #waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  #n = 0;
  #page = '';

  private constructor(channel: BroadcastChannel) {
    this.#channel = channel;
    channel.onmessage = (e: MessageEvent<TabReply>) => {
      const w = this.#waiting.get(e.data.n);
      this.#waiting.delete(e.data.n);
      if (e.data.error !== undefined) w?.reject(new Error(`tab ${this.#page}: ${e.data.error}`));
      else w?.resolve(e.data.value);
    };
  }

  /**
   * Opens a tab, with an engine syncing `options.store` when given (else open one with
   * `call('open', options)`); resolves once it runs.
   */
  static async open(options?: TabEngineOptions): Promise<RemoteTab> {
    const control = unique('tab');
    const tab = new RemoteTab(new BroadcastChannel(control));
    const ready = new Promise((resolve, reject) => tab.#waiting.set(0, { resolve, reject }));
    const q = new URLSearchParams({ control, ...(options ? { options: JSON.stringify(options) } : {}) });
    tab.#page = await openPage(`/test/runtime/sync/fixtures/tab.html?${q}`);
    await ready;
    return tab;
  }

  /** Runs `op` in the tab; resolves with its answer. */
  call<T = unknown>(op: TabOp, ...args: unknown[]): Promise<T> {
    const n = ++this.#n;
    return new Promise<T>((resolve, reject) => {
      this.#waiting.set(n, { resolve: resolve as (v: unknown) => void, reject });
      this.#channel.postMessage({ n, op, args } satisfies TabCall);
    });
  }

  /**
   * Blocks the tab's main thread for `ms` (a long task): nothing runs there meanwhile, its timers,
   * messages and network answers wait. Resolves as the tab starts hanging.
   */
  async hang(ms: number): Promise<void> {
    await this.call('hang', ms);
  }

  /**
   * Freezes the tab as Chromium freezes a background tab (`freeze` fires, then nothing runs
   * there), or thaws it. Resolves false where the browser cannot (Firefox).
   */
  lifecycle(state: 'frozen' | 'active'): Promise<boolean> {
    return setPageLifecycle(this.#page, state);
  }

  /**
   * Leaves the tab's page for another (its `pagehide` fires; Chromium may keep it in the
   * back/forward cache), or with `back` returns to it (restored, or loaded again with its engine).
   * Resolves once the page arrived at has loaded.
   */
  async navigate(to: 'away' | 'back'): Promise<void> {
    if (to === 'away') return navigatePage(this.#page, '/test/runtime/sync/fixtures/away.html');
    // Loaded again or restored, the page says when it is ready for calls.
    const ready = new Promise((resolve, reject) => this.#waiting.set(0, { resolve, reject }));
    await pageBack(this.#page);
    await ready;
  }

  /**
   * Reloads the tab (a real page reload: its engine and store connection go without closing, as
   * when the user presses reload); resolves once it runs again, with no engine open unless the tab
   * was opened with options.
   */
  async reload(): Promise<void> {
    for (const w of this.#waiting.values()) w.reject(new Error(`tab ${this.#page}: reloaded before it answered.`));
    this.#waiting.clear();
    const ready = new Promise((resolve, reject) => this.#waiting.set(0, { resolve, reject }));
    await reloadPage(this.#page);
    await ready;
  }

  /** Closes the tab. */
  async close(): Promise<void> {
    this.#channel.close();
    await closePage(this.#page);
  }
}

/**
 * A tab (opened through `open`, which registers it for clean-up) that leads on `store` through the
 * fault proxy with three edits (`<prefix>-a0..2` in `notes`) pending: the proxy answers its pushes
 * 503 with Retry-After of an hour until the test changes the rules.
 */
export async function leaderWithPendingEdits(
  open: (options: TabEngineOptions) => Promise<RemoteTab>,
  { prefix, store, events }: { prefix: string; store: string; events: boolean },
): Promise<{ tab: RemoteTab; token: string; url: string }> {
  const token = await login();
  const url = await proxyUrl();
  const tab = await open({ store, token, url, events });
  await waitFor(async () => (await tab.call<SyncStatus>('status')).leader, 'tab A to lead');
  await setProxyRules([{ route: 'push', fault: { respond: { status: 503, contentType: 'application/json', headers: { 'Retry-After': '3600' }, body: '{"error":{"code":"internal","message":"busy"}}' } } }]);
  for (let i = 0; i < 3; i++) await tab.call('put', 'notes', { id: `${prefix}-a${i}`, v: i });
  await waitFor(async () => (await tab.call<SyncStatus>('status')).lastError?.code === 'server-busy', "A's push refused");
  return { tab, token, url };
}
