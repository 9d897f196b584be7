// Mutation handles: a status and a promise per mutation, settled by this tab's pushes or by the
// leader's results from another tab.
import type { MutationOutcome } from './outbox.js';
import type { ChannelMessage } from './leader.js';

/** A mutation just written locally. */
export interface MutationHandle {
  /** Its id, increasing per client. */
  readonly id: number;
  /** `pending` until pushed, `sent` while in flight, then its outcome. */
  readonly status: 'pending' | 'sent' | MutationOutcome['status'];
  /** Resolves with the outcome once the server has decided (a conflict resubmitted waits for the resubmission). */
  readonly acked: Promise<MutationOutcome>;
}

interface Tracker {
  status: MutationHandle['status'];
  resolve: (o: MutationOutcome) => void;
  promise: Promise<MutationOutcome>;
}

/** The handles of this tab's pending mutations. */
export class Handles {
  readonly #trackers = new Map<number, Tracker>();
  readonly #forwards = new Map<number, number>();
  readonly #post: (m: ChannelMessage) => void;

  /** `post` tells the other tabs (their handles settle too). */
  constructor(post: (m: ChannelMessage) => void) {
    this.#post = post;
  }

  #tracker(id: number): Tracker {
    let t = this.#trackers.get(id);
    if (!t) {
      let resolve!: (o: MutationOutcome) => void;
      const promise = new Promise<MutationOutcome>((r) => (resolve = r));
      t = { status: 'pending', resolve, promise };
      this.#trackers.set(id, t);
    }
    return t;
  }

  /** The handle of mutation `id`. */
  handle(id: number): MutationHandle {
    const t = this.#tracker(id);
    return {
      id,
      get status() {
        return t.status;
      },
      acked: t.promise,
    };
  }

  /** Marks mutations as in flight. */
  sent(ids: number[]): void {
    for (const id of ids) {
      const t = this.#trackers.get(id);
      if (t?.status === 'pending') t.status = 'sent';
    }
  }

  /** Settles mutation `id` (or the one it replaced); `broadcast` tells the other tabs. */
  settle(id: number, outcome: MutationOutcome, broadcast: boolean): void {
    // A resubmitted conflict settles the handle of the mutation it replaced.
    const handle = this.#forwards.get(id) ?? id;
    this.#forwards.delete(id);
    const t = this.#trackers.get(handle);
    if (t) {
      t.status = outcome.status;
      t.resolve(outcome);
      this.#trackers.delete(handle);
    }
    if (broadcast) this.#post({ type: 'result', id, outcome });
  }

  /** Mutation `to` resubmits `from`: its outcome settles `from`'s handle. */
  forward(from: number, to: number, broadcast: boolean): void {
    // `from` may itself stand for an earlier mutation (resubmitted or moved again): the handle is that one's.
    this.#forwards.set(to, this.#forwards.get(from) ?? from);
    if (broadcast) this.#post({ type: 'forward', from, to });
  }

  /** Acts on another tab's message about handles. */
  receive(m: ChannelMessage): void {
    if (m.type === 'result') this.settle(m.id, m.outcome, false);
    if (m.type === 'forward') this.forward(m.from, m.to, false);
  }
}
