// Applies a push: every mutation of one request in one storage transaction, exactly once per id.
import type { BuiltinMutation, DeleteMutation, Mutation, PatchMutation, PutMutation, MutationResult, PushRequest } from '../runtime/protocol/index.js';
import { LimitExceeded, NotASetError, TxDocuments } from './documents.js';
import { putJson, type StubLimits } from './limits.js';
import { MutationRejected, type MutationContext, type StubApp } from './app.js';
import { HttpError } from './http.js';
import { PushCaller } from './auth.js';
import { PushAnswer } from './push-json.js';
import { tryPlainWrites } from './push-writes.js';
import { handlerDocuments } from './handler-docs.js';
import { setNewest } from './newest-map.js';
import { readRecord, recordOf, replay, type RecordedOutcome } from './push-record.js';
import { StorageUnavailable, type Storage } from './storage/types.js';

const BUILTIN = new Set(['put', 'patch', 'delete', 'addToSet', 'removeFromSet']);

/** Everything push needs; `log` receives unexpected handler failures. */
export interface PushDeps {
  storage: Storage;
  app: StubApp;
  users: readonly string[];
  now: () => number;
  log: (message: string, err: unknown) => void;
  limits: StubLimits;
}

/**
 * Applies `request` for the caller's user and resolves to the response's JSON once it is committed. Throws
 * {@link HttpError} 422 when ids are not strictly increasing, 409 when the client id belongs to
 * another user and 413 `response-too-large` when the answer would pass `--max-push-response`, and
 * {@link StorageUnavailable} when the storage failed (even inside a handler that caught the error);
 * nothing is applied then.
 */
export async function applyPush(deps: PushDeps, caller: PushCaller | string, request: PushRequest, requestId: string): Promise<string> {
  if (typeof caller === 'string') caller = new PushCaller(caller, undefined);
  const user = caller.user;
  const { mutations, clientId } = request;
  for (let i = 1; i < mutations.length; i++) {
    if (mutations[i]!.id <= mutations[i - 1]!.id) {
      throw new HttpError(
        'mutation-ids-not-increasing',
        `Mutation ids must strictly increase within a push: mutations[${i}].id is ${mutations[i]!.id} after ${mutations[i - 1]!.id}.`,
      );
    }
  }
  const now = deps.now();
  const known = knownClients(deps.storage);
  // The fast path's one statement would create a new client's row uncounted (see knownClients).
  const fast = known.get(clientId) === user ? await tryPlainWrites(deps.storage, caller, clientId, mutations, deps.limits, now) : undefined;
  if (fast !== undefined) return fast;
  // The general path reads and writes as `user`: only once a session read says the token is theirs.
  await caller.confirm();
  const json = await deps.storage.transaction(async (tx): Promise<string> => {
    // First statement: lock the pusher's change order, so this push sees every earlier one of the user.
    await tx.lockUser(user);
    // With the outcomes it recorded only when this push retries some of its ids.
    const clientRead = tx.getClient(clientId, mutations[0]?.id);
    const docs = new TxDocuments(tx, now, deps.limits);
    // Issued before the client is known (a duplicate's read is wasted unless it replays a conflict): one round trip for both.
    docs.prefetch(user, mutations);
    const client = await clientRead;
    if (client && client.user !== user) {
      throw new HttpError('client-id-taken', `Client id '${clientId}' already belongs to another user. Use a new client id per user (e.g. a fresh random UUID after sign-in).`);
    }
    // Counted under the user's lock: two new clients' pushes cannot both take the last place.
    const max = deps.limits.clientsPerUser;
    if (!client && (await tx.countClients(user)) >= max) {
      throw new HttpError(
        'too-many-clients',
        `User '${user}' already has ${max} client ids, the most this server keeps (--max-clients ${max}), so a push from a new one ('${clientId}') is refused and nothing of it applied. Sync from a device that synced before, or ask the server's operator to raise --max-clients.`,
      );
    }
    const before = client?.lastMutationId ?? 0;
    let last = before;
    const recorded = readRecord(client?.outcomes);
    // The outcomes of every mutation this push answers, the replayed ones too: their answer may be
    // lost again, and the client retries them with the new ones.
    const record: RecordedOutcome[] = [];
    // Inside the transaction: an answer past the limit throws, and the rollback leaves nothing applied.
    const answer = new PushAnswer(deps.limits.pushResponseBytes);
    for (const m of mutations) {
      // Past --max-push-writes the rest waits for the client's next push (protocol: an answer
      // may cover the first mutations only); a push always applies at least one.
      if (docs.bytesWritten > deps.limits.pushWriteBytes) break;
      const result: MutationResult = m.id <= last ? await replay(docs, user, m, recorded.get(m.id)) : await applyOne(deps, docs, user, clientId, m, requestId);
      if (docs.failure) throw docs.failure;
      answer.add(result);
      const kept = recordOf(result);
      if (kept) record.push(kept);
      if (m.id > last) last = m.id;
    }
    // A push of retries alone keeps the record it replayed from (it holds them all, and more).
    await tx.setClient(clientId, user, last, last > before ? JSON.stringify(record) : undefined);
    return answer.json(last);
  });
  setNewest(known, clientId, user, MAX_KNOWN);
  return json;
}

// By storage, the client ids this process has seen stored, with their users (oldest first, at most
// MAX_KNOWN). Only their pushes try the fast path: its single statement creates a new client's
// row without counting the user's clients (--max-clients), so a client's first push on each node
// goes the general way, which counts them.
const seenClients = new WeakMap<Storage, Map<string, string>>();
const MAX_KNOWN = 50_000;

function knownClients(storage: Storage): Map<string, string> {
  let map = seenClients.get(storage);
  if (!map) seenClients.set(storage, (map = new Map()));
  return map;
}

/** How many of the caller's documents a custom mutation's answer lists (`writes`). */
const MAX_LISTED_WRITES = 1000;

async function applyOne(deps: PushDeps, docs: TxDocuments, user: string, clientId: string, m: Mutation, requestId: string): Promise<MutationResult> {
  if (BUILTIN.has(m.name)) {
    try {
      return await applyBuiltin(docs, user, m as BuiltinMutation);
    } catch (err) {
      if (err instanceof NotASetError) return { id: m.id, status: 'rejected', error: { code: 'not-a-set', message: err.message } };
      if (err instanceof LimitExceeded) return { id: m.id, status: 'rejected', error: { code: err.code, message: err.message } };
      throw err;
    }
  }
  const handler = Object.hasOwn(deps.app.mutations ?? {}, m.name) ? deps.app.mutations![m.name] : undefined;
  if (!handler) {
    return { id: m.id, status: 'rejected', error: { code: 'unknown-mutation', message: `The server has no handler for mutation '${m.name}'. Register it in the app module's 'mutations'.` } };
  }
  const access = handlerDocuments(docs, `the handler of mutation '${m.name}' (id ${m.id})`, (err) => deps.log(`mutation handler '${m.name}' used ctx after it finished (request ${requestId})`, err));
  const ctx: MutationContext = {
    user,
    clientId,
    mutationId: m.id,
    users: deps.users,
    docs: access.forUser(user),
    forUser: (other) => access.forUser(other),
    now: docs.now,
    reject(code, message) {
      throw new MutationRejected(code, message);
    },
  };
  const written: NonNullable<TxDocuments['written']> = (docs.written = []);
  try {
    // A savepoint: a handler that throws leaves no partial writes behind.
    await docs.tx.savepoint(async () => {
      const problem = await access.run(() => handler(ctx, 'args' in m ? m.args : undefined));
      // A handler that swallowed a storage error must not commit what it wrote before it.
      if (docs.failure) throw docs.failure;
      if (problem) throw problem.err;
    });
    // The caller's documents it wrote, each with its last rev: the client bases later edits on them.
    // At most MAX_LISTED_WRITES, so a handler that rewrites a whole mailbox keeps a small answer.
    const writes = new Map(written.filter((w) => w.user === user).map((w) => [JSON.stringify([w.collection, w.key]), { collection: w.collection, key: w.key, rev: w.rev }]));
    return writes.size ? { id: m.id, status: 'applied', rev: 0, writes: [...writes.values()].slice(0, MAX_LISTED_WRITES) } : { id: m.id, status: 'applied', rev: 0 };
  } catch (err) {
    // Storage failures are not the app's answer: the whole push fails with 503 and is retried.
    if (docs.failure || err instanceof StorageUnavailable) throw docs.failure ?? err;
    // The savepoint undid the handler's writes: documents it read or wrote are read again.
    docs.forgetReads();
    if (err instanceof MutationRejected || err instanceof LimitExceeded) return { id: m.id, status: 'rejected', error: { code: err.code, message: err.message } };
    deps.log(`mutation handler '${m.name}' failed (request ${requestId})`, err);
    return {
      id: m.id,
      status: 'rejected',
      error: { code: 'mutation-failed', message: `The server's handler for '${m.name}' failed: ${(err as Error)?.message ?? String(err)} (request ${requestId}; see the server log).` },
    };
  } finally {
    access.end();
    docs.written = undefined;
  }
}

async function applyBuiltin(docs: TxDocuments, user: string, mutation: BuiltinMutation): Promise<MutationResult> {
  if (mutation.name === 'addToSet' || mutation.name === 'removeFromSet') {
    const s = mutation;
    return { id: s.id, status: 'applied', rev: await docs.setOp(user, s.collection, s.key, s.field, s.values, s.name === 'addToSet') };
  }
  // TS does not narrow on SetMutation's two-name discriminant, so name the rest explicitly.
  const m = mutation as PutMutation | PatchMutation | DeleteMutation;
  const doc = await docs.sharedGet(user, m.collection, m.key);
  const currentRev = doc?.rev ?? 0;
  const live = doc && 'value' in doc ? doc : undefined;
  const conflict = (): MutationResult => ({ id: m.id, status: 'conflict', current: doc ?? { rev: 0, deleted: true } });
  if (m.baseRev !== currentRev) return conflict();
  switch (m.name) {
    case 'put':
      return { id: m.id, status: 'applied', rev: await docs.write(user, m.collection, m.key, m.value, true, putJson(m).json) };
    case 'patch':
      if (!live) return conflict();
      return { id: m.id, status: 'applied', rev: await docs.write(user, m.collection, m.key, { ...live.value, ...m.patch }, true) };
    case 'delete':
      if (!live) return conflict();
      return { id: m.id, status: 'applied', rev: await docs.write(user, m.collection, m.key, null, true) };
  }
}
