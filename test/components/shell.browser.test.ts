import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import { sendKeys, setViewport } from '@web/test-runner-commands';
import '../../components/shell.js';
import type { OutpostShell } from '../../components/shell.js';
import { deepActive, expectAccessible, until } from './helpers.js';

async function shell() {
  return fixture<OutpostShell>(html`
    <outpost-shell nav-label="Folders" style="height: 500px">
      <span slot="top">Outpost Mail</span>
      <ul slot="nav">
        <li><a href="#inbox">Inbox</a></li>
        <li><a href="#sent">Sent</a></li>
      </ul>
      <h1>Inbox</h1>
    </outpost-shell>
  `);
}

const part = (el: OutpostShell, name: string) => el.shadowRoot!.querySelector<HTMLElement>(`[part=${name}]`)!;
const visible = (node: Element) => getComputedStyle(node).display !== 'none';

describe('<outpost-shell>', () => {
  afterEach(() => setViewport({ width: 1000, height: 800 }));

  it('lays out top bar, a labelled navigation drawer and main side by side when wide', async () => {
    await setViewport({ width: 1000, height: 800 });
    const el = await shell();
    expect(el.narrow).to.equal(false);
    expect(visible(part(el, 'menu-button'))).to.equal(false);
    const nav = part(el, 'drawer');
    expect(nav.localName).to.equal('nav');
    expect(nav.getAttribute('aria-label')).to.equal('Folders');
    expect(visible(nav)).to.equal(true);
    expect(part(el, 'main').localName).to.equal('main');
    expect(nav.getBoundingClientRect().right).to.be.at.most(part(el, 'main').getBoundingClientRect().left + 1);
    await expectAccessible(el);
  });

  it('collapses the drawer behind a menu button when narrow; keyboard opens and Escape closes it', async () => {
    await setViewport({ width: 600, height: 800 });
    const el = await shell();
    await until(() => el.narrow, 'the narrow layout');
    await el.updateComplete;
    const button = part(el, 'menu-button');
    const nav = part(el, 'drawer');
    expect(visible(button)).to.equal(true);
    expect(button.getAttribute('aria-label')).to.equal('Menu');
    expect(button.getAttribute('aria-expanded')).to.equal('false');
    expect(visible(nav)).to.equal(false);
    await expectAccessible(el);

    button.focus();
    const toggled = oneEvent(el, 'drawer-toggle');
    await sendKeys({ press: 'Enter' });
    expect((await toggled).detail).to.deep.equal({ open: true });
    await el.updateComplete;
    expect(button.getAttribute('aria-expanded')).to.equal('true');
    expect(visible(nav)).to.equal(true);
    expect(deepActive()).to.equal(nav);
    await expectAccessible(el);

    await sendKeys({ press: 'Tab' });
    expect(deepActive()!.textContent).to.equal('Inbox');
    await sendKeys({ press: 'Escape' });
    await el.updateComplete;
    expect(el.drawerOpen).to.equal(false);
    expect(visible(nav)).to.equal(false);
    expect(deepActive()).to.equal(button);

    // Escape on the menu button (reached from the drawer by Shift+Tab) closes it too.
    await sendKeys({ press: 'Enter' });
    await el.updateComplete;
    expect(el.drawerOpen).to.equal(true);
    button.focus();
    await sendKeys({ press: 'Escape' });
    await el.updateComplete;
    expect(el.drawerOpen).to.equal(false);
    expect(button.getAttribute('aria-expanded')).to.equal('false');
  });

  it('while the narrow drawer is open, the main area behind it is inert: Tab past its last link never reaches the page under the overlay', async () => {
    await setViewport({ width: 600, height: 800 });
    const el = await shell();
    const behind = document.createElement('button');
    behind.textContent = 'Archive';
    el.append(behind);
    // Something to Tab to past the shell: Tab out of the last focusable element would leave the
    // page for the browser's own UI (Firefox keeps it there, and later tests' keys go astray).
    const next = document.createElement('button');
    next.textContent = 'After the shell';
    el.after(next);
    await until(() => el.narrow, 'the narrow layout');
    await el.toggleDrawer(true);
    await el.updateComplete;
    await sendKeys({ press: 'Tab' });
    await sendKeys({ press: 'Tab' });
    expect(deepActive()!.textContent).to.equal('Sent');
    await sendKeys({ press: 'Tab' });
    expect(deepActive(), 'Tab skips the main area').to.equal(next);
    behind.focus();
    expect(deepActive(), 'not focusable at all').to.not.equal(behind);
    await el.toggleDrawer(false);
    await el.updateComplete;
    behind.focus();
    expect(deepActive(), 'closed, the main area is live again').to.equal(behind);
    next.remove();
  });

  it('closes the overlay when a link in it is chosen, and leaves narrow mode when widened', async () => {
    await setViewport({ width: 600, height: 800 });
    const el = await shell();
    await until(() => el.narrow, 'the narrow layout');
    await el.toggleDrawer(true);
    el.querySelector<HTMLAnchorElement>('a[href="#sent"]')!.click();
    await el.updateComplete;
    expect(el.drawerOpen).to.equal(false);

    await el.toggleDrawer(true);
    await setViewport({ width: 1000, height: 800 });
    await until(() => !el.narrow, 'the wide layout');
    expect(el.drawerOpen).to.equal(false);
    expect(visible(part(el, 'drawer'))).to.equal(true);
  });
});
