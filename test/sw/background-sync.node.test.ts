// handleBackgroundSync answering a page's syncInWorker() in the fixture app's worker (Chromium,
// puppeteer-core): the worker takes the request at once, then answers with the run's result. And
// the Background Sync a watched engine asks for while its server is down.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser } from 'puppeteer-core';
import { appReady, controlled, eventually, openApp } from './browser.js';
import { serveFixtureApp, type ServedApp } from './served-app.js';

declare const window: {
  app: {
    sw: { syncInWorker(): Promise<{ ok: boolean; code?: string; error?: string }>; registration: ServiceWorkerRegistration & { sync: { getTags(): Promise<string[]> } } };
    sync: { status: { state: string; leader: boolean }; close(): void; put(collection: string, value: object): Promise<unknown>; syncNow(): Promise<void> };
    store: { name: string; collection(name: string): { put(value: object): Promise<unknown>; delete(key: string): Promise<unknown> } };
  };
};

describe('background sync: a page asks the worker (Chromium)', () => {
  let served: ServedApp;
  let url: string;
  let browser: Browser;

  before(async () => ({ url, browser } = served = await serveFixtureApp('outpost-bg-sync-')));
  after(() => served?.close());

  test('syncInWorker resolves with the run’s result from a worker that calls handleBackgroundSync', async () => {
    const page = await openApp(browser, `${url}/`);
    await controlled(page);
    // The tab leads, so the worker's syncOnce leaves the push to it ('leader-busy'): a run that succeeded.
    assert.deepEqual(await page.evaluate(() => window.app.sw.syncInWorker()), { ok: true });
    await page.close();
  });

  test('syncInWorker answers a failed run with the cycle’s own code (auth-required for a token the server refuses), not sync-failed', async () => {
    const page = await openApp(browser, `${url}/`);
    await controlled(page);
    // The tab stops leading so the worker's syncOnce runs the cycle, with a token the server does not know.
    await page.evaluate(() => window.app.sync.close());
    await eventually(() => page.evaluate(async () => ((await navigator.locks.query()).held?.some((l) => l.name === `outpost-sync:${window.app.store.name}`) ? undefined : true)), 'the tab to release the sync lock');
    await page.evaluate(() => window.app.store.collection('settings').put({ id: 'auth', token: 'revoked-token' }));
    const answer = await page.evaluate(() => window.app.sw.syncInWorker());
    assert.equal(answer.ok, false);
    assert.equal(answer.code, 'auth-required', answer.error);
    await page.close();
  });

  test('with the server down, the leading tab’s failed cycles do not fire Background Sync again at once: one sync event, its retry kept, no loop of cycles', async () => {
    const page = await openApp(browser, `${url}/`);
    await controlled(page);
    // Signed in again (the test before left a revoked token, which pauses the engine): a tab that syncs.
    await page.evaluate(() => window.app.store.collection('settings').delete('auth'));
    await page.reload();
    await appReady(page);
    await eventually(() => page.evaluate(() => (window.app.sync.status.state === 'idle' && window.app.sync.status.leader) || undefined), 'the tab to lead and sync');
    // Chromium's own record of the origin's Background Sync (DevTools' Application panel).
    const cdp = await page.createCDPSession();
    const events: string[] = [];
    cdp.on('BackgroundService.backgroundServiceEventReceived', (e: { backgroundServiceEvent: { eventName: string } }) => events.push(e.backgroundServiceEvent.eventName));
    await cdp.send('BackgroundService.startObserving', { service: 'backgroundSync' });
    await cdp.send('BackgroundService.setRecording', { shouldRecord: true, service: 'backgroundSync' });
    await served.stub.kill();
    try {
      // The tab's failed push asks for Background Sync; online, Chromium fires it at once, and the
      // worker asks the leading tab for a cycle, which fails as well.
      await page.evaluate(() => window.app.sync.put('notes', { id: 'kept-for-the-worker', text: 'server down' }));
      await eventually(async () => (events.some((e) => e === 'sync event failed' || e === 'Sync event reregistered') ? true : undefined), 'the first sync event to end');
      // Each failed cycle registered again while Chromium held the registration: that fired it
      // again at once, whose worker asked the tab for a cycle past its backoff, which failed and
      // registered again: a request to the server every few milliseconds, for as long as it is down.
      for (let i = 0; i < 3; i++) await page.evaluate(() => window.app.sync.syncNow());
      assert.deepEqual(await page.evaluate(() => window.app.sw.registration.sync.getTags()), ['outpost-sync'], 'the registration stays for its retry: a tab closed now still has the worker push its edits');
      assert.equal(events.filter((e) => e === 'Dispatched sync event').length, 1, `one sync event; Chromium recorded: ${events.slice(0, 12).join(', ')}…`);
    } finally {
      await served.stub.start();
    }
    await page.close();
  });
});
