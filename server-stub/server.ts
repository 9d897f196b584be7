import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { isIP, type AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { createStaticHandler } from './static.js';
import { checkStaticDir } from './static-dir.js';
import { Guard } from './guard.js';
import { JwtVerifier, type JwtIdentity } from './jwt.js';
import { resolveLimits, type StubLimits } from './limits.js';
import { BASE_HEADERS, allowedOrigin, hostName, isLoopback, loopbackHostHeader, parseOrigins } from './headers.js';
import { Auth, DEFAULT_USERS, type StubUser } from './auth.js';
import { EventHub } from './events.js';
import { HttpError, describeValue, sendError, sendJson } from './http.js';
import { handleRoute, headCursor, type RouteDeps } from './routes.js';
import { loadApp, type StubApp } from './app.js';
import { runSeed } from './seed.js';
import { openStorage } from './storage/index.js';
import { StorageUnavailable } from './storage/types.js';
import { forwardPokes } from './pokes.js';

/** Options for {@link startStub}. */
export interface StubOptions {
  /** TCP port; 0 picks a free one. Default 8787. */
  port?: number;
  /** Interface to listen on. Default `127.0.0.1`. */
  host?: string;
  /** Folder of a built app to serve beside the API (e.g. `dist/demo-app`). */
  staticDir?: string;
  /** Where the SQLite database lives. Default `.outpost-data`; `':memory:'` keeps nothing on disk. Unused with `db`. */
  dataDir?: string;
  /**
   * A PostgreSQL database (`postgres://user:password@host:port/database`) instead of SQLite. Any
   * number of stubs may share one: sessions and data live in it, and pokes cross nodes.
   */
  db?: string;
  /** PostgreSQL connection pool size of this node. Default 10. */
  dbPoolSize?: number;
  /** A session ends this long after its last use (sliding expiry), in ms. Default 30 days. */
  sessionTtlMs?: number;
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
  /**
   * Origins (`https://app.example.com`) whose pages may call the API from another origin (CORS).
   * Default none: only pages served by this server (same origin). `*` is refused.
   */
  corsOrigins?: string[];
  /**
   * More Host names to answer when listening on loopback (e.g. the public name a reverse proxy on
   * this machine forwards with). Loopback names are always allowed.
   */
  allowedHosts?: string[];
  /**
   * Peer addresses of your reverse proxies (e.g. `['127.0.0.1']`). A request from one of them is
   * counted, for the failed sign-in limit, under the right-most X-Forwarded-For address that is not
   * one of them. Default none: X-Forwarded-For is ignored (any client can send it), and every
   * client behind a proxy shares the proxy's address. See docs/security.md.
   */
  trustProxy?: string[];
  /** Serve source maps (`*.map`) from `staticDir`. Default false: they reveal the app's source. */
  sourceMaps?: boolean;
  /** Content-Security-Policy of served HTML pages. Default `DEFAULT_CSP` (see docs/security.md). */
  contentSecurityPolicy?: string;
  /** Input and rate limits; each unset one keeps its default (see `DEFAULT_STUB_LIMITS`, docs/security.md). */
  limits?: Partial<StubLimits>;
  /**
   * Accept JWTs from the app's identity provider as bearer tokens (`sub` is the user), beside the
   * built-in sessions. See docs/security.md.
   */
  identity?: JwtIdentity;
  /**
   * Allow the demo accounts (the default alice/bob, or an app module's `users`) while listening on a
   * non-loopback address. Default false: such a server refuses to start with them, so a deployment
   * never answers to alice/alice; pass `users` (with scrypt hashes) or `identity` instead.
   */
  allowDemoUsers?: boolean;
  /**
   * Where server errors are reported. Default `console.error`. `err` is undefined for a routine
   * event worth one line, such as a client that hung up before its request was read.
   */
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
 * Starts the stub server: protocol v1 routes backed by SQLite (or PostgreSQL with `db`), plus
 * optional static hosting.
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
  const dataDir = options.dataDir ?? '.outpost-data';
  if (options.staticDir) checkStaticDir(options.staticDir, dataDir);
  const corsOrigins = parseOrigins(options.corsOrigins ?? []);
  const listenHost = options.host ?? '127.0.0.1';
  // Bound to loopback, only loopback Host names are real: any other is a DNS-rebinding page.
  const checkHost = isLoopback(listenHost);
  const limits = resolveLimits(options.limits);
  const trustProxy = options.trustProxy ?? [];
  for (const address of trustProxy) {
    if (!isIP(address)) throw new Error(`trustProxy (--trust-proxy) lists '${address}', which is not an IP address. List your reverse proxies' addresses as this server sees them, e.g. --trust-proxy 127.0.0.1,::1.`);
  }
  const jwt = options.identity ? new JwtVerifier(options.identity) : undefined;
  // With the app's own identity provider and no explicit users there are no built-in accounts at all.
  const demoUsers = options.users === undefined && options.identity === undefined;
  if (demoUsers && !checkHost && !options.allowDemoUsers) {
    throw new Error(
      `Listening on ${listenHost} (not loopback) with the demo accounts (${(app.users ?? DEFAULT_USERS).map((u) => u.user).join(', ')}) would let anyone on the network sign in with their published passwords. Pass --users with your own (scrypt-hashed) passwords, configure JWT identity (--jwt-issuer …), or --allow-demo-users for a throwaway demo.`,
    );
  }
  const allowedHosts = new Set((options.allowedHosts ?? []).map((h) => h.toLowerCase()));
  const logError = options.logError ?? ((message: string, err: unknown) => (err === undefined ? console.error(`outpost-stub: ${message}`) : console.error(`outpost-stub: ${message}`, err)));
  const now = options.now ?? Date.now;
  const storage = await openStorage({ db: options.db, dataDir, poolSize: options.dbPoolSize, log: logError });
  const auth = new Auth(storage, options.users ?? (options.identity ? [] : (app.users ?? DEFAULT_USERS)), { sessionTtlMs: options.sessionTtlMs, now, maxSessions: limits.sessionsPerUser });
  try {
    if (options.seed !== undefined) await runSeed(storage, app, options.seed, auth.users, now(), options.seedSize);
  } catch (err) {
    await storage.close();
    throw err;
  }
  // A stream ends with its session (revoked on any node, expired) or its JWT: see EventHub.
  const events = new EventHub(options.heartbeatMs ?? 15_000, { liveSessions: (hashes) => storage.liveSessions(hashes, now()), now });
  const deps: RouteDeps = {
    storage,
    now,
    app,
    auth,
    events,
    users: auth.users,
    log: logError,
    tombstoneRetentionMs: options.tombstoneRetentionMs ?? DEFAULT_TOMBSTONE_RETENTION_MS,
    limits,
    pullBytes: limits.pullBytes,
    guard: new Guard(auth, limits, jwt, Date.now, trustProxy),
  };
  forwardPokes(storage, events, (user) => headCursor(deps, user), logError);
  const serveStatic = options.staticDir
    ? createStaticHandler(options.staticDir, { sourceMaps: options.sourceMaps, contentSecurityPolicy: options.contentSecurityPolicy })
    : undefined;

  async function handle(req: IncomingMessage, res: ServerResponse, requestId: string): Promise<void> {
    const url = requestUrl(req);
    if (await handleRoute(deps, req, res, url, requestId)) return;
    if (serveStatic && (await serveStatic(req, res))) return;
    req.resume();
    throw new HttpError('not-found', `No route for ${req.method} ${url.pathname}. The sync routes are under /sync/v1/ and /auth/v1/ (see docs/protocol.md).`);
  }

  const server = createServer((req, res) => {
    const requestId = nextRequestId();
    res.setHeader('X-Request-Id', requestId);
    for (const [header, value] of Object.entries(BASE_HEADERS)) res.setHeader(header, value);
    if (checkHost && !loopbackHostHeader(req) && !allowedHosts.has(hostName(req))) {
      req.resume();
      return sendError(
        res,
        new HttpError('host-not-allowed', `This server listens on loopback and answers only Host localhost/127.0.0.1/[::1], not '${String(req.headers.host ?? '')}'. A page reaching it under another name is a DNS-rebinding attack; to serve a real host name, listen on it (--host) behind your reverse proxy.`),
      );
    }
    // CORS only for configured origins: a page of any other origin cannot read replies, and a
    // cross-origin request carrying Origin is refused outright (no signing in from another site).
    const origin = allowedOrigin(req, corsOrigins);
    if (origin) {
      res.setHeader('Access-Control-Allow-Origin', origin);
      res.setHeader('Vary', 'Origin');
      res.setHeader('Access-Control-Expose-Headers', 'X-Request-Id, Retry-After');
    } else if (crossOrigin(req)) {
      req.resume();
      return sendError(
        res,
        new HttpError('origin-not-allowed', `Requests from pages of origin '${String(req.headers.origin)}' are refused. If that is your app, start the server with --cors-origin ${String(req.headers.origin)}.`, { Vary: 'Origin' }),
      );
    }
    if (req.method === 'OPTIONS') {
      res.writeHead(204, {
        'Access-Control-Allow-Methods': 'GET, POST',
        'Access-Control-Allow-Headers': 'Authorization, Content-Type, Last-Event-ID',
        'Access-Control-Max-Age': '600',
      });
      return void res.end();
    }
    handle(req, res, requestId).catch((err: unknown) => {
      // A client that hangs up mid-request (a closed tab, a load generator stopping) is routine:
      // one line, no stack. Nothing of the request ran: it failed while its body was being read.
      if (clientHungUp(req, err)) return logError(`request ${requestId} (${req.method} ${pathOf(req)}): the client closed the connection before its request was read; nothing was applied`, undefined);
      if (res.headersSent) return void res.destroy();
      if (err instanceof HttpError) return sendError(res, err);
      if (err instanceof StorageUnavailable) {
        logError(`request ${requestId} (${req.method} ${pathOf(req)}): storage unavailable`, err);
        const outcome = err.maybeApplied ? 'it may or may not have been applied: the retry applies it exactly once' : 'nothing was applied';
        return sendError(res, new HttpError('unavailable', `The server's storage is unavailable (request ${requestId}); ${outcome}. Retry after the Retry-After delay.`, { 'Retry-After': '1' }));
      }
      // The path only: a query string may carry secrets, and the log must not.
      logError(`request ${requestId} (${req.method} ${pathOf(req)}) failed`, err);
      sendJson(res, 500, { error: { code: 'internal', message: `Internal server error (request ${requestId}); see the server log.` } });
    });
  });
  // A client that sends headers or a body too slowly must not hold a connection forever.
  server.requestTimeout = 30_000;
  server.headersTimeout = 10_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err) => {
      events.close();
      void storage.close().finally(() => reject(err));
    });
    server.listen(options.port ?? 8787, listenHost, () => resolve());
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
        server.close(() => void storage.close().then(resolve, resolve));
        server.closeAllConnections();
      })),
  };
}

// Request ids only tie a reply to its log lines, so they need to be unique, not unpredictable: a
// random start per process (nodes sharing a database do not collide), then counting. Six random
// bytes per request cost ~3 % of a push's CPU.
let lastRequestId = randomBytes(6).readUIntBE(0, 6);
function nextRequestId(): string {
  lastRequestId = (lastRequestId + 1) % 2 ** 48;
  return lastRequestId.toString(16).padStart(12, '0');
}

/** True when `err` is the request stream's own error because the client closed the connection. */
function clientHungUp(req: IncomingMessage, err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return (code === 'ECONNRESET' || code === 'ERR_STREAM_PREMATURE_CLOSE') && req.destroyed;
}

/** True when the request comes from a page of another origin than the one it addresses. */
function crossOrigin(req: IncomingMessage): boolean {
  const origin = req.headers.origin;
  if (origin === undefined) return false;
  try {
    return new URL(origin).host !== req.headers.host;
  } catch {
    return true; // `null` (sandboxed frames, file: pages) and garbage are not this origin
  }
}

/** The request target as a URL; 400 naming it when it is none (`//`, `//a:b`, `//[` make URL throw). */
function requestUrl(req: IncomingMessage): URL {
  try {
    return new URL(req.url ?? '/', 'http://x');
  } catch {
    req.resume();
    throw new HttpError('invalid-request', `The request target ${describeValue(req.url)} is not a valid path. Send a path that starts with a single '/', e.g. /sync/v1/pull.`);
  }
}

function pathOf(req: IncomingMessage): string {
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  return q < 0 ? url : url.slice(0, q);
}
