// Which run of the worker's sync answers which wake-up; apart from the events so that it is free of
// the WebWorker types (and tested under Node).

/**
 * Wraps `run` so that overlapping calls share runs rather than racing for the sync lock: a call
 * while no run is under way starts one; a call during a run gets the next run, which starts once
 * that one ended and is shared by every call that came meanwhile. The running one may have pushed
 * before the edit that woke the worker, so it cannot answer a later wake-up.
 */
export function sharedRuns(run: () => Promise<unknown>): () => Promise<unknown> {
  let running: Promise<unknown> | undefined;
  let next: Promise<unknown> | undefined;
  const once = (): Promise<unknown> =>
    running
      ? (next ??= running.catch(() => undefined).then(() => ((next = undefined), once())))
      : (running = run().finally(() => (running = undefined)));
  return once;
}
