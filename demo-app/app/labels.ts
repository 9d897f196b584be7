// User labels: create, rename, recolour, delete (synced documents of the `labels` collection).
import type { MailLabel } from '../model.js';
import { relabel } from './actions.js';
import type { MailSession, StoredMessage } from './mail-store.js';
import { labelQuery } from './queries.js';

/** Colours offered for labels: each readable as a chip edge on a light background. */
export const LABEL_COLORS: ReadonlyArray<{ name: string; value: string }> = [
  { name: 'Blue', value: '#1a73e8' },
  { name: 'Green', value: '#188038' },
  { name: 'Orange', value: '#e37400' },
  { name: 'Red', value: '#d93025' },
  { name: 'Purple', value: '#9334e6' },
  { name: 'Grey', value: '#5f6368' },
];

/** Creates a label; resolves to its id. */
export async function createLabel(session: MailSession, name: string, color = LABEL_COLORS[0].value): Promise<string> {
  const label: MailLabel = { id: `label-${crypto.randomUUID()}`, name, color };
  await session.sync.put('labels', { ...label });
  return label.id;
}

/** Renames or recolours a label (a patch: a concurrent change of the other field survives). */
export async function updateLabel(session: MailSession, id: string, patch: Partial<Pick<MailLabel, 'name' | 'color'>>): Promise<void> {
  await session.sync.patch('labels', id, patch);
}

/** Deletes a label and takes it off every message that has it. */
export async function deleteLabel(session: MailSession, id: string): Promise<void> {
  const tagged = await session.store.collection<StoredMessage>('messages').query(labelQuery(id));
  await relabel(session, new Set(tagged.map((m) => m.threadId)), [], [id]);
  await session.sync.delete('labels', id);
}
