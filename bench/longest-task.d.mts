/** Starts watching the main thread; `stop()` gives the longest task and how it was measured. */
export function startLongestTask(): { stop(): Promise<{ ms: number; method: 'longtask' | 'raf-gap' }> };
/** JS heap in use now, in MB, where the page can tell, else null. */
export function jsHeapMB(): number | null;
