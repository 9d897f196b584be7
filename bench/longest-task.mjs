// Page-side: the longest main-thread task while something runs. Chromium has the Long Tasks API
// (PerformanceObserver 'longtask', tasks ≥ 50 ms, their exact duration); where it is missing
// (Firefox) the longest gap between animation frames stands in: a task that blocks the thread
// delays the next frame by its length, so the gap is an upper bound (one frame, ~17 ms, more).
// Used by sync.bench.ts (imported) and the demo bench (as source text: `(${startLongestTask})()`).

/**
 * Starts watching; the returned `stop()` resolves to `{ ms, method, at }`, `ms` the longest task
 * (0 when the Long Tasks API saw none of 50 ms or more), `method` 'longtask' or 'raf-gap', and `at`
 * when it began, in ms after the start (which part of the run it was in).
 */
export function startLongestTask() {
  const start = performance.now();
  let longest = 0;
  let at = 0;
  const see = (ms, began) => {
    if (ms <= longest) return;
    longest = ms;
    at = began - start;
  };
  if (typeof PerformanceObserver !== 'undefined' && PerformanceObserver.supportedEntryTypes?.includes('longtask')) {
    const po = new PerformanceObserver((list) => {
      for (const e of list.getEntries()) see(e.duration, e.startTime);
    });
    po.observe({ type: 'longtask' });
    return {
      stop: async () => {
        for (const e of po.takeRecords()) see(e.duration, e.startTime);
        po.disconnect();
        return { ms: Math.round(longest), method: 'longtask', at: Math.round(at) };
      },
    };
  }
  let running = true;
  let last = performance.now();
  const tick = (now) => {
    see(now - last, last);
    last = now;
    if (running) requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
  return {
    stop: async () => {
      running = false;
      see(performance.now() - last, last);
      return { ms: Math.round(longest), method: 'raf-gap', at: Math.round(at) };
    },
  };
}

/** JS heap in use now, in MB, where the page can tell (Chromium's performance.memory), else null. */
export function jsHeapMB() {
  const m = performance.memory;
  return m ? Math.round((m.usedJSHeapSize / 2 ** 20) * 10) / 10 : null;
}
