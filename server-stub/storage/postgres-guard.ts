// A guard for a known postgres.js 3.4.9 bug (porsager/postgres#1154, #1208; fix proposed in #1168,
// #1209): when the database drops a connection (restart, admin shutdown) while a small write is
// buffered, the driver calls `socket.write` on a null socket from a setImmediate callback. That
// throws outside any promise, so no try/catch sees it, and it would take the server down — and the
// connection it happened on never sends again (its queries would hang). The guard catches exactly
// that error and has every open PostgreSQL storage replace its connections; anything else still
// crashes the process as it would without the guard. Remove once the driver ships the fix.

const recyclers = new Set<() => void>();
let installed = false;

/** True for the driver bug's error: a TypeError thrown from postgres.js's `nextWrite`. */
export function isDriverWriteBug(err: unknown): boolean {
  return err instanceof TypeError && /reading 'write'/.test(err.message) && /nextWrite[\s\S]*postgres[\\/]src[\\/]connection\.js|postgres[\\/]src[\\/]connection\.js[\s\S]*nextWrite/.test(err.stack ?? '');
}

function onUncaught(err: unknown): void {
  if (isDriverWriteBug(err)) {
    console.error('outpost-stub: the PostgreSQL driver hit a known bug on a dropped connection (postgres.js #1208); reconnecting.');
    for (const recycle of recyclers) recycle();
    return;
  }
  // Not ours: behave as if no listener were installed, unless someone else handles it.
  if (process.listenerCount('uncaughtException') > 1) return;
  console.error(err);
  process.exit(1);
}

/** Registers `recycle` (replace all connections) until the returned function is called. */
export function guardDriver(recycle: () => void): () => void {
  if (!installed) {
    installed = true;
    process.on('uncaughtException', onUncaught);
  }
  recyclers.add(recycle);
  return () => {
    recyclers.delete(recycle);
    if (recyclers.size === 0 && installed) {
      installed = false;
      process.off('uncaughtException', onUncaught);
    }
  };
}
