// What one sync cycle sends: push the outbox, pull until up to date; and the poke listener.
// Loaded with the network code on the first cycle, after the app has rendered from IndexedDB.
import { push, pull, listenForPokes, type TokenSource } from './transport.js';
import type { PullResponse } from '../protocol/types.js';
import { applyResults, rejectLocally, sendable } from './push-results.js';
import { applyPage, resetForResync, startOf } from './pull-pages.js';
import { SyncRequestError } from './request-error.js';
import { clientIdProblem } from '../protocol/values.js';
import type { Outbox } from './outbox.js';
import type { Handles } from './handles.js';
import type { OutboxEntry } from './schema.js';
import type { StatusCell } from './status.js';
import type { CycleResult } from './scheduler.js';

/** What a cycle works with (the engine's, read at each call). */
export interface CycleContext {
  outbox: Outbox;
  url: string;
  clientId: string;
  token: TokenSource;
  pushBatch: number;
  pullLimit: number;
  /** See SyncOptions.requestTimeoutMs (default 60 s). */
  requestTimeoutMs?: number;
  handles: Handles;
  /** Aborts when the engine closes or this tab stops leading. */
  signal: AbortSignal;
  /** The leader's term (absent for a follower's own syncNow and for syncOnce). */
  term?: { id: number; claimed?: boolean };
  onProgress(detail: { received: number; pages: number; done: boolean }): void;
}

/**
 * True while no other tab has taken leadership from this one. A leader claims its term in $meta
 * before its first push; a tab that was stuck while another stole its lock finds that tab's claim
 * there when it runs again (before its lock's loss reaches it), and applies nothing more. Mutation
 * ids keep anything it sent meanwhile applied once; the new leader applies the answers.
 */
async function stillLeading(c: CycleContext): Promise<boolean> {
  const term = c.term;
  if (!term) return !c.signal.aborted;
  if (!term.claimed) {
    await c.outbox.config.store.transaction(['$meta'], 'readwrite', (tx) => tx.collection('$meta').put({ key: 'leader', value: term.id }));
    term.claimed = true;
  }
  return !c.signal.aborted && (await c.outbox.meta<number>('leader')) === term.id;
}

/**
 * Throws `invalid-client-id` for a `clientId` option the protocol refuses (Outbox.clientId calls
 * it, so createSync rejects): every push with it would be answered 400, and the app is the one who
 * can fix it. Here, with the network code, to keep its message out of the start-up bundle.
 */
export function checkClientId(id: string): void {
  const problem = clientIdProblem(id);
  if (problem) {
    const shown = JSON.stringify(id.length > 40 ? `${id.slice(0, 40)}…` : id);
    throw new SyncRequestError('invalid-client-id', `createSync: the clientId option ${shown} is one the sync protocol refuses: ${problem}. The server would refuse every push with it (400 invalid-request). Pass an id such as crypto.randomUUID(), or leave clientId out to have one generated.`);
  }
}

/**
 * The index of the mutation a push's 400 `invalid-request` names, by the path its message gives
 * (`mutations.2.key: …` from the schema, `mutations[2].key …` from the stub's own checks); -1 when
 * it names none (the clientId, the protocol field: the request itself is refused). The protocol
 * error has only a code and a message, so the path in the message is all that says which.
 */
function namedMutation(message: string): number {
  const m = /\bmutations(?:\.(\d+)|\[(\d+)\])/.exec(message);
  return m ? Number(m[1] ?? m[2]) : -1;
}

/**
 * The batch size a 413 halved the push to, per outbox, for the engine's life: each cycle starting
 * from the full batch again met the same limit with the same refused pushes first.
 */
const passed = new WeakMap<Outbox, number>();

/**
 * Pushes the outbox in id order until it is empty or `held` (an entry waits for a pull to learn its
 * baseRev). Only the sync server's own answer that docs/protocol.md defines as final drops
 * anything, and only the one mutation it is about: a 400 `invalid-request` naming a mutation
 * narrows the batch to one, and rejects that one when the 400 names it; any 413 (a proxy's too)
 * halves a batch, and rejects a single mutation only when the sync server sent it.
 */
export async function pushAll(c: CycleContext): Promise<{ held: boolean }> {
  // At least one: a pushBatch of 0 (or less) would send nothing, ever.
  let batchSize = Math.max(1, Math.min(c.pushBatch, passed.get(c.outbox) ?? Infinity));
  // Another tab leads: it pushes (and nothing here waits for a pull of this tab's).
  if (!(await stillLeading(c))) return { held: false };
  for (;;) {
    const { entries, held } = await sendable(c.outbox, batchSize);
    if (!entries.length || c.signal.aborted) return { held };
    // One mutation per document per push: a later edit's baseRev is the earlier one's result.
    const batch: OutboxEntry[] = [];
    const docs = new Set<string>();
    for (const e of entries) {
      if (e.doc && docs.has(e.doc)) break;
      if (e.doc) docs.add(e.doc);
      // A custom mutation's documents too: their next edit's baseRev is the rev its handler wrote.
      for (const w of e.writes ?? []) docs.add(w.doc);
      batch.push(e);
    }
    c.handles.sent(batch.map((e) => e.id));
    let res;
    try {
      res = await push(c.url, { clientId: c.clientId, mutations: batch.map((e) => e.mutation) }, c.token, c.requestTimeoutMs);
    } catch (err) {
      if (!(err instanceof SyncRequestError)) throw err;
      // Too large for the server or for a proxy before it (whose HTML 413 says nothing more):
      // fewer mutations may pass. Halved, so a batch near the limit still goes in a few pushes.
      if (err.status === 413 && batch.length > 1) {
        passed.set(c.outbox, (batchSize = Math.ceil(batch.length / 2)));
        continue;
      }
      if (err.code !== 'request-refused') throw err;
      const named = err.status === 413 ? 0 : namedMutation(err.message);
      // The 400 is about a mutation: push one at a time to find it, and drop only it.
      if (named >= 0 && batch.length > 1) {
        batchSize = 1;
        continue;
      }
      // About the request itself (its clientId, say): no mutation is to blame, none is dropped.
      if (named !== 0) {
        throw new SyncRequestError('protocol-error', `${err.message} The sync server refuses the push itself, not one of its mutations: pending changes are kept and retried. Check the client id and the sync URL; update the app if this lasts.`, err.status, undefined, err.protocolCode);
      }
      const error = { code: err.protocolCode ?? `http-${err.status}`, message: err.message };
      await rejectLocally(c.outbox, batch[0], error);
      c.handles.settle(batch[0].id, { status: 'rejected', error }, true);
      continue;
    }
    if (!(await stillLeading(c))) return { held: false };
    const outcomes = await applyResults(c.outbox, batch, res.results, c.signal);
    for (const [id, outcome] of outcomes) {
      for (const [from, to] of outcome.moved ?? []) c.handles.forward(from, to, true);
      if (outcome.resubmittedAs !== undefined) c.handles.forward(id, outcome.resubmittedAs, true);
      else c.handles.settle(id, outcome, true);
    }
  }
}

/** Whether the device may reach a network: browsers say (`navigator.onLine`), other hosts are taken at their word. */
const online = () => typeof navigator === 'undefined' || navigator.onLine !== false;

/** What a cycle that pushed and pulled all shows: `idle`, or `offline` when the device went offline after its last request. */
export function succeeded(status: StatusCell): CycleResult {
  status.set({ state: online() ? 'idle' : 'offline', lastSyncedAt: Date.now(), lastError: undefined });
  return { ok: true };
}

/**
 * What a failed cycle shows and does next: the status (`error`; `unreachable` or `offline` for a
 * network failure), an `error` event on `target` with the `{ code, message }`, and for 401/426 the
 * `auth-required` / `update-required` event and a pause; else a retry (after `Retry-After` if given).
 */
export function failed(err: unknown, status: StatusCell, target: EventTarget): CycleResult {
  const e = err instanceof SyncRequestError ? err : new SyncRequestError('local-failure', `A sync step failed on this device: ${(err as Error)?.message ?? String(err)}. Retrying; pending changes are kept.`);
  // A network failure with the device online means the server, not the device, is out of reach.
  status.set({ state: e.code !== 'network' ? 'error' : online() ? 'unreachable' : 'offline', lastError: e.info });
  target.dispatchEvent(new CustomEvent('error', { detail: e.info }));
  if (e.code === 'auth-required' || e.code === 'update-required') {
    target.dispatchEvent(new Event(e.code));
    return { ok: false, pause: true };
  }
  return { ok: false, retryAfterMs: e.retryAfterMs };
}

/**
 * Pulls pages until up to date, each committed with its cursor; resyncs from scratch on a final
 * pull error. The next page is fetched while this one is written (the request needs only this
 * page's cursor, not its commit), so the network and the server's reads overlap the IndexedDB
 * writes; a page is applied only after the one before it committed, and a fetched page that is
 * not applied (a failure, a lost term) is dropped: the stored cursor still points before it.
 */
export async function pullAll(c: CycleContext): Promise<void> {
  let received = 0;
  let pages = 0;
  let next: Promise<PullResponse> | undefined;
  // Where this pull started: its pages store their cursor with what it covers (pull-pages.ts).
  let start!: Awaited<ReturnType<typeof startOf>>;
  for (;;) {
    if (c.signal.aborted) return;
    let page;
    try {
      page = await (next ?? pull(c.url, c.clientId, (start = await startOf(c.outbox)).value, c.pullLimit, c.token, c.requestTimeoutMs));
    } catch (err) {
      next = undefined;
      if (err instanceof SyncRequestError && err.code === 'cursor-expired') {
        await resetForResync(c.outbox);
        continue;
      }
      throw err;
    }
    next = page.hasMore ? pull(c.url, c.clientId, page.cursor, c.pullLimit, c.token, c.requestTimeoutMs) : undefined;
    // A prefetch that fails is reported when its turn comes, never as an unhandled rejection.
    next?.catch(() => undefined);
    if (!(await stillLeading(c))) return;
    // Applied by the server but whose push response was lost (crash, network): now known.
    const acked = (ids: number[]) => ids.forEach((id) => c.handles.settle(id, { status: 'applied' }, true));
    await applyPage(c.outbox, page.changes, { ...start, value: page.cursor }, page.lastMutationIds[c.clientId] ?? 0, acked, !page.hasMore, c.signal);
    received += page.changes.length;
    pages++;
    c.onProgress({ received, pages, done: !page.hasMore });
    if (!page.hasMore) return;
    // Let the page render between chunks of a large initial sync.
    await new Promise((r) => setTimeout(r, 0));
  }
}

/**
 * Keeps an event stream open until the signal aborts, reconnecting with backoff, and calls
 * `onPoke` when a poke's cursor differs from the stored one. When a stream opens again after
 * failing (the server is back, and takes the token), calls `onReopen`: sync at once, whatever
 * backoff, Retry-After wait or auth pause the failed cycles built up meanwhile (a 426 pauses again).
 */
export async function listen(c: CycleContext, onPoke: () => void, onReopen: () => void): Promise<void> {
  let failures = 0;
  while (!c.signal.aborted) {
    try {
      await listenForPokes(c.url, c.token, (cursor) => {
        failures = 0;
        // A poke is only a hint: a store closing meanwhile just drops it.
        void c.outbox.meta<string>('cursor').then((stored) => cursor !== stored && !c.signal.aborted && onPoke(), () => undefined);
      }, c.signal, () => failures && onReopen());
    } catch {
      // Reconnect below; pulls still run on the other triggers meanwhile.
    }
    if (c.signal.aborted) return;
    // The stream ended (server gone, or a proxy cut it): sync now rather than at the next timer, so
    // a lost server shows in the status without a write, and what a lost stream missed comes in.
    if (failures === 0) onPoke();
    failures++;
    await new Promise((r) => setTimeout(r, Math.min(30_000, 500 * 2 ** failures) * (0.5 + Math.random() / 2)));
  }
}
