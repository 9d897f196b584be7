// The SQLite storage's writer thread, seen from the main thread: batches of plain pushes go to a
// worker thread (sqlite-writer.ts) that runs them on its own connection and commits, so the event
// loop spends a push's time on HTTP and JSON only — not on the b-tree updates, the savepoints and
// the COMMIT's log writes (about a third of the loop's time per push before).
import { Worker } from 'node:worker_threads';
import type { BatchReply, PlainPush, WriterData, WriterReply, WriterRequest } from './sqlite-plain.js';

/** Starts the worker from the compiled entry beside this module (or this bundle), or from source under tsx. */
function startWorker(data: WriterData): Worker {
  const ext = /\.[cm]?[jt]s$/.exec(new URL(import.meta.url).pathname)?.[0] ?? '.js';
  // Not the parent's flags (tsx's --import is not for this thread), except a profiler's: a process
  // run with --cpu-prof profiles its writer thread too (bench/profile-stub-push.mjs prints each).
  const execArgv = process.execArgv.filter((a, i, all) => a.startsWith('--cpu-prof') || all[i - 1] === '--cpu-prof-dir');
  if (ext === '.ts') {
    // From source under tsx: Node 20 loads a worker's entry before the --import hooks of its flags
    // are active (ERR_UNKNOWN_FILE_EXTENSION), so the thread registers tsx first, then imports it.
    const api = import.meta.resolve('tsx/esm/api');
    const entry = new URL('./sqlite-writer.ts', import.meta.url).href;
    return new Worker(`import(${JSON.stringify(api)}).then((tsx) => tsx.register()).then(() => import(${JSON.stringify(entry)}))`, { eval: true, workerData: data, execArgv: [] });
  }
  return new Worker(new URL(`./sqlite-writer${ext}`, import.meta.url), { workerData: data, execArgv });
}

/**
 * One writer thread. {@link WriterThread.run} sends a batch and resolves to its results once the
 * thread committed (or failed) it; if the thread stops first — a crash, an exit — the batch's promise
 * rejects once the thread has ended (its connection closed, its write lock released): whether the
 * batch committed before is then unknown.
 */
export class WriterThread {
  readonly #worker: Worker;
  readonly #pending = new Map<number, { resolve: (reply: BatchReply) => void; reject: (err: Error) => void }>();
  #nextBatch = 1;
  #open = false;
  #error: Error | undefined;
  #gone = false;
  #closed: Promise<void> | undefined;
  readonly #exited: Promise<void>;
  /** Resolves once the thread's connection is open, or the thread ended first. */
  readonly ready: Promise<void>;

  /**
   * @param data the database file, the automatic checkpoint mark, and for tests a fault
   * @param onGone called once if the thread ends without being closed; `wasOpen` false: it never opened its connection
   */
  constructor(data: WriterData, onGone: (err: Error, wasOpen: boolean) => void) {
    this.#worker = startWorker(data);
    // Like the checkpoint thread: a server with nothing else to do may exit without closing it.
    this.#worker.unref();
    let opened!: () => void;
    this.ready = new Promise((resolve) => (opened = resolve));
    this.#worker.on('message', (reply: WriterReply) => {
      if (reply === 'ready') {
        this.#open = true;
        return opened();
      }
      const waiter = this.#pending.get(reply.batch);
      this.#pending.delete(reply.batch);
      waiter?.resolve(reply);
    });
    this.#worker.on('error', (err) => (this.#error ??= err));
    this.#exited = new Promise((resolve) =>
      this.#worker.once('exit', (code) => {
        this.#gone = true;
        opened();
        const err = this.#error ?? new Error(`the SQLite writer thread exited (code ${code})`);
        for (const waiter of this.#pending.values()) waiter.reject(err);
        this.#pending.clear();
        if (!this.#closed) onGone(err, this.#open);
        resolve();
      }),
    );
  }

  /** True while batches can go to the thread: open, not ended, not closing. */
  get usable(): boolean {
    return this.#open && !this.#gone && !this.#closed;
  }

  /** Runs `pushes` as one transaction on the thread (a savepoint each); resolves to their results. */
  run(pushes: PlainPush[]): Promise<BatchReply> {
    const batch = this.#nextBatch++;
    return new Promise((resolve, reject) => {
      this.#pending.set(batch, { resolve, reject });
      this.#worker.postMessage({ batch, pushes } satisfies WriterRequest);
    });
  }

  /** Moves the thread's automatic checkpoint mark (lowered when the checkpoint thread fails). */
  setAutocheckpoint(pages: number): void {
    if (!this.#gone) this.#worker.postMessage({ autocheckpointPages: pages } satisfies WriterRequest);
  }

  /** Closes the thread's connection and ends it; resolves once it has exited. */
  close(): Promise<void> {
    if (!this.#closed) {
      this.#closed = this.#exited;
      // Held by the process until it has exited: an unref'd thread is not waited for.
      this.#worker.ref();
      if (!this.#gone) this.#worker.postMessage('close' satisfies WriterRequest);
    }
    return this.#closed;
  }
}
