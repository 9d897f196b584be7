// A route's live data: the first result is read from IndexedDB before the view renders (so it
// never flashes empty), later results re-render it.
import type { Store } from '../store/index.js';
import type { LiveQuery } from './types.js';

/** A running live query of the current route. */
export interface RouteData {
  /**
   * The query it runs: a navigation whose route returns this very object keeps it running.
   * Undefined once stopped (the host disconnected): no navigation keeps a query that no longer runs.
   */
  query: LiveQuery<unknown> | undefined;
  value: unknown;
  error: unknown;
  stop(): void;
}

/**
 * Starts `query` on `store`; resolves once the first result (or error) is in. `onChange` is called
 * for every later result.
 */
export function startRouteData(store: Store, query: LiveQuery<unknown>, onChange: () => void): Promise<RouteData> {
  return new Promise((resolve) => {
    let first = true;
    const data: RouteData = { query, value: undefined, error: undefined, stop: () => undefined };
    const settle = () => {
      if (first) {
        first = false;
        resolve(data);
      } else {
        onChange();
      }
    };
    try {
      const stop = store.observe(
        query.collections,
        query.run,
        (value) => {
          data.value = value;
          data.error = undefined;
          settle();
        },
        (error) => {
          data.error = error;
          settle();
        },
      );
      data.stop = () => {
        stop();
        data.query = undefined;
      };
    } catch (error) {
      // An unknown collection: the store names it and the fix.
      data.error = error;
      settle();
    }
  });
}
