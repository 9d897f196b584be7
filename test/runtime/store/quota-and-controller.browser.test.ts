import { expect, fixture, html } from '@open-wc/testing';
import { LitElement } from 'lit';
import { deleteStore, StoreError, type Store } from '../../../runtime/store/index.js';
import { LiveQueryController } from '../../../runtime/store/live-query-controller.js';
import { toStoreError } from '../../../runtime/store/errors.js';
import { setStorageQuota } from '../../../testing/commands.js';
import { mail, openMail, uniqueName, type Mail } from './helpers.js';

describe('store quota errors', () => {
  it('QuotaExceededError becomes StoreError quota naming the collection', () => {
    const err = toStoreError(new DOMException('over', 'QuotaExceededError'), 'messages') as StoreError;
    expect(err).to.be.instanceOf(StoreError);
    expect(err.code).to.equal('quota');
    expect(err.collection).to.equal('messages');
    expect(err.message).to.contain('persistStorage');
  });

  it('a write over the origin quota fails with code quota and writes nothing (Chromium; Firefox has no quota control)', async () => {
    const name = uniqueName();
    const store = await openMail(name);
    try {
      const supported = await setStorageQuota(512 * 1024);
      if (!supported) {
        // Firefox over WebDriver BiDi: the command must say so rather than pretend.
        expect(navigator.userAgent).to.contain('Firefox');
        return;
      }
      const big = 'x'.repeat(64 * 1024);
      const rows = Array.from({ length: 200 }, (_, i) => mail(i, { body: big + i }));
      const err = await store.collection<Mail>('messages').bulkPut(rows).then(() => undefined, (e: StoreError) => e);
      expect(err, 'the write should exceed a 512 KiB quota').to.be.instanceOf(StoreError);
      expect(err!.code).to.equal('quota');
      expect(await store.collection('messages').count()).to.equal(0);
    } finally {
      await setStorageQuota(null);
      store.close();
      await deleteStore(name);
    }
  });
});

class InboxCount extends LitElement {
  store!: Store;
  rows?: LiveQueryController<number>;
  override connectedCallback() {
    this.rows ??= new LiveQueryController(this, this.store, ['messages'], () => this.store.collection('messages').count());
    super.connectedCallback();
  }
  override render() {
    return `${this.rows?.value ?? '…'}`;
  }
}
customElements.define('test-inbox-count', InboxCount);

describe('LiveQueryController', () => {
  it('re-renders its host from a live query and stops listening when disconnected', async () => {
    const name = uniqueName();
    const store = await openMail(name);
    const el = await fixture<InboxCount>(html`<test-inbox-count .store=${store}></test-inbox-count>`);
    const text = () => el.shadowRoot!.textContent!.trim();
    const until = async (want: string) => {
      for (let i = 0; i < 200 && text() !== want; i++) await new Promise((r) => setTimeout(r, 10));
      expect(text()).to.equal(want);
    };
    await until('0');
    await store.collection<Mail>('messages').bulkPut([mail(1), mail(2)]);
    await until('2');
    el.remove();
    await store.collection<Mail>('messages').put(mail(3));
    await new Promise((r) => setTimeout(r, 100));
    expect(el.rows!.value).to.equal(2);
    store.close();
    await deleteStore(name);
  });
});
