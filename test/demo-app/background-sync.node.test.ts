// The demo's service worker pushes a signed-in account's outbox with no tab open: the page stars a
// conversation while the server is down, every tab closes, the server comes back, and Chromium
// fires Background Sync (CDP ServiceWorker.dispatchSyncEvent). Chromium only: docs/offline.md.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser } from 'puppeteer-core';
import type { StubProcess } from '../../testing/index.js';
import type { MailMessage } from '../../demo-app/model.js';
import { eventually, focusPage, focusThread, freshPage, keys, launchChromium, serverDocs, signIn, startDemoServer, threads } from './e2e-kit.js';

async function serverMessages(url: string, user: string): Promise<Map<string, MailMessage & { rev: number }>> {
  const docs = [...(await serverDocs(url, user)).values()].filter((c) => c.collection === 'messages');
  return new Map(docs.map((c) => [c.key, { ...(c.value as unknown as MailMessage), rev: c.rev }]));
}

/** Rows in alice's outbox, read straight from IndexedDB. */
const outboxSize = `new Promise((resolve, reject) => {
  const open = indexedDB.open('mail:alice');
  open.onerror = () => reject(open.error);
  open.onsuccess = () => {
    const db = open.result;
    const count = db.transaction('$outbox').objectStore('$outbox').count();
    count.onsuccess = () => { db.close(); resolve(count.result); };
  };
})`;

describe('demo: the service worker syncs with no tab open (Chromium)', () => {
  let stub: StubProcess;
  let url: string;
  let browser: Browser;

  before(async () => {
    stub = await startDemoServer();
    url = stub.url!;
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    await stub?.dispose();
  });

  test('a star made offline reaches the server once when Background Sync wakes the worker after the tab closed', async () => {
    const page = await freshPage(browser);
    await signIn(page, url, 'alice');
    await page.waitForFunction(() => !!navigator.serviceWorker.controller, { timeout: 60_000, polling: 100 });
    const target = (await threads(page))!.find((t) => !t.starred)!;
    const before = await serverMessages(url, 'alice');

    await stub.kill();
    await focusPage(page);
    await focusThread(page, target.threadId);
    await keys(page, 's');
    await eventually(async () => ((await threads(page))?.find((t) => t.threadId === target.threadId)?.starred ? true : undefined), 'the star');
    assert.equal(await page.evaluate(outboxSize), target.messageIds.length, 'one pending change per message of the conversation');
    const context = page.browserContext();
    await page.close();
    await stub.start();

    const blank = await context.newPage();
    const cdp = await blank.createCDPSession();
    const registrations: Array<{ registrationId: string; scopeURL: string }> = [];
    cdp.on('ServiceWorker.workerRegistrationUpdated', (e: { registrations: typeof registrations }) => registrations.push(...e.registrations));
    await cdp.send('ServiceWorker.enable');
    const reg = await eventually(async () => registrations.find((r) => r.scopeURL === `${url}/`), 'the demo registration');
    assert.equal((await context.pages()).filter((p) => p.url().startsWith(url)).length, 0, 'no tab of the demo is open');
    await cdp.send('ServiceWorker.dispatchSyncEvent', { origin: url, registrationId: reg.registrationId, tag: 'outpost-sync', lastChance: false });

    const after = await eventually(async () => {
      const docs = await serverMessages(url, 'alice');
      return target.messageIds.every((id) => docs.get(id)?.labels.includes('STARRED')) ? docs : undefined;
    }, 'the worker to push the star');
    for (const id of target.messageIds) assert.equal(after.get(id)!.rev, before.get(id)!.rev + 1, `${id}: applied exactly once`);

    // The next start finds nothing left to push.
    const again = await context.newPage();
    await again.goto(`${url}/u/0/inbox`);
    await eventually(async () => ((await again.evaluate(outboxSize)) === 0 ? true : undefined), 'an empty outbox');
    assert.equal((await serverMessages(url, 'alice')).get(target.messageIds[0])!.rev, before.get(target.messageIds[0])!.rev + 1);
    await again.close();
    await blank.close();
  });
});
