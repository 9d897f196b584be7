// A live list end to end: a LiveQueryController on a collection query feeding
// <outpost-virtual-list>. A write to one record must re-render that record's row only (the
// controller patches the rows and keeps the objects of the others), and a new record adds one row.
import { expect, fixture, html } from '@open-wc/testing';
import { LitElement } from 'lit';
import { setupIgnoreWindowResizeObserverLoopErrors } from '@lit-labs/virtualizer/support/resize-observer-errors.js';
import '../../components/virtual-list.js';
import { LiveQueryController } from '../../runtime/store/live-query-controller.js';
import { deleteStore, type Store } from '../../runtime/store/index.js';
import { mail, openMail, uniqueName, type Mail } from '../runtime/store/helpers.js';
import { until } from './helpers.js';

/** How many times each row element (by mail id) rendered. */
const renders = new Map<string, number>();

class LiveRow extends LitElement {
  static override properties = { mail: { attribute: false } };
  declare mail: Mail;
  override render() {
    renders.set(this.mail.id, (renders.get(this.mail.id) ?? 0) + 1);
    return html`<span class="subject">${this.mail.subject}</span>`;
  }
}
customElements.define('test-live-row', LiveRow);

class LiveInbox extends LitElement {
  static override properties = { store: { attribute: false } };
  declare store: Store;
  inbox?: LiveQueryController<Mail[]>;
  override connectedCallback() {
    this.inbox ??= new LiveQueryController<Mail[]>(this, this.store.collection<Mail>('messages'), { index: 'byDate', direction: 'prev', limit: 20 });
    super.connectedCallback();
  }
  override render() {
    return html`<outpost-virtual-list style="height: 400px" label="Inbox" .items=${this.inbox?.value ?? []} .keyFunction=${(m: Mail) => m.id}
      .renderItem=${(m: Mail) => html`<test-live-row .mail=${m}></test-live-row>`}></outpost-virtual-list>`;
  }
}
customElements.define('test-live-inbox', LiveInbox);

describe('live list: LiveQueryController on a collection + <outpost-virtual-list>', () => {
  setupIgnoreWindowResizeObserverLoopErrors(beforeEach, afterEach);

  it('a write to one record re-renders its row only; a new record adds one row', async () => {
    const name = uniqueName();
    const store = await openMail(name);
    try {
      const messages = store.collection<Mail>('messages');
      await messages.bulkPut(Array.from({ length: 30 }, (_, i) => mail(i)));
      const el = await fixture<LiveInbox>(html`<test-live-inbox .store=${store}></test-live-inbox>`);
      const list = () => el.shadowRoot!.querySelector('outpost-virtual-list')!;
      const rowOf = (id: string) => [...list().shadowRoot!.querySelectorAll('test-live-row')].find((r) => (r as LiveRow).mail.id === id) as LiveRow | undefined;
      await until(() => rowOf('m0029')?.shadowRoot?.textContent?.includes('Subject 29'), 'the newest row');
      await until(() => rowOf('m0025'), 'five rows');
      const before = new Map(renders);
      const rowsBefore = el.inbox!.value!;

      await messages.put(mail(27, { subject: 'Edited' }));
      await until(() => rowOf('m0027')?.shadowRoot?.textContent?.includes('Edited'), 'the edited row');
      expect(el.inbox!.diff).to.deep.equal({ added: [], removed: [], changed: ['m0027'], reset: false });
      expect(el.inbox!.value!.filter((m, i) => m !== rowsBefore[i]).map((m) => m.id)).to.deep.equal(['m0027']);
      const rerendered = [...renders].filter(([id, n]) => before.has(id) && n !== before.get(id)).map(([id]) => id);
      expect(rerendered).to.deep.equal(['m0027']);

      const after = new Map(renders);
      await messages.put(mail(100, { subject: 'Newest' }));
      await until(() => rowOf('m0100')?.shadowRoot?.textContent?.includes('Newest'), 'the new row');
      expect(el.inbox!.diff).to.deep.equal({ added: ['m0100'], removed: ['m0010'], changed: [], reset: false });
      expect([...renders].filter(([id, n]) => after.has(id) && n !== after.get(id))).to.deep.equal([]);
    } finally {
      store.close();
      await deleteStore(name);
    }
  });
});
