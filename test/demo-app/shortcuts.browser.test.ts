import { expect } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import { listenForShortcuts, type MailCommand } from '../../demo-app/mail/shortcuts.js';
import '../../demo-app/ui/compose-panel.js';

function press(target: EventTarget, key: string, init: KeyboardEventInit = {}) {
  target.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true, composed: true, cancelable: true, ...init }));
}

describe('mail keyboard shortcuts', () => {
  let seen: MailCommand[];
  let stop: () => void;
  let host: HTMLDivElement;
  beforeEach(() => {
    seen = [];
    host = document.createElement('div');
    document.body.append(host);
    stop = listenForShortcuts(document, (c) => seen.push(c));
  });
  afterEach(() => {
    stop();
    host.remove();
  });

  it('maps single keys, Shift combos and symbols to commands', () => {
    for (const key of ['j', 'k', 'o', 'Enter', 'u', 'e', '#', 's', 'c', 'r', 'a', 'f', '/', 'z', '?']) press(host, key, { shiftKey: key === '#' || key === '?' });
    press(host, 'I', { shiftKey: true });
    press(host, 'U', { shiftKey: true });
    expect(seen).to.deep.equal(['next', 'previous', 'open', 'open', 'back', 'archive', 'delete', 'star', 'compose', 'reply', 'reply-all', 'forward', 'search', 'undo', 'help', 'mark-read', 'mark-unread']);
  });

  it('understands two-key sequences g i, g s and g t', () => {
    press(host, 'g');
    press(host, 'i');
    press(host, 'g');
    press(host, 's');
    press(host, 'g');
    press(host, 't');
    expect(seen).to.deep.equal(['go-inbox', 'go-starred', 'go-sent']);
  });

  it('stays quiet while the user types in a field, including inside shadow roots', () => {
    const input = document.createElement('input');
    host.append(input);
    press(input, 'j');
    const shadowHost = document.createElement('div');
    host.append(shadowHost);
    const textarea = document.createElement('textarea');
    shadowHost.attachShadow({ mode: 'open' }).append(textarea);
    press(textarea, 'e');
    press(host, 'j', { ctrlKey: true });
    expect(seen).to.deep.equal([]);
  });

  it('leaves Enter on a link or a button to it: the button is pressed, not "open" run (real key presses)', async () => {
    const pressed: string[] = [];
    const button = document.createElement('button');
    button.textContent = 'Send';
    button.addEventListener('click', () => pressed.push('button'));
    const link = document.createElement('a');
    link.href = '#shortcut-test-link';
    link.textContent = 'Starred';
    link.addEventListener('click', (e) => (e.preventDefault(), pressed.push('link')));
    // A button inside a shadow root, as the app's are.
    const shadowHost = document.createElement('div');
    const inner = document.createElement('button');
    inner.textContent = 'Keyboard shortcuts';
    inner.addEventListener('click', () => pressed.push('inner'));
    shadowHost.attachShadow({ mode: 'open' }).append(inner);
    host.append(button, link, shadowHost);
    for (const el of [button, link, inner]) {
      el.focus();
      await sendKeys({ press: 'Enter' });
    }
    expect(pressed).to.deep.equal(['button', 'link', 'inner']);
    expect(seen).to.deep.equal([]);
    // Other shortcuts still work with a button focused (Gmail's too), and Enter elsewhere opens.
    button.focus();
    await sendKeys({ press: 'j' });
    (document.activeElement as HTMLElement).blur();
    await sendKeys({ press: 'Enter' });
    expect(seen).to.deep.equal(['next', 'open']);
  });

  it('stays quiet for keys pressed anywhere in the compose panel, on its buttons too', () => {
    const compose = document.createElement('mail-compose');
    host.append(compose);
    const send = document.createElement('button');
    compose.append(send);
    for (const key of ['e', '#', 's', 'j']) press(send, key, { shiftKey: key === '#' });
    press(compose, 'e');
    expect(seen).to.deep.equal([]);
    press(host, 'e');
    expect(seen).to.deep.equal(['archive']);
  });

  it('stops listening when asked', () => {
    stop();
    press(host, 'j');
    expect(seen).to.deep.equal([]);
  });
});
