// Page-side helpers of the whole-app benchmarks, installed as source text before any page script
// runs (page.evaluateOnNewDocument), so they see the page from navigation start.
//
// Paint is observed the way a user sees it: `frameWhen(check)` tests `check` in every animation
// frame callback and resolves with performance.now() of the first frame in which it holds — the
// frame that paints it (rAF callbacks run just before that frame's style, layout and paint).
// performance.now() counts from navigation start; input events keep their own timeStamp on the
// same clock, so `lastInput` → frame time is user event → next paint.

/** Source text that defines `window.__bench` (see the comment above). */
export const PAGE_KIT = `(() => {
  const all = (name, root = document, out = []) => {
    for (const el of root.querySelectorAll('*')) {
      if (el.localName === name) out.push(el);
      if (el.shadowRoot) all(name, el.shadowRoot, out);
    }
    return out;
  };
  const centred = new WeakSet();
  const bench = {
    all,
    find: (name) => all(name)[0],
    /** A custom element that has rendered content into its shadow root. */
    rendered: (el) => !!el.shadowRoot && el.shadowRoot.childElementCount > 0,
    lastInput: 0,
    /**
     * Scrolls el to the middle of its scroller the first time it is asked, and leaves it there
     * after: a click's stability check then sees the row move, where centring it again would not.
     */
    centreOnce(el) {
      if (!el || centred.has(el)) return;
      centred.add(el);
      el.scrollIntoView({ block: 'center' });
    },
    frameWhen(check, timeoutMs = 300000) {
      return new Promise((resolve, reject) => {
        const until = performance.now() + timeoutMs;
        const tick = () => {
          let ok = false;
          try { ok = check(); } catch { ok = false; }
          if (ok) resolve(performance.now());
          else if (performance.now() > until) reject(new Error('frameWhen: timed out'));
          else requestAnimationFrame(tick);
        };
        requestAnimationFrame(tick);
      });
    },
    /**
     * Starts testing checks[name](arg) in every frame from now and returns a handle whose
     * watches[handle] resolves with ms from the last input to the first frame it holds. Armed
     * before the input: a check started after it, by the driver's next call, first runs a round
     * trip later (WebDriver BiDi's took 20–40 ms in Firefox), and a paint in between was seen late.
     */
    watch(name, arg, timeoutMs) {
      const watching = bench.frameWhen(() => bench.checks[name](arg), timeoutMs).then((t) => t - bench.lastInput);
      watching.catch(() => {});
      return bench.watches.push(watching) - 1;
    },
    watches: [],
  };
  // Checks the whole-app bench waits for, by name (no eval: the app's CSP refuses it, and
  // WebDriver BiDi cannot bypass CSP). Each takes the step's argument.
  bench.checks = {
    threadOpen: () => { const v = bench.find('mail-thread-view'); return !!v?.shadowRoot?.querySelector('article'); },
    gone: (ids) => {
      const list = bench.find('mail-thread-list'); const set = new Set(ids);
      return !!list.threads && !list.threads.some((t) => set.has(t.threadId)) && !bench.all('mail-thread-row').some((r) => set.has(r.thread?.threadId)) && bench.all('mail-thread-row').some(bench.rendered);
    },
    // Gone, and the list no longer ahead of its store: the write committed and its rows read back.
    goneStored: (ids) => bench.checks.gone(ids) && bench.find('mail-thread-list').leaving === 0,
    // The listed conversation (id) painted with its star on (want), or with the label (its id and name).
    starred: ([id, want]) => {
      const row = bench.all('mail-thread-row').find((r) => r.thread?.threadId === id);
      return !!row && bench.rendered(row) && row.shadowRoot.querySelector('.row')?.dataset.starred === String(want);
    },
    labeled: ([id, label, name]) => {
      const row = bench.all('mail-thread-row').find((r) => r.thread?.threadId === id);
      return !!row && bench.rendered(row) && row.thread.labels.includes(label) && [...row.shadowRoot.querySelectorAll('.chip')].some((c) => c.textContent.trim() === name);
    },
    searched: () => {
      const list = bench.find('mail-thread-list');
      return list?.mailbox.kind === 'search' && !!list.threads && list.threads !== bench.before && bench.all('mail-thread-row').some((r) => bench.rendered(r) && list.threads.includes(r.thread));
    },
  };
  window.__bench = bench;
  for (const type of ['click', 'keydown']) addEventListener(type, (e) => { if (e.isTrusted) bench.lastInput = e.timeStamp; }, true);
})();`;

/** Source text that, with {@link PAGE_KIT}, records the first frame showing a rendered `<tag>` in `window.__firstRows`. */
export function firstRowsProbe(tag) {
  return `window.__firstRows = window.__bench.frameWhen(() => window.__bench.all(${JSON.stringify(tag)}).some(window.__bench.rendered));`;
}

/**
 * Source text that, with {@link PAGE_KIT}, records in `window.__storeRows` the first frame showing
 * the demo's rows read from its store (a cold start paints the last visit's snapshot before them).
 */
export function storeRowsProbe() {
  return `window.__storeRows = window.__bench.frameWhen(() => {
    const list = window.__bench.find('mail-thread-list');
    return !!list?.threads && !list.fromSnapshot && window.__bench.all('mail-thread-row').some((r) => window.__bench.rendered(r) && list.threads.includes(r.thread));
  });`;
}

/**
 * Page-side (pass it to `page.evaluate`): lists the conversations scrolling down to the `n`-th
 * lists (the list reads its next page once the view is within half a page, 25 rows, of its end:
 * `n` + 25 at least), selects the newest `n` and resolves to their thread ids. A mailbox with
 * fewer than `n` + 25 (a small `--size`) gets a quarter of its conversations selected: archiving
 * all of them left no row to paint, which the `gone` check waits for, and none for the next run.
 */
export async function selectNewest(n) {
  const list = window.__bench.find('mail-thread-list');
  if (list.more && list.threads.length < n + 25) await list.loadMore(n + 25 - list.threads.length);
  const take = list.threads.length >= n + 25 ? n : Math.min(n, Math.floor(list.threads.length / 4));
  const ids = list.threads.slice(0, take).map((t) => t.threadId);
  list.selection = new Set(ids);
  await list.updateComplete;
  return ids;
}

/**
 * Page-side (pass it to `page.evaluate`): selects one listed conversation without the first user
 * label of the toolbar's Labels menu and focuses the menu, so an ArrowDown adds the label.
 * Resolves to the `labeled` check's argument ([thread id, label id, label name]), or undefined
 * when no such conversation or label is listed.
 */
export async function selectForLabel() {
  const select = window.__bench.all('select').find((x) => x.getAttribute('aria-label') === 'Labels');
  const option = [...(select?.options ?? [])].find((o) => o.value.startsWith('add:'));
  if (!option) return undefined;
  const label = option.value.slice(4);
  const list = window.__bench.find('mail-thread-list');
  // One painted on screen: the check waits for its row to show the label, and a conversation
  // further down the list has no row until it is scrolled to.
  const shown = new Set(window.__bench.all('mail-thread-row').filter(window.__bench.rendered).map((r) => r.thread?.threadId));
  const thread = list.threads.find((t) => shown.has(t.threadId) && !t.labels.includes(label));
  if (!thread) return undefined;
  list.selection = new Set([thread.threadId]);
  await list.updateComplete;
  select.focus();
  return [thread.threadId, label, option.textContent.replace(/^Add “|”$/g, '')];
}
