import { expect, fixture, html } from '@open-wc/testing';
import { LitElement } from 'lit';
import { deleteStore, StoreError, type Store } from '../../../runtime/store/index.js';
import { LiveQueryController } from '../../../runtime/store/live-query-controller.js';
import { toStoreError } from '../../../runtime/store/errors.js';
import { setStorageQuota } from '../../../testing/commands.js';
import { mail, openMail, uniqueName, type Mail } from './helpers.js';
import { CONDITION_TIMEOUT_MS } from '../../timeouts.js';

describe('store quota errors', () => {
  it('QuotaExceededError becomes StoreError quota naming the collection', async () => {
    const err = (await toStoreError(new DOMException('over', 'QuotaExceededError'), 'messages')) as StoreError;
    expect(err).to.be.instanceOf(StoreError);
    expect(err.code).to.equal('quota');
    expect(err.collection).to.equal('messages');
    expect(err.message).to.contain('persistStorage');
  });

  it('a write over the origin quota fails with code quota and writes nothing (Chromium; Firefox has no quota control)', async function () {
    // Up to 60 MiB written until Chromium's cached quota check catches up: slow on a loaded machine.
    this.timeout(180_000);
    const name = uniqueName();
    const store = await openMail(name);
    try {
      const supported = await setStorageQuota(512 * 1024);
      if (!supported) {
        // Firefox over WebDriver BiDi: the command must say so rather than pretend.
        expect(navigator.userAgent).to.contain('Firefox');
        return;
      }
      // Chromium caches an origin's remaining space for a few seconds, so one big write right
      // after the override may still pass; keep writing 1 MiB batches of incompressible text
      // until the quota check catches up, then prove the refused batch left nothing behind.
      const noise = (n: number) => btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(n))));
      const messages = store.collection<Mail>('messages');
      let err: StoreError | undefined;
      let batch = 0;
      for (; batch < 60 && !err; batch++) {
        const rows = Array.from({ length: 16 }, (_, i) => ({ ...mail(batch * 16 + i), attachment: noise(48 * 1024) }) as Mail);
        err = await messages.bulkPut(rows).then(() => undefined, (e: StoreError) => e);
        if (!err) await new Promise((r) => setTimeout(r, 250));
      }
      const est = await navigator.storage.estimate();
      expect(err, `writing past a 512 KiB quota should fail (estimate ${JSON.stringify(est)}, batches ${batch})`).to.be.instanceOf(StoreError);
      expect(err!.code).to.equal('quota');
      const refused = Array.from({ length: 16 }, (_, i) => mail((batch - 1) * 16 + i).id);
      expect((await messages.getMany(refused)).filter(Boolean)).to.have.length(0);
      expect(await messages.count()).to.equal((batch - 1) * 16);
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
      for (const end = Date.now() + CONDITION_TIMEOUT_MS; text() !== want && Date.now() < end; ) await new Promise((r) => setTimeout(r, 10));
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
