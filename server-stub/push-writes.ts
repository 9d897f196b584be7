// The fast path of a push: puts and deletes of distinct documents, sent to a storage that can apply
// them in one statement (PostgreSQL: one round trip instead of a transaction's three). It commits
// only when every write applies as sent, so its answer is the one the general path would give;
// anything else — a duplicate, a conflict, a limit, another user's client id — goes the general way.
import type { Mutation, PutMutation } from '../runtime/protocol/index.js';
import type { DocumentLimits } from './documents.js';
import { putJson, type StubLimits } from './limits.js';
import { PushAnswer } from './push-json.js';
import type { PlainWrite, Storage } from './storage/types.js';
import type { PushCaller } from './auth.js';
import type { RecordedOutcome } from './push-record.js';

/**
 * The push's writes when every mutation is a put or delete of a document no other mutation of the
 * push touches, each put within the document size limit; undefined otherwise.
 */
export function plainWrites(mutations: readonly Mutation[], limits: DocumentLimits): PlainWrite[] | undefined {
  if (mutations.length === 0) return undefined;
  const writes: PlainWrite[] = [];
  const seen = new Set<string>();
  for (const m of mutations) {
    if (m.name !== 'put' && m.name !== 'delete') return undefined;
    const { collection, key, baseRev } = m as Mutation & { collection: string; key: string; baseRev: number };
    const id = JSON.stringify([collection, key]);
    if (seen.has(id)) return undefined;
    seen.add(id);
    let json: string | null = null;
    if (m.name === 'put') {
      const put = putJson(m as PutMutation);
      if (put.bytes > limits.documentBytes) return undefined;
      json = put.json;
    }
    writes.push({ collection, key, baseRev, json });
  }
  return writes;
}

/**
 * Applies the push through {@link Storage.applyWrites} if the storage has it and the push qualifies;
 * resolves to the response's JSON once committed, or undefined when the general path must run
 * (nothing was applied). Mutation ids are already checked to increase. A caller's unchecked
 * session is checked by the storage in the push's transaction; if it is gone this throws the 401.
 */
export async function tryPlainWrites(
  storage: Storage,
  caller: PushCaller,
  clientId: string,
  mutations: readonly Mutation[],
  limits: StubLimits,
  now: number,
): Promise<string | undefined> {
  if (!storage.applyWrites) return undefined;
  const writes = plainWrites(mutations, limits);
  if (!writes) return undefined;
  const answer = new PushAnswer(limits.pushResponseBytes);
  // Recorded as the general path records them (push-record.ts): every write applies at baseRev + 1.
  const record: RecordedOutcome[] = [];
  try {
    mutations.forEach((m, i) => {
      const rev = writes[i]!.baseRev + 1;
      answer.add({ id: m.id, status: 'applied', rev });
      record.push([m.id, rev]);
    });
  } catch {
    // Past --max-push-response: the general path answers that (413, nothing applied).
    return undefined;
  }
  const last = mutations[mutations.length - 1]!.id;
  const outcome = await storage.applyWrites(caller.user, clientId, mutations[0]!.id, last, writes, now, caller.session, JSON.stringify(record));
  if (outcome === 'unauthorized') {
    // The session this node remembered is gone (revoked, expired): 401 from the session read.
    await caller.confirm();
    return undefined;
  }
  // The statement found the session (if it had one to check) for this user, in its transaction.
  caller.confirmed();
  return outcome === 'applied' ? answer.json(last) : undefined;
}
