import { expect } from '@open-wc/testing';
import { LitElement } from 'lit';
import { property } from 'lit/decorators.js';
import { Subscription } from '../../components/subscription.js';

// What the element's subscription did, in order: 'open a', 'close a', …
const log: string[] = [];

class Watcher extends LitElement {
  @property({ attribute: false }) accessor source: string | undefined;
  @property({ type: Number }) accessor other = 0;

  constructor() {
    super();
    new Subscription(
      this,
      () => [this.source] as const,
      (source) => {
        if (!source) return;
        log.push(`open ${source}`);
        return () => log.push(`close ${source}`);
      },
    );
  }
}
customElements.define('test-subscription-watcher', Watcher);

describe('Subscription (components)', () => {
  beforeEach(() => (log.length = 0));

  it('opens on connect, reopens only when its inputs change, closes on disconnect, and opens nothing while disconnected', async () => {
    const el = document.createElement('test-subscription-watcher') as Watcher;
    el.source = 'a';
    document.body.append(el);
    await el.updateComplete;
    expect(log).to.deep.equal(['open a']);
    el.other = 1;
    await el.updateComplete;
    expect(log, 'an update with the same inputs').to.deep.equal(['open a']);
    el.source = 'b';
    await el.updateComplete;
    expect(log).to.deep.equal(['open a', 'close a', 'open b']);
    el.remove();
    expect(log).to.deep.equal(['open a', 'close a', 'open b', 'close b']);
    el.source = 'c';
    await el.updateComplete;
    expect(log, 'set while disconnected').to.deep.equal(['open a', 'close a', 'open b', 'close b']);
    document.body.append(el);
    await el.updateComplete;
    expect(log).to.deep.equal(['open a', 'close a', 'open b', 'close b', 'open c']);
    el.source = undefined;
    await el.updateComplete;
    expect(log.at(-1)).to.equal('close c');
    el.remove();
    expect(log.at(-1), 'nothing open: nothing to close').to.equal('close c');
  });
});
