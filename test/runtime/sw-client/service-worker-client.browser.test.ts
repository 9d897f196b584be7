import { expect } from '@open-wc/testing';
import { registerServiceWorker, type ServiceWorkerClient, type SyncLike } from '../../../runtime/index.js';
import { waitFor } from '../sync/helpers.js';

/** A sync engine as the client sees it, driven by the test. */
function fakeSync(): SyncLike & { set(s: { state: string; pending: number }): void } {
  const target = new EventTarget();
  let status = { state: 'idle', pending: 0 };
  const listeners = new Set<(s: typeof status) => void>();
  return Object.assign(target, {
    get status() {
      return status;
    },
    subscribe(fn: (s: typeof status) => void) {
      listeners.add(fn);
      fn(status);
      return () => listeners.delete(fn);
    },
    set(s: typeof status) {
      status = s;
      listeners.forEach((fn) => fn(s));
    },
  });
}

describe('ServiceWorkerClient', () => {
  let sw: ServiceWorkerClient | undefined;

  afterEach(async () => {
    sw?.dispose();
    for (const reg of await navigator.serviceWorker.getRegistrations()) await reg.unregister();
  });

  it('registers the worker, reports offline-ready once it controls the page, and answers no version for a worker without one', async () => {
    sw = await registerServiceWorker('/test/fixtures/sw-smoke.js', { scope: '/', updateIntervalMs: 0, reloadOnUpdate: false });
    expect(sw.registration?.scope).to.equal(`${location.origin}/`);
    if (!navigator.serviceWorker.controller) await new Promise((r) => navigator.serviceWorker.addEventListener('controllerchange', r, { once: true }));
    expect(navigator.serviceWorker.controller?.scriptURL).to.contain('sw-smoke.js');
    expect(sw.updateAvailable).to.equal(false);
  });

  it('rejects with a coded error naming the script when the browser does not register it (a 404)', async () => {
    const error = await registerServiceWorker('/test/fixtures/no-such-worker.js', { scope: '/', updateIntervalMs: 0, reloadOnUpdate: false }).then(
      () => undefined,
      (e: unknown) => e as Error & { code?: string; cause?: unknown },
    );
    expect(error, 'the registration failed').to.be.instanceOf(Error);
    expect(error!.code).to.equal('sw-registration-failed');
    expect(error!.message).to.contain("registerServiceWorker('/test/fixtures/no-such-worker.js')");
    expect(error!.cause, "the browser's error").to.be.instanceOf(Error);
    expect(await navigator.serviceWorker.getRegistrations()).to.deep.equal([]);
  });

  it('checks for an update when the sync engine reports the server needs a newer app (HTTP 426)', async () => {
    sw = await registerServiceWorker('/test/fixtures/sw-smoke.js', { scope: '/', updateIntervalMs: 0, reloadOnUpdate: false });
    const reg = sw.registration!;
    let checks = 0;
    const update = reg.update.bind(reg);
    reg.update = () => {
      checks++;
      return update();
    };
    const sync = fakeSync();
    const stop = sw.watch(sync);
    sync.dispatchEvent(new Event('update-required'));
    await new Promise((r) => setTimeout(r, 200));
    expect(checks).to.equal(1);
    stop();
    sync.dispatchEvent(new Event('update-required'));
    await new Promise((r) => setTimeout(r, 200));
    expect(checks, 'no check once the watch stopped').to.equal(1);
  });

  it('asks for Background Sync when changes are pending offline, where the browser has it', async () => {
    sw = await registerServiceWorker('/test/fixtures/sw-smoke.js', { scope: '/', updateIntervalMs: 0, reloadOnUpdate: false });
    await navigator.serviceWorker.ready;
    const reg = sw.registration as ServiceWorkerRegistration & { sync?: { register(tag: string): Promise<void>; getTags(): Promise<string[]> } };
    const tags: string[] = [];
    // Resolves at the next registration the client makes.
    let registered = () => {};
    const asked = () => new Promise<void>((resolve) => (registered = resolve));
    if (reg.sync) {
      // Online, Chromium fires a registered sync at once and forgets the tag: record the requests.
      const register = reg.sync.register.bind(reg.sync);
      reg.sync.register = (tag: string) => (tags.push(tag), registered(), register(tag));
    }
    const sync = fakeSync();
    sw.watch(sync);
    // Online with pending changes: the tab pushes them itself (the next registration is the offline one).
    sync.set({ state: 'idle', pending: 2 });
    if (reg.sync) {
      let next = asked();
      sync.set({ state: 'offline', pending: 2 });
      await next;
      expect(tags).to.deep.equal(['outpost-sync']);
      // sw-smoke.js has no sync listener: the event ends at once and Chromium forgets the tag. A
      // tag still registered is not registered again (that fired a running sync again at once).
      await waitFor(async () => !(await reg.sync!.getTags()).includes('outpost-sync'), 'the sync event to end');
      // A server out of reach with the network up: the worker may reach it later, with no tab open.
      next = asked();
      sync.set({ state: 'idle', pending: 3 });
      sync.set({ state: 'unreachable', pending: 3 });
      await next;
      expect(tags, 'unreachable asks too').to.deep.equal(['outpost-sync', 'outpost-sync']);
    } else {
      // Firefox: no Background Sync; pending changes go out on the next start, online or focus.
      sync.set({ state: 'offline', pending: 2 });
      expect(await sw.requestBackgroundSync()).to.equal(false);
    }
  });

  it('answers syncInWorker with a coded error when the controlling worker does not take the request, instead of never settling', async () => {
    // sw-smoke.js has no handleBackgroundSync: nothing answers OUTPOST_SYNC_NOW.
    sw = await registerServiceWorker('/test/fixtures/sw-smoke.js', { scope: '/', updateIntervalMs: 0, reloadOnUpdate: false });
    if (!navigator.serviceWorker.controller) await new Promise((r) => navigator.serviceWorker.addEventListener('controllerchange', r, { once: true }));
    const answer = await sw.syncInWorker();
    expect(answer.ok).to.equal(false);
    expect(answer.code).to.equal('worker-no-answer');
    expect(answer.error).to.contain('sw-smoke.js').and.contain('handleBackgroundSync');
  });
});
