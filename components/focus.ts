// Focus helpers the components share (internal: not exported from components/index.ts).
/**
 * Where focus was before it entered a part of a component that will go (a toast, a banner):
 * given back when that part goes with the focus in it, so a keyboard user keeps their place
 * instead of starting again at the top of the page.
 */
export class FocusReturn {
  #to: HTMLElement | undefined;

  /** The `focusin` listener of the part; focus moving inside `root` is not a new place to return to. */
  entered(event: FocusEvent, root: Node): void {
    const from = event.relatedTarget;
    if (from instanceof HTMLElement && !root.contains(from)) this.#to = from;
  }

  /** Gives focus back when `hadFocus` (the part held it as it went) and the element is still there. */
  restore(hadFocus: boolean): void {
    if (hadFocus && this.#to?.isConnected) this.#to.focus();
    this.#to = undefined;
  }
}

/** The focused element, looking inside shadow roots. */
export function deepActiveElement(): HTMLElement | null {
  let el = document.activeElement;
  while (el?.shadowRoot?.activeElement) el = el.shadowRoot.activeElement;
  return el as HTMLElement | null;
}
