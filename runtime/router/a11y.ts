// After an in-app navigation nothing tells assistive technology that the "page" changed: move
// focus to the new view's heading and announce its title, as a full page load would.

/** The first `h1` under `root`, looking inside open shadow roots (views are often custom elements). */
export function findHeading(root: ParentNode): HTMLElement | undefined {
  const direct = root.querySelector<HTMLElement>('h1');
  if (direct) return direct;
  for (const el of root.querySelectorAll('*')) {
    if (el.shadowRoot) {
      const found = findHeading(el.shadowRoot);
      if (found) return found;
    }
  }
  return undefined;
}

/**
 * Resolves once every Lit element under `root` (shadow roots included) has rendered, and every
 * custom element not yet defined (its module a lazy chunk the view fetches) is defined and
 * rendered, or 2 s passed: one that never comes must not hold the navigation forever.
 */
export async function settled(root: ParentNode): Promise<void> {
  for (let round = 0; round < 5; round++) {
    const pending: Promise<unknown>[] = [];
    // One 2 s limit for the round's undefined elements, started by the first of them.
    let limit: Promise<unknown> | undefined;
    const visit = (node: ParentNode) => {
      for (const el of node.querySelectorAll('*')) {
        const update = (el as { updateComplete?: Promise<unknown> }).updateComplete ?? (el.matches(':not(:defined)') && Promise.race([customElements.whenDefined(el.localName).then(() => false), (limit ??= new Promise((r) => setTimeout(r, 2000, true)))]));
        if (update) pending.push(update);
        if (el.shadowRoot) visit(el.shadowRoot);
      }
    };
    visit(root);
    if (pending.length === 0) return;
    const results = await Promise.all(pending);
    // `updateComplete` resolves false when another update was queued meanwhile, an element's
    // definition when it just upgraded: look again.
    if (results.every((r) => r !== false)) return;
  }
}

/** Focuses `heading` without scrolling; a heading is not focusable by itself, so it gets tabindex=-1. */
export function focusHeading(heading: HTMLElement): void {
  if (!heading.hasAttribute('tabindex')) heading.tabIndex = -1;
  heading.focus({ preventScroll: true });
}
