// Applies a push: every mutation of one request in one SQLite transaction, exactly once per id.
import type { BuiltinMutation, DeleteMutation, Mutation, PatchMutation, PutMutation, MutationResult, PushRequest, PushResponse } from '../runtime/protocol/index.js';
import type { Db } from './db.js';
import { Documents, NotASetError } from './documents.js';
import { MutationRejected, type MutationContext, type StubApp } from './app.js';
import { HttpError } from './http.js';

const BUILTIN = new Set(['put', 'patch', 'delete', 'addToSet', 'removeFromSet']);

/** Everything push needs; `log` receives unexpected handler failures. */
export interface PushDeps {
  db: Db;
  docs: Documents;
  app: StubApp;
  users: readonly string[];
  log: (message: string, err: unknown) => void;
}

/**
 * Applies `request` for `user` and returns the response. Throws {@link HttpError} 422 when ids are not
 * strictly increasing and 409 when the client id belongs to another user; nothing is applied then.
 */
export function applyPush(deps: PushDeps, user: string, request: PushRequest, requestId: string): PushResponse {
  const { mutations, clientId } = request;
  for (let i = 1; i < mutations.length; i++) {
    if (mutations[i]!.id <= mutations[i - 1]!.id) {
      throw new HttpError(
        'mutation-ids-not-increasing',
        `Mutation ids must strictly increase within a push: mutations[${i}].id is ${mutations[i]!.id} after ${mutations[i - 1]!.id}.`,
      );
    }
  }
  const { db } = deps;
  return db.transaction((): PushResponse => {
    const client = db.prepare<[string], { user: string; last_mutation_id: number }>('SELECT user, last_mutation_id FROM clients WHERE client_id = ?').get(clientId);
    if (client && client.user !== user) {
      throw new HttpError('client-id-taken', `Client id '${clientId}' already belongs to another user. Use a new client id per user (e.g. a fresh random UUID after sign-in).`);
    }
    let last = client?.last_mutation_id ?? 0;
    const now = deps.docs.now();
    const results: MutationResult[] = [];
    for (const m of mutations) {
      if (m.id <= last) {
        results.push({ id: m.id, status: 'duplicate' });
        continue;
      }
      results.push(applyOne(deps, user, clientId, m, now, requestId));
      last = m.id;
    }
    db.prepare(
      'INSERT INTO clients (client_id, user, last_mutation_id) VALUES (?, ?, ?) ON CONFLICT (client_id) DO UPDATE SET last_mutation_id = excluded.last_mutation_id',
    ).run(clientId, user, last);
    return { results, lastMutationId: last };
  })();
}

function applyOne(deps: PushDeps, user: string, clientId: string, m: Mutation, now: number, requestId: string): MutationResult {
  if (BUILTIN.has(m.name)) {
    try {
      return applyBuiltin(deps.docs, user, m as BuiltinMutation);
    } catch (err) {
      if (err instanceof NotASetError) return { id: m.id, status: 'rejected', error: { code: 'not-a-set', message: err.message } };
      throw err;
    }
  }
  const handler = Object.hasOwn(deps.app.mutations ?? {}, m.name) ? deps.app.mutations![m.name] : undefined;
  if (!handler) {
    return { id: m.id, status: 'rejected', error: { code: 'unknown-mutation', message: `The server has no handler for mutation '${m.name}'. Register it in the app module's 'mutations'.` } };
  }
  const ctx: MutationContext = {
    user,
    clientId,
    mutationId: m.id,
    users: deps.users,
    docs: deps.docs.forUser(user),
    forUser: (other) => deps.docs.forUser(other),
    now,
    reject(code, message) {
      throw new MutationRejected(code, message);
    },
  };
  try {
    // A nested transaction is a savepoint: a handler that throws leaves no partial writes behind.
    deps.db.transaction(() => handler(ctx, 'args' in m ? m.args : undefined))();
    return { id: m.id, status: 'applied', rev: 0 };
  } catch (err) {
    if (err instanceof MutationRejected) return { id: m.id, status: 'rejected', error: { code: err.code, message: err.message } };
    deps.log(`mutation handler '${m.name}' failed (request ${requestId})`, err);
    return {
      id: m.id,
      status: 'rejected',
      error: { code: 'mutation-failed', message: `The server's handler for '${m.name}' failed: ${(err as Error)?.message ?? String(err)} (request ${requestId}; see the server log).` },
    };
  }
}

function applyBuiltin(docs: Documents, user: string, mutation: BuiltinMutation): MutationResult {
  if (mutation.name === 'addToSet' || mutation.name === 'removeFromSet') {
    const s = mutation;
    return { id: s.id, status: 'applied', rev: docs.setOp(user, s.collection, s.key, s.field, s.values, s.name === 'addToSet') };
  }
  // TS does not narrow on SetMutation's two-name discriminant, so name the rest explicitly.
  const m = mutation as PutMutation | PatchMutation | DeleteMutation;
  const doc = docs.get(user, m.collection, m.key);
  const currentRev = doc?.rev ?? 0;
  const live = doc && 'value' in doc ? doc : undefined;
  const conflict = (): MutationResult => ({ id: m.id, status: 'conflict', current: doc ?? { rev: 0, deleted: true } });
  if (m.baseRev !== currentRev) return conflict();
  switch (m.name) {
    case 'put':
      return { id: m.id, status: 'applied', rev: docs.write(user, m.collection, m.key, m.value) };
    case 'patch':
      if (!live) return conflict();
      return { id: m.id, status: 'applied', rev: docs.write(user, m.collection, m.key, { ...live.value, ...m.patch }) };
    case 'delete':
      if (!live) return conflict();
      return { id: m.id, status: 'applied', rev: docs.write(user, m.collection, m.key, null) };
  }
}
