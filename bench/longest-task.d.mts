/** Starts watching the main thread; `stop()` gives the longest task, how it was measured and when it began (ms after the start). */
export function startLongestTask(): { stop(): Promise<{ ms: number; method: 'longtask' | 'raf-gap'; at: number }> };
/** JS heap in use now, in MB, where the page can tell, else null. */
export function jsHeapMB(): number | null;
