// Pure functions: what a mutation does to a document, and three-way merge.
import type { DocumentValue, Mutation, SetElement } from '../protocol/index.js';

/** The document after a built-in mutation (undefined = deleted); custom mutations return `value`. */
export function applyMutation(value: DocumentValue | undefined, m: Mutation, keyPath: string): DocumentValue | undefined {
  switch (m.name) {
    case 'put':
      return { ...(m as { value: DocumentValue }).value };
    case 'patch':
      return value ? { ...value, ...(m as { patch: DocumentValue }).patch } : undefined;
    case 'delete':
      return undefined;
    case 'addToSet':
    case 'removeFromSet': {
      const { key, field, values } = m as { key: string; field: string; values: SetElement[] };
      // As the server does (server-stub/documents.ts setOp), so the optimistic value is the one
      // the server will hold: a remove from a missing document does nothing and an add creates
      // it; an operation that leaves the set as it was changes nothing (no empty field appears).
      if (value === undefined && m.name === 'removeFromSet') return undefined;
      const current = value ?? { [keyPath]: key };
      const have = Array.isArray(current[field]) ? (current[field] as SetElement[]) : [];
      const next = m.name === 'addToSet' ? [...new Set([...have, ...values])] : have.filter((v) => !values.includes(v));
      if (value !== undefined && next.length === have.length && next.every((v, i) => v === have[i])) return value;
      return { ...current, [field]: next };
    }
    default:
      return value;
  }
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** The result of a three-way merge: the merged value, or the fields both sides changed. */
export type MergeResult = { ok: true; value: DocumentValue } | { ok: false; fields: string[] };

/**
 * Three-way field merge: a field only one side changed (from `base`) takes that side's value;
 * a field both changed to different values is a conflict.
 */
export function mergeFields(base: DocumentValue | undefined, mine: DocumentValue, theirs: DocumentValue): MergeResult {
  const b = base ?? {};
  const merged: DocumentValue = {};
  const fields: string[] = [];
  for (const f of new Set([...Object.keys(b), ...Object.keys(mine), ...Object.keys(theirs)])) {
    const mineChanged = !same(mine[f], b[f]);
    const theirsChanged = !same(theirs[f], b[f]);
    const pick = mineChanged && !theirsChanged ? mine[f] : theirs[f];
    if (mineChanged && theirsChanged && !same(mine[f], theirs[f])) fields.push(f);
    if (pick !== undefined) merged[f] = pick;
  }
  return fields.length ? { ok: false, fields } : { ok: true, value: merged };
}
