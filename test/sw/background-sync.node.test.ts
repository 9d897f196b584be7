// handleBackgroundSync answering a page's syncInWorker() in the fixture app's worker (Chromium,
// puppeteer-core): the worker takes the request at once, then answers with the run's result.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser } from 'puppeteer-core';
import { controlled, eventually, openApp } from './browser.js';
import { serveFixtureApp, type ServedApp } from './served-app.js';

declare const window: {
  app: {
    sw: { syncInWorker(): Promise<{ ok: boolean; code?: string; error?: string }> };
    sync: { close(): void };
    store: { name: string; collection(name: string): { put(value: object): Promise<unknown> } };
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
});
