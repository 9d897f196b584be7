// A router's host may leave the document while a navigation waits for its view to settle (an
// element of the view not defined yet: a lazy chunk). The navigation ends with the host: it must not
// touch the page, nor leave a listener on window that keeps the router and its host alive.
import { expect } from '@open-wc/testing';
import { html } from 'lit';
import { html as staticHtml, unsafeStatic } from 'lit/static-html.js';
import { until } from '../../components/helpers.js';
import { mount, unmountAll } from './helpers.js';

/** Counts the scroll listeners added to window from now on and not removed (or aborted) since. */
function trackScrollListeners(): { live: () => number; restore: () => void } {
  const live = new Set<unknown>();
  const { addEventListener: add, removeEventListener: remove } = window;
  window.addEventListener = function (this: Window, type: string, listener: EventListenerOrEventListenerObject | null, options?: boolean | AddEventListenerOptions) {
    const signal = typeof options === 'object' ? options.signal : undefined;
    if (type === 'scroll' && listener && !signal?.aborted) {
      live.add(listener);
      signal?.addEventListener('abort', () => live.delete(listener));
    }
    add.call(this, type, listener!, options);
  };
  window.removeEventListener = function (this: Window, type: string, listener: EventListenerOrEventListenerObject | null, options?: boolean | EventListenerOptions) {
    if (type === 'scroll') live.delete(listener);
    remove.call(this, type, listener!, options);
  };
  return {
    live: () => live.size,
    restore: () => {
      delete (window as Partial<Window>).addEventListener;
      delete (window as Partial<Window>).removeEventListener;
    },
  };
}

describe('Router host disconnected during a navigation', () => {
  let scroll: ReturnType<typeof trackScrollListeners> | undefined;
  afterEach(() => {
    scroll?.restore();
    unmountAll();
  });

  it('a navigation under way when the host disconnects sets no title, dispatches no navigate and leaves no scroll listener on window', async () => {
    const name = `late-view-${Math.random().toString(36).slice(2)}`;
    const tag = unsafeStatic(name);
    const host = await mount([
      { path: '/', render: () => html`<h1>Start</h1>` },
      { path: '/late', title: 'Late view', render: () => staticHtml`<${tag}><h1>Late</h1></${tag}>` },
    ]);
    const title = document.title;
    let navigated = false;
    host.router.addEventListener('navigate', () => (navigated = true));
    scroll = trackScrollListeners();

    const going = host.router.navigate('/late');
    // The view rendered; the navigation waits for its element's definition.
    await until(() => host.querySelector('h1')?.textContent === 'Late', 'the late view');
    host.remove();
    customElements.define(name, class extends HTMLElement {});
    await going;

    expect(document.title).to.equal(title);
    expect(navigated, 'navigate dispatched').to.equal(false);
    expect(scroll.live(), 'scroll listeners left on window').to.equal(0);
  });
});
