// Answers a pull: the user's changes after a cursor, one page, with the clients' last mutation ids.
import { DEFAULT_PULL_LIMIT, MAX_PULL_LIMIT, type PullRequest, type PullResponse } from '../runtime/protocol/index.js';
import { HttpError } from './http.js';
import type { Storage } from './storage/types.js';

/** Everything pull needs. */
export interface PullDeps {
  /** A page stops growing past this many bytes of changes (`--max-pull-bytes`). */
  pullBytes: number;
  storage: Storage;
  now: () => number;
  tombstoneRetentionMs: number;
}

// Inside, a cursor is `<epoch>.<seq>.<base>` (clients treat it as opaque): `seq` is the position in
// the user's change order; `base` is the highest compacted tombstone the holder is known to be safe
// from — every tombstone compacted up to it was either pulled by the holder or gone before the
// holder's sync began (so it never saw the live document). Without `base`, a first sync paging from
// null after any compaction would expire on its own second page.
const CURSOR = /^([0-9a-z]+)\.(\d{1,15})\.(\d{1,15})$/;

/** The wire cursor for a position in this data store. */
export function formatCursor(epoch: string, seq: number, base: number): string {
  return `${epoch}.${seq}.${base}`;
}

/** The position in `cursor`; 400 for a cursor this server never issues, 410 for one from a reset store. */
function parseCursor(epoch: string, cursor: string): { seq: number; base: number } {
  const m = CURSOR.exec(cursor);
  if (!m) throw new HttpError('invalid-cursor', `'${cursor.slice(0, 80)}' is not a cursor this server issued. Send back the cursor of a previous pull unchanged, or null to start over.`);
  if (m[1] !== epoch) {
    throw new HttpError('cursor-expired', 'The cursor comes from a data store that has since been reset. Clear synced data and pull again from cursor null (keep the outbox).');
  }
  return { seq: Number(m[2]), base: Number(m[3]) };
}

/** Reads one page of changes for `user`. */
export async function applyPull(deps: PullDeps, user: string, request: PullRequest): Promise<PullResponse> {
  const { storage } = deps;
  const { epoch } = storage;
  const { seq: after, base } = request.cursor === null ? { seq: 0, base: 0 } : parseCursor(epoch, request.cursor);
  if (Number.isFinite(deps.tombstoneRetentionMs)) await storage.compact(user, deps.now() - deps.tombstoneRetentionMs);
  const limit = Math.min(request.limit ?? DEFAULT_PULL_LIMIT, MAX_PULL_LIMIT);
  // The page, the cursor and lastMutationIds come from the same snapshot. A page ends once it would
  // pass the byte limit (always at least one change): big documents cannot make one answer, or the
  // memory behind it, hundreds of megabytes; the rest follows with hasMore.
  const snap = await storage.pull(user, after, limit, deps.pullBytes);
  if (after > snap.seq) {
    throw new HttpError('invalid-cursor', `The cursor is ahead of this server's data for '${user}'. Send back a cursor from this server, or null to start over.`);
  }
  // A tombstone the holder may have needed was compacted after its sync began: it cannot be sent.
  if (request.cursor !== null && snap.compactedSeq > Math.max(after, base)) {
    throw new HttpError('cursor-expired', 'The cursor is older than the tombstone retention window, so some deletes can no longer be sent. Clear synced data and pull again from cursor null (keep the outbox).');
  }
  const page = snap.changes;
  const hasMore = snap.more;
  return {
    changes: page.map((r) => r.change),
    // Not expired, so every compacted tombstone is one the holder saw or never needed: base = compactedSeq.
    cursor: formatCursor(epoch, hasMore ? page[page.length - 1]!.seq : snap.seq, snap.compactedSeq),
    hasMore,
    lastMutationIds: snap.lastMutationIds,
  };
}
