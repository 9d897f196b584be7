// Group commit for PostgreSQL's push fast path: the pushes of plain writes that arrive while this
// node's earlier calls are in flight go out together as one `outpost_push_batch` call (migration 4; 6 adds the outcomes),
// one transaction and one commit (one WAL flush, one round trip, one statement's overhead) for all
// of them. Each push runs in a subtransaction of its own inside the function, so one that fails
// undoes nothing of the others; every reply waits for the shared commit.
import type { PushOfWrites, PushOutcome } from './types.js';

/** One push waiting for (or in) a batch. */
export interface BatchedPush extends PushOfWrites {
  /** A token hash the function must find a session of `user` for, or null (already checked). */
  session: string | null;
}

/** The arguments of `outpost_push_batch`, in its parameter order. */
export type BatchArgs = [
  nows: number[],
  owners: string[],
  tokens: Array<string | null>,
  clients: string[],
  firstIds: number[],
  lastIds: number[],
  counts: number[],
  collections: string[],
  keys: string[],
  baseRevs: number[],
  values: Array<string | null>,
  outcomes: Array<string | null>,
];

/**
 * Flattens `pushes` into the function's arguments, ordered by user (JavaScript string order, the
 * same on every node; a user's own pushes keep their arrival order: the sort is stable) so that
 * concurrent batches take users' row locks in one order and cannot deadlock each other. Returns
 * the pushes in that order with the arguments.
 */
export function batchArgs<T extends BatchedPush>(pushes: readonly T[]): { order: T[]; args: BatchArgs } {
  const order = [...pushes].sort((a, b) => (a.user < b.user ? -1 : a.user > b.user ? 1 : 0));
  const args: BatchArgs = [[], [], [], [], [], [], [], [], [], [], [], []];
  const [nows, owners, tokens, clients, firstIds, lastIds, counts, collections, keys, baseRevs, values, outcomes] = args;
  for (const p of order) {
    nows.push(p.now);
    owners.push(p.user);
    tokens.push(p.session);
    clients.push(p.clientId);
    firstIds.push(p.firstId);
    lastIds.push(p.lastId);
    counts.push(p.writes.length);
    outcomes.push(p.outcomes ?? null);
    for (const w of p.writes) {
      collections.push(w.collection);
      keys.push(w.key);
      baseRevs.push(w.baseRev);
      values.push(w.json);
    }
  }
  return { order, args };
}

const OUTCOMES: Record<string, PushOutcome> = { a: 'applied', f: 'declined', u: 'unauthorized' };

/** Options of {@link PushBatcher}. */
export interface BatcherOptions {
  /** Most calls in flight at once; pushes arriving meanwhile wait and form the next batch. */
  maxCalls: number;
  /** Most pushes in one call (each is a subtransaction; PostgreSQL caches 64 per transaction). */
  maxBatch: number;
  /** Sends one batch and resolves to the function's answer, one letter per push in `order`. */
  send(args: BatchArgs): Promise<string>;
  /** Hears of every user a committed batch changed. */
  committed(users: Set<string>): void;
}

interface Waiting extends BatchedPush {
  resolve(outcome: PushOutcome): void;
  reject(err: unknown): void;
}

/** Gathers pushes into batches: at most `maxCalls` in flight, each of at most `maxBatch` pushes. */
export class PushBatcher {
  readonly #options: BatcherOptions;
  #queue: Waiting[] = [];
  #calls = 0;
  #scheduled = false;
  /** Calls sent so far (tests and benchmarks read it to see how pushes were grouped). */
  sent = 0;

  constructor(options: BatcherOptions) {
    this.#options = options;
  }

  /** Queues `push` for the next batch; resolves to its outcome once the batch committed. */
  push(push: BatchedPush): Promise<PushOutcome> {
    return new Promise<PushOutcome>((resolve, reject) => {
      this.#queue.push({ ...push, resolve, reject });
      this.#schedule();
    });
  }

  // Sent after the current turn of the event loop: the requests parsed in the same turn join.
  #schedule(): void {
    if (this.#scheduled || this.#calls >= this.#options.maxCalls || this.#queue.length === 0) return;
    this.#scheduled = true;
    setImmediate(() => {
      this.#scheduled = false;
      while (this.#calls < this.#options.maxCalls && this.#queue.length > 0) {
        const batch = this.#queue.splice(0, this.#options.maxBatch);
        this.#calls++;
        this.sent++;
        void this.#run(batch).finally(() => {
          this.#calls--;
          this.#schedule();
        });
      }
    });
  }

  async #run(batch: Waiting[]): Promise<void> {
    const { order, args } = batchArgs(batch);
    let answer: string;
    try {
      answer = await this.#options.send(args);
      if (answer.length !== order.length) throw new Error(`outpost_push_batch answered ${answer.length} outcomes for ${order.length} pushes`);
    } catch (err) {
      for (const p of order) p.reject(err);
      return;
    }
    const changed = new Set<string>();
    order.forEach((p, i) => {
      const outcome = OUTCOMES[answer[i]!]!;
      if (outcome === 'applied') changed.add(p.user);
      p.resolve(outcome);
    });
    if (changed.size) this.#options.committed(changed);
  }
}
