// Pure diff helpers for the conflict inbox: which fields differ between my version and the
// server's, which side a merge should suggest for each, and the merged document.
import type { StoredConflict } from '../runtime/index.js';

/** A side of a conflict. */
export type Side = 'mine' | 'theirs';

/** One differing field, formatted for display. */
export interface DiffRow {
  field: string;
  mine: string;
  theirs: string;
  /** Both sides changed it (from the common base) to different values. */
  both: boolean;
  /** The side a three-way merge takes: the one that changed it (theirs when both did). */
  suggested: Side;
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** A field value as short readable text. */
export function show(value: unknown): string {
  if (value === undefined) return '(none)';
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return text.length > 200 ? `${text.slice(0, 199)}…` : text;
}

/** The fields whose values differ between mine and theirs, in a stable order. */
export function conflictRows(c: StoredConflict): DiffRow[] {
  const mine = c.mine ?? {};
  const theirs = c.theirs ?? {};
  const b = c.base ?? {};
  const rows: DiffRow[] = [];
  for (const field of new Set([...Object.keys(mine), ...Object.keys(theirs)])) {
    if (same(mine[field], theirs[field])) continue;
    const mineChanged = !same(mine[field], b[field]);
    const theirsChanged = !same(theirs[field], b[field]);
    rows.push({
      field,
      mine: c.mine ? show(mine[field]) : '(deleted)',
      theirs: c.theirs ? show(theirs[field]) : '(deleted)',
      both: c.fields.includes(field) || (mineChanged && theirsChanged),
      suggested: mineChanged && !theirsChanged ? 'mine' : 'theirs',
    });
  }
  return rows;
}

/** Theirs with each differing field taken from the side picked for it (absent picks: suggested). */
export function mergedValue(c: StoredConflict, picks: Map<string, Side>): Record<string, unknown> {
  const mine = c.mine ?? {};
  const merged: Record<string, unknown> = { ...(c.theirs ?? {}) };
  for (const row of conflictRows(c)) {
    if ((picks.get(row.field) ?? row.suggested) !== 'mine') continue;
    if (mine[row.field] === undefined) delete merged[row.field];
    else merged[row.field] = mine[row.field];
  }
  return merged;
}
