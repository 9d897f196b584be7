import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { createStaticHandler } from './static.js';
import { openDb } from './db.js';
import { Documents } from './documents.js';
import { Auth, DEFAULT_USERS, type StubUser } from './auth.js';
import { EventHub } from './events.js';
import { HttpError, sendError, sendJson } from './http.js';
import { handleRoute, type RouteDeps } from './routes.js';
import { loadApp, type StubApp } from './app.js';
import { runSeed } from './seed.js';

/** Options for {@link startStub}. */
export interface StubOptions {
  /** TCP port; 0 picks a free one. Default 8787. */
  port?: number;
  /** Interface to listen on. Default `127.0.0.1`. */
  host?: string;
  /** Folder of a built app to serve beside the API (e.g. `dist/demo-app`). */
  staticDir?: string;
  /** Where the SQLite database lives. Default `.outpost-data`; `':memory:'` keeps nothing on disk. */
  dataDir?: string;
  /** The app's server code: a {@link StubApp} or the path of a module default-exporting one. */
  app?: StubApp | string;
  /** Name of one of the app's seeds to run (once per data directory). */
  seed?: string;
  /** Passed to the seed as `ctx.size` (e.g. messages per user); the seed's default when absent. */
  seedSize?: number;
  /** Users that can sign in; default the app's `users`, else alice/alice and bob/bob. */
  users?: StubUser[];
  /** How long tombstones are kept before compaction (ms). Default 30 days; `Infinity` keeps them forever. */
  tombstoneRetentionMs?: number;
  /** The clock for change timestamps and tombstone retention (ms since epoch); tests pass one they control. Default `Date.now`. */
  now?: () => number;
  /** Interval of SSE heartbeat comments (ms). Default 15 000. */
  heartbeatMs?: number;
  /** Where server errors are reported. Default `console.error`. */
  logError?: (message: string, err: unknown) => void;
}

/** A stub that is listening. */
export interface RunningStub {
  /** Base URL, e.g. `http://127.0.0.1:8787`. */
  url: string;
  /** The port it listens on (useful after `port: 0`). */
  port: number;
  /** Stops accepting connections, ends event streams and closes the database. */
  close(): Promise<void>;
}

/** Default tombstone retention: 30 days. */
export const DEFAULT_TOMBSTONE_RETENTION_MS = 30 * 24 * 60 * 60 * 1000;

/**
 * Starts the stub server: protocol v1 routes backed by SQLite, plus optional static hosting.
 *
 * @example
 * const stub = await startStub({ port: 0, dataDir: ':memory:' });
 * const { token } = await (await fetch(`${stub.url}/auth/v1/login`, {
 *   method: 'POST', headers: { 'Content-Type': 'application/json' },
 *   body: JSON.stringify({ user: 'alice', password: 'alice' }),
 * })).json();
 * await stub.close();
 */
export async function startStub(options: StubOptions = {}): Promise<RunningStub> {
  const app = typeof options.app === 'string' ? await loadApp(options.app) : (options.app ?? {});
  const logError = options.logError ?? ((message: string, err: unknown) => console.error(`outpost-stub: ${message}`, err));
  const { db, epoch } = openDb(options.dataDir ?? '.outpost-data');
  const docs = new Documents(db, options.now);
  const auth = new Auth(db, options.users ?? app.users ?? DEFAULT_USERS);
  try {
    if (options.seed !== undefined) runSeed(db, docs, app, options.seed, auth.users, options.seedSize);
  } catch (err) {
    db.close();
    throw err;
  }
  const events = new EventHub(options.heartbeatMs ?? 15_000);
  const deps: RouteDeps = {
    db,
    docs,
    epoch,
    app,
    auth,
    events,
    users: auth.users,
    log: logError,
    tombstoneRetentionMs: options.tombstoneRetentionMs ?? DEFAULT_TOMBSTONE_RETENTION_MS,
  };
  const serveStatic = options.staticDir ? createStaticHandler(options.staticDir) : undefined;

  async function handle(req: IncomingMessage, res: ServerResponse, requestId: string): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://x');
    if (await handleRoute(deps, req, res, url, requestId)) return;
    if (serveStatic && (await serveStatic(req, res))) return;
    req.resume();
    throw new HttpError('not-found', `No route for ${req.method} ${url.pathname}. The sync routes are under /sync/v1/ and /auth/v1/ (see docs/protocol.md).`);
  }

  const server = createServer((req, res) => {
    const requestId = randomBytes(6).toString('hex');
    res.setHeader('X-Request-Id', requestId);
    // Apps and test pages are often served from another origin (dev server, test runner). Auth is a
    // bearer token, never a cookie, so allowing any origin exposes nothing.
    res.setHeader('Access-Control-Allow-Origin', '*');
    res.setHeader('Access-Control-Expose-Headers', 'X-Request-Id, Retry-After');
    if (req.method === 'OPTIONS') {
      res.writeHead(204, {
        'Access-Control-Allow-Methods': 'GET, POST',
        'Access-Control-Allow-Headers': 'Authorization, Content-Type, Last-Event-ID',
        'Access-Control-Max-Age': '600',
      });
      return void res.end();
    }
    handle(req, res, requestId).catch((err: unknown) => {
      if (res.headersSent) return void res.destroy();
      if (err instanceof HttpError) return sendError(res, err);
      logError(`request ${requestId} (${req.method} ${req.url}) failed`, err);
      sendJson(res, 500, { error: { code: 'internal', message: `Internal server error (request ${requestId}); see the server log.` } });
    });
  });
  // A client that sends headers or a body too slowly must not hold a connection forever.
  server.requestTimeout = 30_000;
  server.headersTimeout = 10_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err) => {
      db.close();
      events.close();
      reject(err);
    });
    server.listen(options.port ?? 8787, options.host ?? '127.0.0.1', () => resolve());
  });
  const { address, port } = server.address() as AddressInfo;
  const host = address.includes(':') ? `[${address}]` : address;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${host}:${port}`,
    port,
    close: () =>
      (closing ??= new Promise<void>((resolve) => {
        events.close();
        server.close(() => {
          db.close();
          resolve();
        });
        server.closeAllConnections();
      })),
  };
}
