// Runs the stub CLI in a child process, so tests can SIGKILL it for real and start it again on the
// same port and data directory.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Options for {@link StubProcess}. */
export interface StubProcessOptions {
  /** Port for the first start; 0 (default) picks a free one, which later starts then reuse. */
  port?: number;
  /** Data directory; default a fresh temporary one (removed by {@link StubProcess.dispose}). */
  dataDir?: string;
  /** Extra `outpost-stub` arguments, e.g. `['--app', 'server/app.js', '--seed', 'demo']`. */
  args?: string[];
  /** Called with every line the child writes to stderr (default: forwarded to this process's stderr). */
  onStderr?: (line: string) => void;
  /**
   * Keep the next process started and its modules loaded while this one runs, so a start after
   * {@link StubProcess.kill} only opens the database and listens (milliseconds instead of the
   * second or more Node and the module loading take on a loaded machine). Costs one idle process.
   */
  spare?: boolean;
}

// From source (tests, wtr) the CLI is TypeScript and needs tsx; from dist it is the installed
// `outpost-server` package's, which an app installs next to `outpost` (a dev dependency).
const FROM_SOURCE = new URL(import.meta.url).pathname.endsWith('.ts');

/** URL of the `outpost-stub` CLI script. */
function stubCli(): string {
  if (FROM_SOURCE) return new URL('../server-stub/cli.ts', import.meta.url).href;
  try {
    return import.meta.resolve('outpost-server/cli');
  } catch (cause) {
    const error = new Error("outpost/testing: the sync server package 'outpost-server' is not installed, so the stub cannot start. Install it: npm install -D outpost-server", { cause });
    throw Object.assign(error, { code: 'OUTPOST_SERVER_MISSING' });
  }
}

/**
 * The `outpost-stub` CLI as a child process.
 *
 * @example
 * const stub = new StubProcess();
 * await stub.start();              // → 'http://127.0.0.1:41234'
 * await stub.kill();               // SIGKILL: no chance to flush or clean up
 * await stub.start();              // same port, same data
 * await stub.dispose();
 */
export class StubProcess {
  #child: ChildProcess | undefined;
  #spare: ChildProcess | undefined;
  #exited: Promise<void> = Promise.resolve();
  #starting: Promise<string> | undefined;
  #port: number;
  #ownsDataDir: boolean;
  #dataDir: string;
  readonly #options: StubProcessOptions;

  constructor(options: StubProcessOptions = {}) {
    this.#options = options;
    this.#port = options.port ?? 0;
    this.#ownsDataDir = options.dataDir === undefined;
    this.#dataDir = options.dataDir ?? freshDir();
  }

  /** Base URL once started (kept while the process is down, so tests can expect failures there). */
  url = '';

  /** The port: fixed after the first start. */
  get port(): number {
    return this.#port;
  }

  /** The data directory in use. */
  get dataDir(): string {
    return this.#dataDir;
  }

  /** True while the child process is alive. */
  get running(): boolean {
    return this.#child !== undefined;
  }

  /** The child's process id while running. */
  get pid(): number | undefined {
    return this.#child?.pid;
  }

  /**
   * Starts the child (if not running) and resolves with its URL once it listens; called again
   * while a start is under way, resolves with that start.
   */
  start(): Promise<string> {
    if (this.#starting) return this.#starting;
    if (this.#child) return Promise.resolve(this.url);
    const starting = this.#start().finally(() => {
      if (this.#starting === starting) this.#starting = undefined;
    });
    this.#starting = starting;
    return starting;
  }

  async #start(): Promise<string> {
    // A spare that died idle (killed from outside) is replaced.
    const spare = this.#spare?.exitCode === null && this.#spare.signalCode === null ? this.#spare : undefined;
    const child = spare ?? launch();
    this.#spare = undefined;
    child.stdin!.write(`${JSON.stringify(['--port', String(this.#port), '--data', this.#dataDir, ...(this.#options.args ?? [])])}\n`);
    this.#child = child;
    this.#exited = new Promise((resolve) => child.once('exit', () => resolve()));
    void this.#exited.then(() => {
      if (this.#child === child) this.#child = undefined;
    });
    const onStderr = this.#options.onStderr ?? ((line: string) => process.stderr.write(`[outpost-stub ${child.pid}] ${line}\n`));
    const output: string[] = [];
    lines(child.stderr!, (line) => {
      output.push(line);
      onStderr(line);
    });
    this.url = await new Promise<string>((resolve, reject) => {
      lines(child.stdout!, (line) => {
        output.push(line);
        const m = /listening on (http:\/\/\S+)/.exec(line);
        if (m) resolve(m[1]!);
      });
      child.once('exit', (code, signal) =>
        reject(new Error(`outpost-stub exited (${signal ?? `code ${code}`}) before listening on port ${this.#port}. Its output:\n${output.join('\n')}`)),
      );
      child.once('error', reject);
    });
    this.#port = Number(new URL(this.url).port);
    if (this.#options.spare) this.#spare = launch();
    return this.url;
  }

  /** Sends a signal (default SIGKILL: the process dies mid-whatever) and waits until it is gone. */
  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const child = this.#child;
    if (!child) return;
    child.kill(signal);
    await this.#exited;
  }

  /** Kills (SIGKILL, or SIGTERM when `graceful`) and starts again on the same port and data. */
  async restart(graceful = false): Promise<string> {
    await this.kill(graceful ? 'SIGTERM' : 'SIGKILL');
    return this.start();
  }

  /** Kills, switches to a fresh empty data directory and starts again on the same port. */
  async reset(): Promise<string> {
    await this.kill();
    if (this.#ownsDataDir) rmSync(this.#dataDir, { recursive: true, force: true });
    this.#dataDir = freshDir();
    this.#ownsDataDir = true;
    return this.start();
  }

  /** Stops the child and removes a data directory this object created. */
  async dispose(): Promise<void> {
    const spare = this.#spare;
    this.#spare = undefined;
    if (spare && spare.exitCode === null && spare.signalCode === null) {
      const gone = new Promise((resolve) => spare.once('exit', resolve));
      spare.kill('SIGKILL');
      await gone;
    }
    await this.kill('SIGTERM');
    if (this.#ownsDataDir) rmSync(this.#dataDir, { recursive: true, force: true });
  }
}

/**
 * A stub process that loads the server's modules and waits for its arguments on stdin
 * (testing/stub-launcher.ts).
 */
function launch(): ChildProcess {
  const cli = stubCli();
  const preload = ['server', 'storage/index', 'storage/sqlite', 'auth', 'cli-security'].map((m) => new URL(`./${m}${FROM_SOURCE ? '.ts' : '.js'}`, cli).href);
  const launcher = fileURLToPath(new URL(`./stub-launcher${FROM_SOURCE ? '.ts' : '.js'}`, import.meta.url));
  const child = spawn(process.execPath, [...(FROM_SOURCE ? ['--import', import.meta.resolve('tsx')] : []), launcher, cli, ...preload], { stdio: ['pipe', 'pipe', 'pipe'] });
  // A test runner that exits without dispose() (Ctrl-C, a crash) must not leave the stub running.
  const orphanGuard = () => child.kill('SIGKILL');
  process.once('exit', orphanGuard);
  child.once('exit', () => process.off('exit', orphanGuard));
  // Writing the arguments to one that died reports through 'exit' (start's "exited before listening").
  child.stdin!.on('error', () => undefined);
  return child;
}

function freshDir(): string {
  return mkdtempSync(join(tmpdir(), 'outpost-stub-data-'));
}

function lines(stream: NodeJS.ReadableStream, onLine: (line: string) => void): void {
  let buffered = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    buffered += chunk;
    let nl;
    while ((nl = buffered.indexOf('\n')) >= 0) {
      onLine(buffered.slice(0, nl));
      buffered = buffered.slice(nl + 1);
    }
  });
}
