// Checkpoints the SQLite write-ahead log from a worker thread, on a second connection.
//
// SQLite's automatic checkpoint runs inside the COMMIT that crosses `wal_autocheckpoint` pages, and
// with `synchronous = NORMAL` it fsyncs the log and then the database file: better-sqlite3 being
// synchronous, the event loop stood still for both. A one-put push dirties about four pages (a
// documents leaf and its by-seq index leaf, the client row and its by-user index leaf, each user in
// its own part of the tree), so under push load the default 1000 pages were crossed every few
// dozen batches: 17 % of the stub's main-thread time went to COMMIT. Here the connection in the
// worker copies the log into the database (PASSIVE: writers are never blocked, and both fsyncs
// happen in the worker) while the main connection goes on committing. The main connection keeps
// an automatic checkpoint at a much higher mark as a bound on the log's size, should the worker
// fall behind or fail.
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/** The connections' own automatic checkpoint, in pages: a bound above the restart mark, not the usual path (~128 MiB of log). */
export const FALLBACK_AUTOCHECKPOINT_PAGES = 32_768;

/**
 * Log frames (pages) past which a checkpoint pass runs with the writes held, so the log starts
 * over: ~64 MiB. At 16 MiB a push load of 50 clients held the writes several times a second
 * (a one-put push adds ~4 frames); four times fewer passes gave +10 % pushes (docs/benchmarks.md).
 */
export const RESTART_FRAMES = 16_384;

// Commits between two checkpoints: ~the pages of SQLite's default 1000-page mark at a few dozen
// pages a batch. Each checkpoint costs the worker two fsyncs, so not after every commit.
const COMMITS_PER_CHECKPOINT = 16;

// CommonJS, evaluated in the worker: no file to ship or resolve beside the compiled module.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file);
db.pragma('busy_timeout = 5000');
// The checkpoint fsyncs the log before copying and the database after: nothing is lost to a crash.
db.pragma('synchronous = NORMAL');
parentPort.postMessage('ready');
parentPort.on('message', (message) => {
  if (message === 'close') {
    db.close();
    parentPort.close();
    return;
  }
  let result;
  try {
    result = { ok: true, row: db.pragma('wal_checkpoint(PASSIVE)')[0] };
  } catch (err) {
    result = { ok: false, message: String(err && err.message || err) };
  }
  parentPort.postMessage(result);
});
`;

type Result = { ok: true; row: { busy: number; log: number; checkpointed: number } } | { ok: false; message: string };

/**
 * Runs PASSIVE checkpoints of `file` in a worker thread, about every {@link COMMITS_PER_CHECKPOINT}
 * commits. SQLite starts its log over only when a write begins with the whole log copied, which
 * under steady load never happens (commits land during every checkpoint); so once the log passes
 * {@link RESTART_FRAMES}, one pass runs with the writes held (not the event loop, not the reads):
 * it copies the rest, and the next write starts the log from its beginning.
 */
export class Checkpointer {
  readonly #worker: Worker;
  readonly #log: (message: string, err: unknown) => void;
  readonly #pauseWrites: () => Promise<() => void>;
  #commits = 0;
  #running = false;
  #failed = false;
  #closed: Promise<void> | undefined;
  #answer: ((result: Result) => void) | undefined;
  readonly #exited: Promise<void>;
  /** Resolves once the worker's connection is open (or the worker failed): its files are then held. */
  readonly ready: Promise<void>;

  /**
   * @param file the database file (its log is `<file>-wal`)
   * @param log told if a checkpoint or the worker fails
   * @param onFail called once when the worker fails, to lower the main connection's automatic checkpoint
   * @param pauseWrites holds new write transactions once the running one committed; resolves to the release
   */
  constructor(file: string, log: (message: string, err: unknown) => void, onFail: () => void, pauseWrites: () => Promise<() => void>) {
    this.#log = log;
    this.#pauseWrites = pauseWrites;
    const driver = createRequire(import.meta.url).resolve('better-sqlite3');
    // No execArgv: a TypeScript loader (tsx) of the parent is not needed for this plain CommonJS.
    this.#worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { driver, file }, execArgv: [] });
    this.#worker.unref();
    let opened!: () => void;
    this.ready = new Promise((resolve) => (opened = resolve));
    this.#worker.on('message', (result: Result | 'ready') => (result === 'ready' ? opened() : this.#settle(result)));
    const fail = (err: unknown) => {
      if (this.#failed || this.#closed) return;
      this.#failed = true;
      onFail();
      this.#log('the SQLite checkpoint thread stopped; the server checkpoints on its own thread from now on', err);
      // A checkpoint waited for (perhaps with the writes held) will never answer.
      this.#settle({ ok: false, message: 'the checkpoint thread stopped' });
    };
    this.#worker.on('error', fail);
    this.#exited = new Promise((resolve) =>
      this.#worker.once('exit', (code) => {
        opened();
        if (code !== 0) fail(new Error(`exit code ${code}`));
        this.#settle({ ok: false, message: 'the checkpoint thread ended' });
        resolve();
      }),
    );
  }

  /** Counts a commit; starts a checkpoint once enough commits wait and none is running. */
  committed(): void {
    this.#commits++;
    if (!this.#running && this.#commits >= COMMITS_PER_CHECKPOINT) this.#start();
  }

  #settle(result: Result): void {
    const answer = this.#answer;
    this.#answer = undefined;
    answer?.(result);
  }

  #checkpoint(): Promise<Result> {
    if (this.#failed || this.#closed) return Promise.resolve({ ok: false, message: 'the checkpoint thread is closed' });
    return new Promise((resolve) => {
      this.#answer = resolve;
      this.#worker.postMessage('checkpoint');
    });
  }

  #start(): void {
    if (this.#failed || this.#closed) return;
    this.#commits = 0;
    this.#running = true;
    void this.#cycle();
  }

  async #cycle(): Promise<void> {
    let result = await this.#checkpoint();
    if (result.ok && result.row.log >= RESTART_FRAMES) {
      const release = await this.#pauseWrites();
      try {
        result = await this.#checkpoint();
      } finally {
        release();
      }
    }
    if (!result.ok && !this.#failed && !this.#closed) this.#log(`the SQLite checkpoint failed (the next one retries): ${result.message}`, undefined);
    this.#running = false;
    if (this.#commits >= COMMITS_PER_CHECKPOINT) this.#start();
  }

  /** Closes the worker's connection and ends the thread (before the main connection closes). */
  close(): Promise<void> {
    if (!this.#closed) {
      this.#closed = this.#exited;
      // Held by the process until it has exited: an unref'd thread is not waited for.
      this.#worker.ref();
      if (!this.#failed) this.#worker.postMessage('close');
    }
    return this.#closed;
  }
}
