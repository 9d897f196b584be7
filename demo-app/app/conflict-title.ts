// How the demo names a document in conflict, for <outpost-conflict-inbox>.
import type { StoredConflict } from 'outpost';
import { conflictDocument } from 'outpost/components/conflict-document.js';

const KINDS: Record<string, string> = { labels: 'Label', messages: 'Message', drafts: 'Draft' };

/**
 * The title of a conflict: the kind of document and its name or subject as it was before either
 * change ("Label “Work”"), which a person recognises where `labels / label-work` says little; a
 * document without either keeps the component's default.
 *
 * @example
 * html`<outpost-conflict-inbox .sync=${session.sync} .describe=${conflictTitle}></outpost-conflict-inbox>`
 */
export function conflictTitle(conflict: StoredConflict): string {
  const doc = (conflict.base ?? conflict.theirs ?? conflict.mine) as { name?: unknown; subject?: unknown } | undefined;
  const name = typeof doc?.name === 'string' ? doc.name : typeof doc?.subject === 'string' ? doc.subject.trim() || '(no subject)' : undefined;
  const kind = KINDS[conflict.collection];
  return kind && name !== undefined ? `${kind} “${name}”` : conflictDocument(conflict);
}
