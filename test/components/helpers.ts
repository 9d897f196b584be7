import { expect } from '@open-wc/testing';
// axe-core is a UMD bundle: imported for its side effect, it sets `window.axe`.
import 'axe-core';
import type { AxeResults, Result } from 'axe-core';
import { deepActiveElement } from '../../components/focus.js';
import { CONDITION_TIMEOUT_MS } from '../timeouts.js';

type Axe = { run(context: Element, options?: object): Promise<AxeResults> };

/** Runs axe-core on `el` (shadow DOM included) and fails on any serious or critical violation. */
export async function expectAccessible(el: Element): Promise<void> {
  const axe = (window as unknown as { axe: Axe }).axe;
  const results = await axe.run(el, { resultTypes: ['violations'] });
  const bad = results.violations.filter((v: Result) => v.impact === 'serious' || v.impact === 'critical');
  const report = bad.map((v) => `${v.id} (${v.impact}): ${v.help} → ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`).join('\n');
  expect(bad.length, report).to.equal(0);
}

/** The element focused now, looking inside shadow roots (the components' own helper). */
export { deepActiveElement as deepActive };

/**
 * The focused element as `tag#id`: compare this, not elements, since a failing assertion on
 * elements has the runner serialise the page's body and lose the browser.
 */
export function focusedName(): string {
  const el = deepActiveElement();
  return `${el?.localName}#${el?.id}`;
}

/** Resolves once `check` returns truthy (polling each frame), or rejects after `ms` with `what`. */
export async function until<T>(check: () => T | undefined | null | false, what: string, ms = CONDITION_TIMEOUT_MS): Promise<T> {
  const started = Date.now();
  for (;;) {
    const v = check();
    if (v) return v;
    if (Date.now() - started > ms) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => requestAnimationFrame(() => r(undefined)));
  }
}
