// Where the app is: a path like `/u/0/inbox`, read and changed through one small interface, so the
// view switch does not care whether it is the browser's address bar or (in tests) an in-memory one.

/** The app's current path and a way to change it. */
export interface AppLocation {
  /** The current path, e.g. `/u/0/inbox`. */
  readonly path: string;
  /** Goes to `path`, adding a history entry unless `replace`. */
  go(path: string, options?: { replace?: boolean }): void;
  /** Calls `fn` after every change of path (own or back/forward); returns an unsubscribe function. */
  subscribe(fn: (path: string) => void): () => void;
}

/** The browser's address bar (History API): back/forward and deep links work. */
export function historyLocation(): AppLocation {
  const listeners = new Set<(path: string) => void>();
  const notify = () => listeners.forEach((fn) => fn(location.pathname));
  addEventListener('popstate', notify);
  return {
    get path() {
      return location.pathname;
    },
    go(path, options) {
      if (path === location.pathname) return;
      if (options?.replace) history.replaceState(null, '', path);
      else history.pushState(null, '', path);
      notify();
    },
    subscribe(fn) {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
  };
}

/** An in-memory location (tests, embedding): it never touches the page's URL. */
export function memoryLocation(initial = '/'): AppLocation {
  const listeners = new Set<(path: string) => void>();
  let current = initial;
  return {
    get path() {
      return current;
    },
    go(path) {
      if (path === current) return;
      current = path;
      listeners.forEach((fn) => fn(current));
    },
    subscribe(fn) {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
  };
}
