import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import '../../components/dialog.js';
import { deepActive, expectAccessible } from './helpers.js';

describe('<outpost-dialog>', () => {
  async function setup() {
    const root = await fixture<HTMLDivElement>(html`
      <div>
        <button id="opener">Delete…</button>
        <outpost-dialog label="Delete this note?">
          <p>It is removed on every device.</p>
          <button slot="actions" id="confirm">Delete</button>
        </outpost-dialog>
      </div>
    `);
    const dialog = root.querySelector('outpost-dialog')!;
    const opener = root.querySelector<HTMLButtonElement>('#opener')!;
    opener.focus();
    return { root, dialog, opener, native: dialog.shadowRoot!.querySelector('dialog')! };
  }

  it('opens modally, is named by its heading and passes axe', async () => {
    const { root, dialog, native } = await setup();
    expect(native.open).to.equal(false);
    dialog.show();
    await dialog.updateComplete;
    expect(native.open).to.equal(true);
    expect(native.matches(':modal')).to.equal(true);
    const labelledBy = native.getAttribute('aria-labelledby')!;
    expect(dialog.shadowRoot!.getElementById(labelledBy)!.textContent!.trim()).to.equal('Delete this note?');
    expect(dialog.hasAttribute('open')).to.equal(true);
    await expectAccessible(root);
  });

  it('Escape closes it, fires close and gives focus back to the opener', async () => {
    const { dialog, native, opener } = await setup();
    dialog.show();
    await dialog.updateComplete;
    expect(deepActive()).to.not.equal(opener);
    const closed = oneEvent(dialog, 'close');
    await sendKeys({ press: 'Escape' });
    await closed;
    expect(native.open).to.equal(false);
    expect(dialog.open).to.equal(false);
    expect(deepActive()).to.equal(opener);
  });

  it('showing turns false the moment it closes, a task before the close event updates open', async () => {
    const { dialog } = await setup();
    dialog.show();
    await dialog.updateComplete;
    expect(dialog.showing).to.equal(true);
    const closed = oneEvent(dialog, 'close');
    dialog.close('done');
    // Same task as the close: the native dialog is shut, its close event still queued.
    expect([dialog.showing, dialog.open]).to.deep.equal([false, true]);
    await closed;
    expect([dialog.showing, dialog.open]).to.deep.equal([false, false]);
  });

  it('close(value) reports the return value; the × button closes with an empty one', async () => {
    const { dialog, root } = await setup();
    dialog.show();
    await dialog.updateComplete;
    let closed = oneEvent(dialog, 'close');
    root.querySelector<HTMLButtonElement>('#confirm')!.addEventListener('click', () => dialog.close('delete'));
    root.querySelector<HTMLButtonElement>('#confirm')!.click();
    expect((await closed).detail).to.deep.equal({ returnValue: 'delete' });

    dialog.open = true;
    await dialog.updateComplete;
    closed = oneEvent(dialog, 'close');
    const x = dialog.shadowRoot!.querySelector<HTMLButtonElement>('[part=close-button]')!;
    expect(x.getAttribute('aria-label')).to.equal('Close');
    x.focus();
    await sendKeys({ press: 'Enter' });
    expect((await closed).detail).to.deep.equal({ returnValue: '' });
    expect(dialog.returnValue).to.equal('');
  });

  it('Escape, `open = false` and removal close with an empty return value, not the value an earlier close(value) left on the <dialog>', async () => {
    const { dialog } = await setup();
    const closeWith = async (close: () => unknown) => {
      dialog.show();
      await dialog.updateComplete;
      const closed = oneEvent(dialog, 'close');
      await close();
      return (await closed).detail.returnValue as string;
    };
    expect(await closeWith(() => dialog.close('discard'))).to.equal('discard');
    // A native <dialog> keeps its returnValue across showModal(); one closed without a value reports the old one.
    expect(await closeWith(() => sendKeys({ press: 'Escape' }))).to.equal('');
    expect(dialog.returnValue).to.equal('');
    await closeWith(() => dialog.close('discard'));
    expect(await closeWith(() => (dialog.open = false))).to.equal('');
    await closeWith(() => dialog.close('discard'));
    expect(await closeWith(() => dialog.remove())).to.equal('');
  });

  it('removed from the page while open, it closes: close fires with an empty return value and open turns false (browsers fire none for a removed dialog)', async () => {
    const { root, dialog, native } = await setup();
    dialog.show();
    await dialog.updateComplete;
    const closed = oneEvent(dialog, 'close');
    dialog.remove();
    expect((await closed).detail).to.deep.equal({ returnValue: '' });
    expect(dialog.open).to.equal(false);
    expect(native.open).to.equal(false);
    // Put back, it stays closed rather than showing without being modal.
    root.append(dialog);
    await dialog.updateComplete;
    expect(native.open).to.equal(false);
  });
});
