// The document API one custom mutation handler (or seed) gets: every promise it hands out is
// tracked, so a handler that forgets an `await` cannot crash the process with an unhandled
// rejection, nor write after its mutation was answered or its transaction ended.
import type { TxDocuments, UserDocuments } from './documents.js';

/** Document access for one handler run; see {@link handlerDocuments}. */
export interface HandlerDocuments {
  /** A user's documents; every call's promise is tracked until {@link HandlerDocuments.end}. */
  forUser(user: string): UserDocuments;
  /**
   * Runs the handler, then waits until every call it made (and any made meanwhile) has settled:
   * none is still writing when the caller's savepoint or transaction ends. Resolves to what the
   * handler threw, else the first call that failed (unawaited or caught: the mutation fails all the
   * same, as if the handler had thrown it), else undefined.
   */
  run(handler: () => void | Promise<void>): Promise<{ err: unknown } | undefined>;
  /** Closes this access: later calls reject with an error saying the handler had already finished. */
  end(): void;
}

/**
 * Wraps `docs` for one run of `what` (e.g. "the handler of mutation 'note'"). A call after
 * {@link HandlerDocuments.end} never reaches the storage; `onLate` hears of it (the app has a bug).
 */
export function handlerDocuments(docs: TxDocuments, what: string, onLate: (err: Error) => void = () => undefined): HandlerDocuments {
  const pending: Array<Promise<unknown>> = [];
  let open = true;
  const track = <T>(method: string, call: () => Promise<T>): Promise<T> => {
    let promise: Promise<T>;
    if (!open) {
      const err = new Error(`${method}() on ctx's documents was called after ${what} had finished, so nothing was done: its transaction was over. Await every ctx.docs and ctx.forUser() call inside ${what}.`);
      onLate(err);
      promise = Promise.reject(err);
    } else {
      try {
        promise = call();
      } catch (err) {
        promise = Promise.reject(err as Error);
      }
      pending.push(promise);
    }
    // Unawaited, a rejection must not reach Node's unhandled-rejection handler (it exits).
    promise.catch(() => undefined);
    return promise;
  };
  return {
    forUser(user) {
      const d = docs.forUser(user);
      return {
        user,
        get: (c, k) => track('get', () => d.get(c, k)),
        list: (c) => track('list', () => d.list(c)),
        put: (c, k, v) => track('put', () => d.put(c, k, v)),
        create: (c, k, v) => track('create', () => d.create(c, k, v)),
        patch: (c, k, p) => track('patch', () => d.patch(c, k, p)),
        delete: (c, k) => track('delete', () => d.delete(c, k)),
        addToSet: (c, k, f, v) => track('addToSet', () => d.addToSet(c, k, f, v)),
        removeFromSet: (c, k, f, v) => track('removeFromSet', () => d.removeFromSet(c, k, f, v)),
      };
    },
    async run(handler) {
      let thrown: { err: unknown } | undefined;
      try {
        await handler();
      } catch (err) {
        thrown = { err };
      }
      // Until nothing was added meanwhile: a settled call's callback may have made more.
      let failed: { err: unknown } | undefined;
      for (let done = 0; done < pending.length; ) {
        const batch = pending.slice(done);
        done = pending.length;
        for (const r of await Promise.allSettled(batch)) if (r.status === 'rejected') failed ??= { err: r.reason };
      }
      return thrown ?? failed;
    },
    end() {
      open = false;
    },
  };
}
