import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import { setupIgnoreWindowResizeObserverLoopErrors } from '@lit-labs/virtualizer/support/resize-observer-errors.js';
import '../../components/virtual-list.js';
import type { OutpostVirtualList, VirtualListOpenDetail, VirtualListRangeDetail, VirtualListSelectionDetail } from '../../components/virtual-list.js';
import { deepActive, expectAccessible, until } from './helpers.js';

interface Row {
  id: string;
  subject: string;
}

const N = 100_000;
const rows: Row[] = Array.from({ length: N }, (_, i) => ({ id: `r${i}`, subject: `Message ${i}` }));

async function list(items: Row[] = rows) {
  const el = await fixture<OutpostVirtualList<Row>>(html`
    <outpost-virtual-list
      label="Inbox"
      style="height: 400px"
      .items=${items}
      .keyFunction=${(r: Row) => r.id}
      .renderItem=${(r: Row) => html`<span class="subject">${r.subject}</span>`}
    ></outpost-virtual-list>
  `);
  await until(() => el.shadowRoot!.querySelector('[role=option]'), 'the first rows to render');
  return el;
}

const options = (el: OutpostVirtualList<Row>) => [...el.shadowRoot!.querySelectorAll<HTMLElement>('[role=option]')];
const focusedIndex = () => Number((deepActive() as HTMLElement | null)?.dataset.index);

describe('<outpost-virtual-list>', () => {
  // The virtualizer's benign "ResizeObserver loop" notices would otherwise fail tests via window.onerror.
  setupIgnoreWindowResizeObserverLoopErrors(beforeEach, afterEach);

  it('renders only a screenful of 100k items as labelled options and passes axe', async () => {
    const el = await list();
    const listbox = el.shadowRoot!.querySelector('[role=listbox]')!;
    expect(listbox.getAttribute('aria-label')).to.equal('Inbox');
    expect(listbox.getAttribute('aria-multiselectable')).to.equal('true');
    const rendered = options(el);
    expect(rendered.length).to.be.greaterThan(3);
    expect(rendered.length).to.be.lessThan(200);
    expect(rendered[0].textContent).to.contain('Message 0');
    expect(rendered[0].getAttribute('aria-setsize')).to.equal(String(N));
    expect(rendered[0].getAttribute('aria-posinset')).to.equal('1');
    // Roving tabindex: exactly one row is a Tab stop.
    expect(rendered.filter((o) => o.tabIndex === 0).map((o) => o.dataset.index)).to.deep.equal(['0']);
    await expectAccessible(el);
  });

  it('reports the rows in view as the list scrolls (visible-range-change), so an app can load the next page', async () => {
    const el = await list(rows.slice(0, 300));
    const ranges: VirtualListRangeDetail[] = [];
    el.addEventListener('visible-range-change', (e) => ranges.push((e as CustomEvent<VirtualListRangeDetail>).detail));
    await el.focusIndex(299);
    await until(() => ranges.some((r) => r.last === 299), 'the last row to be reported in view');
    const last = ranges[ranges.length - 1];
    expect(last.first).to.be.greaterThan(200);
    expect(last.first).to.be.lessThan(299);
  });

  it('arrow keys, PageDown, End and Home move focus; the DOM stays small at the end of 100k', async () => {
    const el = await list();
    options(el)[0].focus();
    await sendKeys({ press: 'ArrowDown' });
    await sendKeys({ press: 'ArrowDown' });
    await until(() => focusedIndex() === 2, 'row 2 to take focus');
    await sendKeys({ press: 'ArrowUp' });
    await until(() => focusedIndex() === 1, 'row 1 to take focus');
    await sendKeys({ press: 'PageDown' });
    await until(() => focusedIndex() > 2, 'PageDown to move more than one row');
    await sendKeys({ press: 'End' });
    await until(() => focusedIndex() === N - 1, 'the last row to take focus');
    const last = deepActive() as HTMLElement;
    expect(last.textContent).to.contain(`Message ${N - 1}`);
    expect(last.getAttribute('aria-posinset')).to.equal(String(N));
    expect(options(el).length).to.be.lessThan(200);
    await sendKeys({ press: 'ArrowDown' });
    expect(el.activeIndex).to.equal(N - 1);
    await sendKeys({ press: 'PageUp' });
    await until(() => focusedIndex() < N - 2, 'PageUp to move up');
    await sendKeys({ press: 'Home' });
    await until(() => focusedIndex() === 0, 'the first row to take focus');
    expect((deepActive() as HTMLElement).textContent).to.contain('Message 0');
  });

  it('Space and x toggle selection by key; Enter and click fire open', async () => {
    const el = await list();
    options(el)[0].focus();
    await sendKeys({ press: 'ArrowDown' });
    await until(() => focusedIndex() === 1, 'row 1 to take focus');
    let changed = oneEvent(el, 'selection-change');
    await sendKeys({ press: ' ' });
    expect([...((await changed) as CustomEvent<VirtualListSelectionDetail>).detail.selection]).to.deep.equal(['r1']);
    await el.updateComplete;
    expect(options(el)[1].getAttribute('aria-selected')).to.equal('true');
    expect(options(el)[0].getAttribute('aria-selected')).to.equal('false');

    await sendKeys({ press: 'ArrowDown' });
    await until(() => focusedIndex() === 2, 'row 2 to take focus');
    changed = oneEvent(el, 'selection-change');
    await sendKeys({ press: 'x' });
    await changed;
    expect([...el.selection].sort()).to.deep.equal(['r1', 'r2']);
    changed = oneEvent(el, 'selection-change');
    await sendKeys({ press: 'x' });
    await changed;
    expect([...el.selection]).to.deep.equal(['r1']);

    let opened = oneEvent(el, 'open');
    await sendKeys({ press: 'Enter' });
    const detail = ((await opened) as CustomEvent<VirtualListOpenDetail<Row>>).detail;
    expect(detail).to.deep.equal({ item: rows[2], index: 2, key: 'r2' });

    opened = oneEvent(el, 'open');
    options(el)[4].click();
    expect(((await opened) as CustomEvent<VirtualListOpenDetail<Row>>).detail.key).to.equal('r4');
    expect(focusedIndex()).to.equal(4);
  });

  it('Tab reaches the active row even after it scrolled out of the DOM', async () => {
    const before = await fixture<HTMLButtonElement>(html`<button>before</button>`);
    const el = await list();
    options(el)[3].focus();
    await el.updateComplete;
    expect(el.activeIndex).to.equal(3);
    const listbox = el.shadowRoot!.querySelector<HTMLElement>('[role=listbox]')!;
    await until(() => {
      listbox.scrollTop = 50_000;
      return !el.shadowRoot!.querySelector('[data-index="3"]');
    }, 'row 3 to leave the DOM');
    await until(() => listbox.tabIndex === 0, 'the list box to take the Tab stop');
    before.focus();
    await sendKeys({ press: 'Tab' });
    await until(() => focusedIndex() === 3, 'row 3 to take focus again');
  });

  it('keeps the selection by key when items change and clamps the active row', async () => {
    const small = rows.slice(0, 10);
    const el = await list(small);
    el.selection = new Set(['r5']);
    await el.focusIndex(9);
    el.items = small.slice(5);
    await el.updateComplete;
    expect(el.activeIndex).to.equal(4);
    await until(() => options(el).length === 5, 'five rows');
    expect(options(el).map((o) => o.getAttribute('aria-selected'))).to.deep.equal(['true', 'false', 'false', 'false', 'false']);
  });

  it('the active row follows its item when rows are added or removed above it', async () => {
    const small = rows.slice(0, 10);
    const el = await list(small);
    await el.focusIndex(3);
    el.items = [{ id: 'new', subject: 'New' }, ...small];
    await el.updateComplete;
    expect(el.activeIndex).to.equal(4);
    await until(() => focusedIndex() === 4 && (deepActive() as HTMLElement).textContent!.includes('Message 3'), 'the focus to stay on Message 3');
    el.items = el.items.filter((r) => r.id !== 'r3');
    await el.updateComplete;
    // Its item left: the row now in its place (Message 4) holds the Tab stop.
    expect(el.activeIndex).to.equal(4);
    expect(el.items[el.activeIndex].id).to.equal('r4');
  });

  it('keeps keyboard focus in the list when the focused row leaves it or moves (a live update): on the row in its place, or on the moved row', async () => {
    const small = rows.slice(0, 10);
    const el = await list(small);
    const focusedText = () => (deepActive() as HTMLElement | null)?.textContent ?? '';
    await el.focusIndex(3);
    await until(() => focusedIndex() === 3, 'row 3 to take focus');
    el.items = small.filter((r) => r.id !== 'r3');
    await until(() => focusedIndex() === 3 && focusedText().includes('Message 4'), 'focus on Message 4, now in the left row\'s place');
    // The focused item moves to the top (rewritten with a newer date): focus goes with it.
    await el.focusIndex(5);
    await until(() => focusedText().includes('Message 6'), 'Message 6 to take focus');
    const r6 = el.items[5];
    el.items = [r6, ...el.items.filter((r) => r !== r6)];
    await until(() => focusedIndex() === 0 && focusedText().includes('Message 6'), 'focus to follow Message 6 to the top');
    await el.focusIndex(el.items.length - 1);
    await until(() => focusedText().includes('Message 9'), 'the last row to take focus');
    // The last row leaves: the new last row takes focus.
    el.items = el.items.slice(0, -1);
    await until(() => focusedIndex() === el.items.length - 1 && focusedText().includes('Message 8'), 'focus on the new last row');
  });

  it('rows guessed at their height (estimatedRowHeight) render in one pass; guessed at the default 100 px, a few render, are measured, then the rest', async () => {
    /** The batches of rows added until the list is filled, each a count of rows. */
    const batches = async (estimate?: number): Promise<number[]> => {
      const el = document.createElement('outpost-virtual-list') as OutpostVirtualList<Row>;
      // Rows exactly 31 px tall (30 px of content and the 1 px border).
      el.style.cssText = 'display: block; height: 400px; --outpost-virtual-list-row-padding: 0';
      el.keyFunction = (r) => r.id;
      el.renderItem = (r) => html`<span style="display: block; height: 30px">${r.subject}</span>`;
      if (estimate) el.estimatedRowHeight = estimate;
      el.items = rows.slice(0, 500);
      const added: number[] = [];
      const observer = new MutationObserver((records) => {
        const count = records.flatMap((r) => [...r.addedNodes]).filter((n) => n instanceof HTMLElement && n.getAttribute('role') === 'option').length;
        if (count) added.push(count);
      });
      // Its shadow root exists once connected; its first render comes a microtask later.
      document.body.append(el);
      observer.observe(el.shadowRoot!, { childList: true, subtree: true });
      try {
        await until(() => options(el).length, 'the first rows');
        // Filled: the row count held for three frames.
        for (let same = 0, last = -1; same < 3; ) {
          await new Promise((r) => requestAnimationFrame(r));
          same = options(el).length === last ? same + 1 : 0;
          last = options(el).length;
        }
        expect(options(el)[0].getBoundingClientRect().height).to.equal(31);
        return added;
      } finally {
        observer.disconnect();
        el.remove();
      }
    };
    const guessed = await batches(31);
    expect(guessed.length, `batches of rows: ${guessed.join(', ')}`).to.equal(1);
    // 400 px in view and the 1,000 px the virtualizer keeps rendered past it, 31 px a row.
    expect(guessed[0]).to.be.within(45, 47);
    const defaults = await batches();
    expect(defaults.length, `batches of rows: ${defaults.join(', ')}`).to.be.greaterThan(1);
    expect(defaults.reduce((a, b) => a + b)).to.equal(guessed[0]);
  });
});
