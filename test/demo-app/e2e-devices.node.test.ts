// The demo on other screens and devices, in Chromium and Firefox: phone width, the rows' pointer shortcuts
// (check box, star), and one account edited offline on two devices at once (a conversation's labels, a label's name and colour).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'puppeteer-core';
import type { StubProcess } from '../../testing/index.js';
import type { MailMessage } from '../../demo-app/model.js';
import { axeViolations, clickButton, clickOn, composeOpen, deepElement, forEachBrowser, eventually, focusPage, focusThread, freshPage, launchBrowser, pathOf, setNetworkOffline, serverDocs, signIn, startDemoServer, threads } from './e2e-kit.js';

/** Clicks (a real click) the centre of `selector` inside the row of `threadId`. */
async function clickInRow(page: Page, threadId: string, selector: string): Promise<void> {
  await focusPage(page);
  await focusThread(page, threadId);
  const box = await page.evaluate((id, sel) => {
    const row = window.__e2e.all('mail-thread-row').find((r) => (r as Element & { thread: { threadId: string } }).thread.threadId === id);
    const r = row?.shadowRoot?.querySelector(sel)?.getBoundingClientRect();
    return r && { x: r.x + r.width / 2, y: r.y + r.height / 2 };
  }, threadId, selector);
  if (!box) throw new Error(`clickInRow: no ${selector} in the row of ${threadId}`);
  await page.mouse.click(box.x, box.y);
}

/** Applies a user label to the conversation `threadId` through the toolbar's Labels menu. */
async function addLabel(page: Page, threadId: string, labelId: string): Promise<void> {
  await focusPage(page);
  await focusThread(page, threadId);
  const select = await deepElement(page, 'select[aria-label="Labels"]');
  await select.select(`add:${labelId}`);
  await select.dispose();
}

const labelsOf = async (page: Page, threadId: string) => (await threads(page))?.find((t) => t.threadId === threadId)?.labels ?? [];

type Label = { id: string; name: string; color: string };

/** A user label as the page shows it. */
const labelOn = (page: Page, id: string) => page.evaluate((labelId) => (window.__e2e.find('mail-shell') as Element & { labels: Label[] }).labels.find((l) => l.id === labelId), id);

/** Renames the label in view with its Rename button, which asks with the browser's prompt. */
async function renameLabel(page: Page, name: string): Promise<void> {
  page.once('dialog', (dialog) => void dialog.accept(name));
  await clickOn(page, '.label-settings button', 'mail-shell');
}

forEachBrowser((kind) => describe(`demo mail client on phones and on two devices (${kind})`, { timeout: 480_000 }, () => {
  let stub: StubProcess;
  let url: string;
  let browser: Browser;

  before(async () => {
    stub = await startDemoServer();
    url = stub.url;
    browser = await launchBrowser(kind);
  });

  after(async () => {
    await browser?.close();
    await stub?.dispose();
  });

  /** Two devices of alice's (each its own browser context), each showing the label `id`, both offline. */
  async function offlineOnLabel(id: string) {
    const devices = [await freshPage(browser), await freshPage(browser)] as const;
    for (const page of devices) await signIn(page, url, 'alice');
    for (const page of devices) {
      await clickOn(page, `a[href="/u/0/label/${id}"]`, 'mail-shell');
      await eventually(async () => ((await pathOf(page)) === `/u/0/label/${id}` ? true : undefined), `the view of ${id}`);
    }
    for (const page of devices) await setNetworkOffline(page, true);
    return devices;
  }

  test('at phone width (375 px) the inbox fits the screen, the menu opens the mailboxes, Compose floats, actions show for a selection, a conversation opens, axe finds nothing serious', async () => {
    const page = await freshPage(browser);
    await page.setViewport({ width: 375, height: 740, isMobile: true, hasTouch: true });
    await signIn(page, url, 'alice');
    const fits = () => page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);
    assert.ok(await fits(), 'no horizontal scrolling in the inbox');
    // The mailboxes live in <outpost-shell>'s drawer, which collapses behind its menu button.
    const navShown = () => page.evaluate(() => (window.__e2e.find('mail-shell')!.shadowRoot!.querySelector('.nav') as HTMLElement).checkVisibility());
    assert.equal(await navShown(), false, 'the mailboxes hide behind the menu');
    await clickOn(page, '.menu-button', 'outpost-shell');
    await eventually(async () => ((await navShown()) ? true : undefined), 'the menu to show the mailboxes');
    await clickOn(page, '.menu-button', 'outpost-shell');
    await eventually(async () => ((await navShown()) ? undefined : true), 'the menu to hide the mailboxes again');
    // Compose, which lives in the collapsed mailboxes, floats at the bottom instead.
    const fabShown = () => page.evaluate(() => (window.__e2e.find('mail-shell')!.shadowRoot!.querySelector('.compose-fab') as HTMLElement | null)?.checkVisibility() ?? false);
    assert.equal(await fabShown(), true, 'a floating Compose button');
    await clickOn(page, '.compose-fab', 'mail-shell');
    await eventually(async () => ((await composeOpen(page)) ? true : undefined), 'the floating button to open compose');
    assert.equal(await fabShown(), false, 'the floating button gives way to the compose panel');
    await clickOn(page, 'button[aria-label="Save draft and close"]', 'mail-compose');
    await eventually(async () => ((await composeOpen(page)) ? undefined : true), 'compose to close');
    assert.equal(await fabShown(), true, 'the floating button back');
    // A toast shows above it, not over it.
    await page.evaluate(() => (window.__e2e.find('outpost-toaster') as Element & { show(o: { message: string; action: { label: string; run(): void } }): unknown }).show({ message: 'Conversation archived.', action: { label: 'Undo', run: Function.prototype as () => void } }));
    const overlap = () => page.evaluate(() => {
      const fab = window.__e2e.find('mail-shell')!.shadowRoot!.querySelector('.compose-fab')!.getBoundingClientRect();
      const toast = window.__e2e.find('outpost-toaster')!.shadowRoot!.querySelector('.toast')?.getBoundingClientRect();
      return toast ? toast.bottom > fab.top && toast.top < fab.bottom && toast.right > fab.left && toast.left < fab.right : undefined;
    });
    assert.equal(await eventually(async () => (await overlap()) ?? undefined, 'the toast to show'), false, 'the toast clear of the floating button');
    // The list's actions show only while conversations are selected (three rows of buttons otherwise).
    const actionsShown = () => page.evaluate(() => [...window.__e2e.find('mail-shell')!.shadowRoot!.querySelectorAll('.toolbar .act')].filter((el) => (el as HTMLElement).checkVisibility()).length);
    assert.equal(await actionsShown(), 0, 'no actions with nothing selected');
    const picked = (await threads(page))![0];
    await clickInRow(page, picked.threadId, '.check');
    await eventually(async () => ((await actionsShown()) === 7 ? true : undefined), 'the seven actions once a conversation is selected');
    await clickInRow(page, picked.threadId, '.check');
    await eventually(async () => ((await actionsShown()) === 0 ? true : undefined), 'the actions to go with the selection');
    const first = (await threads(page))![0];
    await clickInRow(page, first.threadId, '.text');
    await eventually(async () => ((await pathOf(page)) === `/u/0/inbox/t/${first.threadId}` ? true : undefined), 'a tap to open the conversation');
    await eventually(async () => ((await page.evaluate(() => window.__e2e.all('article').length)) ? true : undefined), 'the conversation to render');
    assert.ok(await fits(), 'no horizontal scrolling in a conversation');
    assert.deepEqual(await axeViolations(page), []);
    assert.deepEqual(page.errors, []);
    await page.browserContext().close();
  });

  test("a row's star stars its conversation and its check box selects it, neither opens it", async () => {
    const page = await freshPage(browser);
    await signIn(page, url, 'alice');
    const target = (await threads(page))!.find((t) => !t.starred)!;
    await clickInRow(page, target.threadId, '.star');
    await eventually(async () => ((await threads(page))?.find((t) => t.threadId === target.threadId)?.starred ? true : undefined), 'the star');
    await clickInRow(page, target.threadId, '.check');
    const selected = () => page.evaluate(() => [...(window.__e2e.find('mail-thread-list') as Element & { selection: Set<string> }).selection]);
    await eventually(async () => ((await selected()).join() === target.threadId ? true : undefined), 'the check box to select the row');
    assert.equal(await pathOf(page), '/u/0/inbox', 'still on the list');
    await clickInRow(page, target.threadId, '.check');
    await eventually(async () => ((await selected()).length === 0 ? true : undefined), 'a second click to deselect it');
    await clickInRow(page, target.threadId, '.star');
    await eventually(async () => ((await threads(page))?.find((t) => t.threadId === target.threadId)?.starred === false ? true : undefined), 'the star to come off');
    await eventually(async () => {
      const now = [...(await serverDocs(url, 'alice')).values()].map((c) => c.value as unknown as MailMessage).filter((m) => m?.threadId === target.threadId);
      return now.length && now.every((m) => !m.labels.includes('STARRED')) ? true : undefined;
    }, 'the server to hold the unstarred conversation');
    assert.deepEqual(page.errors, []);
    await page.browserContext().close();
  });

  test('two devices label the same conversation while offline: both labels survive on both devices and on the server', async () => {
    const [laptop, phone] = [await freshPage(browser), await freshPage(browser)];
    await signIn(laptop, url, 'alice');
    await signIn(phone, url, 'alice');
    const thread = (await threads(laptop))!.find((t) => !t.labels.includes('label-work') && !t.labels.includes('label-travel'))!;
    await eventually(async () => ((await threads(phone))?.some((t) => t.threadId === thread.threadId) ? true : undefined), 'the phone to list the conversation');
    await setNetworkOffline(laptop, true);
    await setNetworkOffline(phone, true);
    await addLabel(laptop, thread.threadId, 'label-work');
    await addLabel(phone, thread.threadId, 'label-travel');
    await eventually(async () => ((await labelsOf(laptop, thread.threadId)).includes('label-work') ? true : undefined), 'the laptop to show Work');
    await eventually(async () => ((await labelsOf(phone, thread.threadId)).includes('label-travel') ? true : undefined), 'the phone to show Travel');
    await setNetworkOffline(laptop, false);
    await setNetworkOffline(phone, false);
    for (const [name, page] of [['laptop', laptop], ['phone', phone]] as const) {
      await eventually(async () => {
        const labels = await labelsOf(page, thread.threadId);
        return labels.includes('label-work') && labels.includes('label-travel') ? true : undefined;
      }, `the ${name} to show both labels`, 45_000);
    }
    const messages = [...(await serverDocs(url, 'alice')).values()].map((c) => c.value as unknown as MailMessage).filter((m) => m?.threadId === thread.threadId);
    for (const m of messages) assert.ok(m.labels.includes('label-work') && m.labels.includes('label-travel'), `${m.id}: ${m.labels.join(', ')}`);
    assert.deepEqual([...laptop.errors, ...phone.errors], []);
    await laptop.browserContext().close();
    await phone.browserContext().close();
  });

  test("two devices edit one label while offline, one its name and one its colour: both edits survive on both devices and on the server", async () => {
    const [laptop, phone] = await offlineOnLabel('label-work');
    await renameLabel(laptop, 'Work projects');
    const colour = await deepElement(phone, 'select[aria-label="Label colour"]');
    await colour.select('#9334e6');
    await colour.dispose();
    await eventually(async () => ((await labelOn(laptop, 'label-work'))?.name === 'Work projects' ? true : undefined), 'the laptop to show the new name');
    await eventually(async () => ((await labelOn(phone, 'label-work'))?.color === '#9334e6' ? true : undefined), 'the phone to show the new colour');
    await setNetworkOffline(laptop, false);
    await setNetworkOffline(phone, false);
    for (const [name, page] of [['laptop', laptop], ['phone', phone]] as const) {
      await eventually(async () => {
        const label = await labelOn(page, 'label-work');
        return label?.name === 'Work projects' && label.color === '#9334e6' ? true : undefined;
      }, `the ${name} to show both edits`, 45_000);
    }
    const stored = (await serverDocs(url, 'alice')).get('labels/label-work')?.value as Label | undefined;
    assert.deepEqual(stored && { name: stored.name, color: stored.color }, { name: 'Work projects', color: '#9334e6' }, 'the server keeps both');
    assert.deepEqual([...laptop.errors, ...phone.errors], []);
    await laptop.browserContext().close();
    await phone.browserContext().close();
  });

  test('two devices rename one label while offline: the second to sync is told of the conflict, keeps its name from the list of conflicts, and every device and the server end with it', async () => {
    const [laptop, phone] = await offlineOnLabel('label-travel');
    const nameOn = async (page: Page) => (await labelOn(page, 'label-travel'))?.name;
    const conflictsButton = (page: Page) => page.evaluate(() => window.__e2e.find('outpost-sync-status')?.shadowRoot?.querySelector('[part=conflicts-button]')?.textContent ?? null);
    await renameLabel(laptop, 'Travel (laptop)');
    await renameLabel(phone, 'Travel (phone)');
    await eventually(async () => ((await nameOn(phone)) === 'Travel (phone)' ? true : undefined), 'the phone to show its name');
    await setNetworkOffline(laptop, false);
    await eventually(async () => ((await serverDocs(url, 'alice')).get('labels/label-travel')?.value as { name?: string } | undefined)?.name === 'Travel (laptop)' || undefined, 'the laptop\'s name on the server');
    assert.equal(await conflictsButton(phone), null, 'no conflict before the phone syncs');
    // At a phone's width, where the status's words give way.
    await phone.setViewport({ width: 375, height: 740 });
    await setNetworkOffline(phone, false);
    await eventually(async () => ((await conflictsButton(phone)) === '1 conflict' ? true : undefined), 'the phone\'s sync status to show the conflict', 45_000);
    assert.equal(await nameOn(phone), 'Travel (laptop)', 'the other version shows until the phone chooses');
    const shown = await phone.evaluate(() => {
      const status = window.__e2e.find('outpost-sync-status')!.shadowRoot!;
      const [button, words] = ['[part=conflicts-button]', '[part=badge]'].map((part) => (status.querySelector(part)?.getBoundingClientRect().width ?? 0) > 0);
      return { button, words };
    });
    assert.deepEqual(shown, { button: true, words: false }, 'on a phone the conflicts button shows, the state\'s words do not');
    const announced = await phone.evaluate(() => [...(window.__e2e.find('outpost-sync-status')?.shadowRoot?.querySelectorAll('[role=status]') ?? [])].map((r) => r.textContent).join(' '));
    assert.match(announced, /Your change to Label “Travel” conflicts with one made elsewhere \(name\)/, 'announced by the name a person knows');
    await clickOn(phone, '[part=conflicts-button]', 'outpost-sync-status');
    await eventually(async () => (await phone.evaluate(() => window.__e2e.find('outpost-conflict-inbox')?.shadowRoot?.querySelectorAll('[part=conflict]').length)) === 1 || undefined, 'the conflict listed');
    assert.equal(await phone.evaluate(() => window.__e2e.find('outpost-conflict-inbox')?.shadowRoot?.querySelector('[part=conflict] h3')?.textContent), 'Label “Travel”', 'named as a person knows it');
    await clickButton(phone, 'Keep mine');
    for (const [name, page] of [['phone', phone], ['laptop', laptop]] as const) {
      await eventually(async () => ((await nameOn(page)) === 'Travel (phone)' ? true : undefined), `the ${name} to show the name kept`, 45_000);
    }
    await eventually(async () => ((await serverDocs(url, 'alice')).get('labels/label-travel')?.value as { name?: string } | undefined)?.name === 'Travel (phone)' || undefined, 'the name kept on the server');
    await eventually(async () => ((await conflictsButton(phone)) === null ? true : undefined), 'the conflict gone from the phone\'s status');
    // The account menu's "Sync conflicts" opens the same list (empty now) and closes the menu; closing
    // the list gives focus back to the menu's button.
    await phone.keyboard.press('Escape');
    await clickOn(phone, 'details.accounts summary', 'mail-shell');
    await clickButton(phone, 'Sync conflicts');
    await eventually(async () => (await phone.evaluate(() => !!window.__e2e.find('outpost-conflict-inbox')?.shadowRoot?.querySelector('[part=empty]'))) || undefined, 'the empty list of conflicts');
    assert.equal(await phone.evaluate(() => window.__e2e.find('mail-shell')!.shadowRoot!.querySelector('details.accounts')!.hasAttribute('open')), false, 'the menu closed behind the list');
    await phone.keyboard.press('Escape');
    await eventually(async () => ((await phone.evaluate(() => window.__e2e.find('mail-shell')!.shadowRoot!.activeElement?.matches('details.accounts summary'))) ? true : undefined), 'focus back on the account menu');
    assert.deepEqual([...laptop.errors, ...phone.errors], []);
    await laptop.browserContext().close();
    await phone.browserContext().close();
  });
}));
