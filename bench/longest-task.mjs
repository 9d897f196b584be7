// Page-side: the longest main-thread task while something runs. Chromium has the Long Tasks API
// (PerformanceObserver 'longtask', tasks ≥ 50 ms, their exact duration); where it is missing
// (Firefox) the longest gap between animation frames stands in: a task that blocks the thread
// delays the next frame by its length, so the gap is an upper bound (one frame, ~17 ms, more).
// Used by sync.bench.ts (imported) and the demo bench (as source text: `(${startLongestTask})()`).

/**
 * Starts watching; the returned `stop()` resolves to `{ ms, method }`, `ms` the longest task
 * (0 when the Long Tasks API saw none of 50 ms or more) and `method` 'longtask' or 'raf-gap'.
 */
export function startLongestTask() {
  let longest = 0;
  if (typeof PerformanceObserver !== 'undefined' && PerformanceObserver.supportedEntryTypes?.includes('longtask')) {
    const po = new PerformanceObserver((list) => {
      for (const e of list.getEntries()) longest = Math.max(longest, e.duration);
    });
    po.observe({ type: 'longtask' });
    return {
      stop: async () => {
        for (const e of po.takeRecords()) longest = Math.max(longest, e.duration);
        po.disconnect();
        return { ms: Math.round(longest), method: 'longtask' };
      },
    };
  }
  let running = true;
  let last = performance.now();
  const tick = (now) => {
    longest = Math.max(longest, now - last);
    last = now;
    if (running) requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
  return {
    stop: async () => {
      running = false;
      return { ms: Math.round(Math.max(longest, performance.now() - last)), method: 'raf-gap' };
    },
  };
}

/** JS heap in use now, in MB, where the page can tell (Chromium's performance.memory), else null. */
export function jsHeapMB() {
  const m = performance.memory;
  return m ? Math.round((m.usedJSHeapSize / 2 ** 20) * 10) / 10 : null;
}
