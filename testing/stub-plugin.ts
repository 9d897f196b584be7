import type { TestRunnerPlugin } from '@web/test-runner';
import { StubProcess } from './stub-process.js';
import { setOffline, setPageOffline } from './network.js';
import { FaultProxy, type ProxyRule } from './fault-proxy.js';
import { TestPages } from './pages.js';

/** Options for {@link outpostStubPlugin}. */
export interface OutpostStubPluginOptions {
  /** Extra `outpost-stub` CLI arguments, e.g. `['--app', 'server/app.js', '--seed', 'demo', '--tombstone-retention', '2s']`. */
  args?: string[];
}

/**
 * The server commands the plugin answers, called from tests with `executeServerCommand(name, payload)`
 * (or the typed helpers in `outpost/testing/commands`):
 *
 * | command | payload | does | returns |
 * |---|---|---|---|
 * | `outpost-stub-url` | — | — | the stub's base URL |
 * | `outpost-stub-kill` | — | SIGKILL the stub process; waits until it is gone | `true` |
 * | `outpost-stub-start` | — | start it again (same port, same data) if not running | the URL |
 * | `outpost-stub-restart` | `{ graceful?: boolean }` | SIGKILL (or SIGTERM when graceful), then start on the same port and data | the URL |
 * | `outpost-stub-reset` | — | SIGKILL, switch to a fresh empty data dir, start on the same port (tokens and cursors become invalid: log in again; old cursors answer 410) | the URL |
 * | `outpost-network-offline` | — | take the test page and every page it opened offline (`navigator.onLine` false, `offline` event, fetches fail) | `true` |
 * | `outpost-network-online` | — | take them back online | `true` |
 * | `outpost-proxy-url` | `{ newOrigin?: boolean }` | with `newOrigin`, listen on one more port (an origin no preflight is cached for) | the base URL of a proxy in front of the stub ({@link FaultProxy}) |
 * | `outpost-proxy-rules` | `ProxyRule[]` | fail chosen requests (or their preflights) from now on; releases held ones (`[]` heals) | the counts since the last call |
 * | `outpost-proxy-counts` | — | — | requests per route since the rules were set |
 * | `outpost-proxy-drop-streams` | — | cut every open event stream through the proxy | how many |
 * | `outpost-page-open` | `{ path }` | open a path of the test page's origin in a new page (window) of its browser, offline if the test page is | the page's id |
 * | `outpost-page-reload` | `{ id }` | reload that page (an offline one loads with the network back where the browser refuses, Firefox, and is cut again); resolves once loaded | `true` |
 * | `outpost-page-close` | `{ id }` | close that page | `true` |
 * | `outpost-page-navigate` | `{ id, path? }` | navigate that page to `path` (its origin), or back without one | `true` |
 * | `outpost-page-lifecycle` | `{ id, state: 'frozen' \| 'active' }` | freeze or thaw that page (CDP `Page.setWebLifecycleState`, Chromium only) | `true`; `false` in Firefox |
 */
export const STUB_COMMANDS = [
  'outpost-stub-url',
  'outpost-stub-kill',
  'outpost-stub-start',
  'outpost-stub-restart',
  'outpost-stub-reset',
  'outpost-network-offline',
  'outpost-network-online',
  'outpost-proxy-url',
  'outpost-proxy-rules',
  'outpost-proxy-counts',
  'outpost-proxy-drop-streams',
  'outpost-page-open',
  'outpost-page-reload',
  'outpost-page-close',
  'outpost-page-navigate',
  'outpost-page-lifecycle',
] as const;

/**
 * A `@web/test-runner` plugin that runs the Outpost stub as a child process on a free 127.0.0.1 port
 * with a fresh temporary data directory, and answers the server commands in {@link STUB_COMMANDS}:
 * get its URL, kill/restart/reset it (real SIGKILL, same port and data dir), and take the test page
 * offline/online. The stub is shared by every test file of the run (files run one at a time).
 *
 * @example
 * // web-test-runner.config.mjs
 * import { outpostStubPlugin } from 'outpost/testing';
 * export default { plugins: [outpostStubPlugin({ args: ['--users', 'alice:alice'] })] };
 */
export function outpostStubPlugin(options: OutpostStubPluginOptions = {}): TestRunnerPlugin {
  const args = [...(options.args ?? [])];
  const stub = new StubProcess({ args, spare: true });
  // A kill the proxy started mid-push must finish before a start, or the start sees the dying
  // process as running and the stub stays down.
  let killing: Promise<void> = Promise.resolve();
  const proxy = new FaultProxy(() => stub.url, () => (killing = stub.kill()));
  const pages = new TestPages();
  // Test sessions whose pages are offline now: a page one opens starts offline too.
  const offline = new Set<string>();
  return {
    name: 'outpost-stub',
    async serverStart({ config }) {
      // Test pages come from the test runner's origin: the only one (besides the stub's own) that may call it.
      args.push('--cors-origin', `http://${config.hostname ?? 'localhost'}:${config.port}`);
      // One stub serves every test file of the run, mostly as alice: the per-user push and pull
      // rate limits (tested on their own in the stub's tests) would only slow the run down.
      if (!args.includes('--push-rate')) args.push('--push-rate', 'off');
      if (!args.includes('--pull-rate')) args.push('--pull-rate', 'off');
      // And the requests in flight per user: test files run side by side, many engines as alice.
      if (!args.includes('--max-in-flight')) args.push('--max-in-flight', 'off');
      // Likewise the client ids per user: each test's store is a new client of the same few users.
      if (!args.includes('--max-clients')) args.push('--max-clients', '1000000');
      await stub.start();
      await proxy.start();
    },
    async serverStop() {
      await pages.dispose();
      await proxy.close();
      await stub.dispose();
    },
    async executeCommand({ command, payload, session }) {
      switch (command) {
        case 'outpost-stub-url':
          if (!stub.url) throw new Error('outpost-stub-url: the stub has not started; the plugin starts it at serverStart.');
          return stub.url;
        case 'outpost-stub-kill':
          await killing;
          await stub.kill();
          return true;
        case 'outpost-stub-start':
          await killing;
          return stub.start();
        case 'outpost-stub-restart':
          await killing;
          return stub.restart(Boolean((payload as { graceful?: boolean } | undefined)?.graceful));
        case 'outpost-stub-reset':
          await killing;
          return stub.reset();
        case 'outpost-network-offline':
        case 'outpost-network-online': {
          const off = command === 'outpost-network-offline';
          if (off) offline.add(session.id);
          else offline.delete(session.id);
          // Every page of the session at once: a network cut is the device's, not one tab's.
          await Promise.all([setPageOffline(session, off), ...pages.of(session.id).map((p) => setOffline(p, off, (session.browser as { name?: string }).name))]);
          return true;
        }
        case 'outpost-proxy-url':
          return (payload as { newOrigin?: boolean } | undefined)?.newOrigin ? proxy.newOrigin() : proxy.url;
        case 'outpost-proxy-rules':
          return proxy.setRules((payload as ProxyRule[] | undefined) ?? []);
        case 'outpost-proxy-counts':
          return proxy.counts;
        case 'outpost-proxy-drop-streams':
          return proxy.dropStreams();
        case 'outpost-page-open': {
          const { id, page } = await pages.open(session, (payload as { path: string }).path);
          if (offline.has(session.id)) await setOffline(page, true, (session.browser as { name?: string }).name);
          return id;
        }
        case 'outpost-page-reload': {
          const id = (payload as { id: string }).id;
          const name = (session.browser as { name?: string }).name;
          try {
            await pages.reload(id);
          } catch (err) {
            // Firefox's emulated offline refuses even the test runner's page (NS_ERROR_OFFLINE):
            // the page loads with the network back, and is cut again once loaded.
            if (!offline.has(session.id)) throw err;
            const page = pages.page(id);
            await setOffline(page, false, name);
            await pages.reload(id);
            await setOffline(page, true, name);
          }
          return true;
        }
        case 'outpost-page-close':
          await pages.close((payload as { id: string }).id);
          return true;
        case 'outpost-page-navigate': {
          const { id, path } = payload as { id: string; path?: string };
          await pages.navigate(id, path);
          return true;
        }
        case 'outpost-page-lifecycle': {
          const { id, state } = payload as { id: string; state: 'frozen' | 'active' };
          return pages.setLifecycle(id, state);
        }

        default:
          return undefined;
      }
    },
  };
}
