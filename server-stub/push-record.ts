// The outcomes of a client's latest push, kept in its clients row and written in the transaction
// that advances its lastMutationId. A retry after a lost answer (a tab closed before it stored the
// answer, a connection cut after the commit) then hears what the server first answered — the
// `duplicate` result's `original` — instead of a bare `duplicate` the client must take as applied:
// a rejected mutation's effect would stay on the device for good, a conflict never be settled.
import type { DeleteMutation, Mutation, MutationResult, PatchMutation, PutMutation } from '../runtime/protocol/index.js';
import type { TxDocuments } from './documents.js';

/**
 * One outcome as the clients row keeps it, as small as it can be: `[id, rev]` applied, `[id, code,
 * message]` rejected, `[id]` a conflict (the document is read again when it is replayed: the
 * client needs it as it is now, not as it was).
 */
export type RecordedOutcome = [id: number, rev: number] | [id: number, code: string, message: string] | [id: number];

// A push has at most 1000 mutations, so a record holds at most 1000 outcomes; these keep a record
// of rejections within ~300 KB (messages carry an app's prose; a code over 100 characters is no code).
const MAX_CODE = 100;
const MAX_MESSAGE = 200;

/** `text` cut to `max` UTF-16 units without leaving half a surrogate pair (a lone one is not valid Unicode). */
function clip(text: string, max: number, mark = ''): string {
  return text.length <= max ? text : text.slice(0, max - mark.length).replace(/[\uD800-\uDBFF]$/, '') + mark;
}

/**
 * What to keep of one answered mutation, or undefined when its retry should answer a bare
 * `duplicate`: an outcome not known (a duplicate with no original), or applied at rev 0 (a custom
 * mutation, whose `writes` are not kept, or a set op that changed nothing), where a bare duplicate
 * tells the client the same thing: applied, its documents' revs to come with the next pull.
 */
export function recordOf(result: MutationResult): RecordedOutcome | undefined {
  const o = result.status === 'duplicate' ? result.original : result;
  if (!o) return undefined;
  if (o.status === 'applied') return o.rev ? [result.id, o.rev] : undefined;
  if (o.status === 'conflict') return [result.id];
  return [result.id, clip(o.error.code, MAX_CODE), clip(o.error.message, MAX_MESSAGE, '…')];
}

/** The outcomes a clients row keeps, by id (none for a row written before they were kept, or unreadable). */
export function readRecord(text: string | null | undefined): Map<number, RecordedOutcome> {
  if (!text) return new Map();
  try {
    const list = JSON.parse(text) as unknown;
    return new Map(Array.isArray(list) ? (list.filter(Array.isArray) as RecordedOutcome[]).map((o) => [o[0], o]) : []);
  } catch {
    // Replays nothing: every retry answers a bare duplicate, as before outcomes were kept.
    return new Map();
  }
}

const CAS = new Set(['put', 'patch', 'delete']);

/**
 * The answer to a retried mutation `m` (its id already processed): `duplicate`, with its first
 * outcome when the client's record has it. A conflict comes with the document as it is now, read
 * as a conflict answer reads it and, like every read of a push, among `user`'s documents only.
 */
export async function replay(docs: TxDocuments, user: string, m: Mutation, recorded: RecordedOutcome | undefined): Promise<MutationResult> {
  const id = m.id;
  if (recorded?.length === 2) return { id, status: 'duplicate', original: { status: 'applied', rev: recorded[1] } };
  if (recorded?.length === 3) return { id, status: 'duplicate', original: { status: 'rejected', error: { code: recorded[1], message: recorded[2] } } };
  // Only a compare-and-swap conflicts; a retry under that id naming something else is not it.
  if (!recorded || !CAS.has(m.name)) return { id, status: 'duplicate' };
  const { collection, key } = m as PutMutation | PatchMutation | DeleteMutation;
  const current = (await docs.sharedGet(user, collection, key)) ?? { rev: 0, deleted: true };
  return { id, status: 'duplicate', original: { status: 'conflict', current } };
}
