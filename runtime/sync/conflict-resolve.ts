// Resolving a stored conflict: loaded by SyncConflicts.resolve on first use.
import type { Store } from '../store/index.js';
import type { StoredConflict } from './schema.js';
import type { ConflictChoice, ConflictWriter } from './conflicts.js';

/** What went wrong resolving a conflict. */
export type ConflictErrorCode = 'conflict-not-found';

/** Thrown by `sync.conflicts.resolve`; `code` says what went wrong, the message what to do. */
export class ConflictError extends Error {
  override readonly name = 'ConflictError';
  /** What went wrong. */
  readonly code: ConflictErrorCode;

  constructor(code: ConflictErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}

/** Writes `choice` for conflict `id` through the engine, then drops the conflict record. */
export async function resolveConflict(store: Store, writer: ConflictWriter, id: string, choice: ConflictChoice): Promise<void> {
  const conflicts = store.collection<StoredConflict>('$conflicts');
  const stored = await conflicts.get(id);
  if (!stored) throw new ConflictError('conflict-not-found', `No stored conflict '${id}' in store '${store.name}': it was resolved already (perhaps in another tab). Read sync.conflicts.list() again.`);
  if (choice === 'mine') {
    if (stored.mine) await writer.put(stored.collection, stored.mine);
    else await writer.delete(stored.collection, stored.key);
  } else if (choice !== 'theirs') {
    await writer.put(stored.collection, choice.merged);
  }
  await conflicts.delete(id);
}
