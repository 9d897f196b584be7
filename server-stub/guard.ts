// Who is calling, and whether they may right now: bearer tokens (app-issued JWTs or built-in
// sessions) and the per-user push and pull and per-name/per-address login rate limits.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isIPv4 } from 'node:net';
import { PushCaller, tokenHash, type Auth } from './auth.js';
import { HttpError, bearerToken, describeValue } from './http.js';
import { JwtVerifier } from './jwt.js';
import type { StubLimits } from './limits.js';
import { RateLimiter, tooMany } from './rate-limit.js';

/** Who opens an event stream, and what ends it (see {@link Guard.streamCaller}). */
export interface StreamCaller {
  user: string;
  /** The token hash of a built-in session. */
  session?: string;
  /** When the JWT expires (ms since the epoch). */
  expiresAt?: number;
}

/** Authentication and rate limits for the routes. */
export class Guard {
  readonly #auth: Auth;
  readonly #jwt: JwtVerifier | undefined;
  readonly #limits: StubLimits;
  readonly #pushes: RateLimiter;
  readonly #pulls: RateLimiter;
  readonly #failedLogins: RateLimiter;
  readonly #trustProxy: ReadonlySet<string>;
  readonly #inFlight = new Map<string, number>();

  /** @param trustProxy peer addresses of reverse proxies whose X-Forwarded-For is believed (see {@link clientAddress}). */
  constructor(auth: Auth, limits: StubLimits, jwt: JwtVerifier | undefined, now: () => number, trustProxy: readonly string[] = []) {
    this.#auth = auth;
    this.#trustProxy = new Set(trustProxy.map(plainAddress));
    this.#jwt = jwt;
    this.#limits = limits;
    this.#pushes = new RateLimiter(limits.pushRate, now);
    this.#pulls = new RateLimiter(limits.pullRate, now);
    this.#failedLogins = new RateLimiter(limits.loginRate, now);
  }

  /** The user of the request's bearer token: an app-issued JWT when configured, else a session. */
  async user(req: IncomingMessage, url: URL): Promise<string> {
    const token = bearerToken(req, url);
    if (token && this.#jwt && JwtVerifier.looksLikeJwt(token)) return this.#jwtUser(token);
    return this.#auth.userFor(token);
  }

  /**
   * The caller of an event stream, as {@link Guard.user}, with what ends the stream: the session's
   * token hash (its stream ends when the session is revoked or expires) or the JWT's expiry.
   */
  async streamCaller(req: IncomingMessage, url: URL): Promise<StreamCaller> {
    const token = bearerToken(req, url);
    if (token && this.#jwt && JwtVerifier.looksLikeJwt(token)) return this.#jwtCaller(token);
    return { user: await this.#auth.userFor(token), session: tokenHash(token!) };
  }

  /**
   * The caller of a push: as {@link Guard.user}, except that a built-in session this node saw
   * recently is left for the push's own statement to check (see {@link PushCaller}).
   */
  async pushCaller(req: IncomingMessage, url: URL): Promise<PushCaller> {
    const token = bearerToken(req, url);
    if (token && this.#jwt && JwtVerifier.looksLikeJwt(token)) return new PushCaller(await this.#jwtUser(token), undefined);
    return this.#auth.pushCaller(token);
  }

  // Data is kept by user name alone: a provider's `sub` equal to a built-in account's name would
  // read and write that account's documents, so such a token is refused.
  async #jwtUser(token: string): Promise<string> {
    return (await this.#jwtCaller(token)).user;
  }

  async #jwtCaller(token: string): Promise<StreamCaller> {
    const { user, expiresAt } = await this.#jwt!.verify(token);
    if (this.#auth.has(user)) {
      throw new HttpError(
        'unauthorized',
        `The token's 'sub' claim (${describeValue(user)}) is also the name of a built-in account of this server (--users), and the two must not share data, so the token is refused. Remove that account from --users, or have the identity provider issue other user ids.`,
        { 'WWW-Authenticate': 'Bearer error="invalid_token"' },
      );
    }
    return { user, expiresAt };
  }

  /** 429 with Retry-After once `user` pushed more than the push rate allows. */
  checkPush(user: string): void {
    const wait = this.#pushes.take(user);
    if (wait) throw tooMany(`pushes for user '${user}'`, '--push-rate', this.#limits.pushRate, wait);
  }

  /**
   * Counts a push or pull of `user` until `res` closes (its answer sent, or the client gone); 429
   * past `--max-in-flight` (see StubLimits.requestsInFlightPerUser).
   */
  admit(user: string, res: ServerResponse): void {
    // The client hung up while its token was checked: 'close' has fired already and will not again,
    // so a place taken now would stay taken for the server's life (32 such: the user refused for good).
    if (res.destroyed) return;
    const count = this.#inFlight.get(user) ?? 0;
    if (count >= this.#limits.requestsInFlightPerUser) {
      throw new HttpError(
        'too-many-requests',
        `User '${user}' already has ${count} pushes and pulls in flight on this server, the most it takes at once (--max-in-flight; an answer counts until the client has read it). Wait for the answers before sending more; one sync engine per device needs one at a time.`,
        { 'Retry-After': '1' },
      );
    }
    this.#inFlight.set(user, count + 1);
    res.once('close', () => {
      const left = (this.#inFlight.get(user) ?? 1) - 1;
      if (left > 0) this.#inFlight.set(user, left);
      else this.#inFlight.delete(user);
    });
  }

  /** 429 with Retry-After once `user` pulled more than the pull rate allows. */
  checkPull(user: string): void {
    const wait = this.#pulls.take(user);
    if (wait) throw tooMany(`pulls for user '${user}'`, '--pull-rate', this.#limits.pullRate, wait);
  }

  /**
   * Runs a login attempt unless the name or the address has failed too often (429 + Retry-After);
   * only failures count, so signing in again and again on the right password is never throttled.
   */
  async login<T>(req: IncomingMessage, user: string, attempt: () => Promise<T>): Promise<T> {
    const keys = [`user:${user}`, `addr:${clientAddress(req, this.#trustProxy)}`];
    const blocked = Math.max(...keys.map((k) => this.#failedLogins.peek(k)));
    if (blocked) throw tooMany('failed sign-ins for this name or address', '--login-rate', this.#limits.loginRate, blocked);
    // Counted as failed while the password check runs (a scrypt check takes ~0.1 s): counted only
    // once it failed, a burst sent at once was all checked before the first failure was counted.
    for (const k of keys) this.#failedLogins.take(k);
    let failed = false;
    try {
      return await attempt();
    } catch (err) {
      failed = err instanceof HttpError && err.code === 'bad-credentials';
      throw err;
    } finally {
      if (!failed) for (const k of keys) this.#failedLogins.refund(k);
    }
  }
}

/**
 * The address a request came from: the peer's, unless the peer is a trusted proxy; then the
 * right-most X-Forwarded-For hop that is not itself a trusted proxy (hops to its left are whatever
 * the client claimed). Without trusted proxies the header is ignored: anyone can send it.
 */
export function clientAddress(req: IncomingMessage, trusted: ReadonlySet<string>): string {
  const peer = plainAddress(req.socket.remoteAddress ?? '');
  const header = req.headers['x-forwarded-for'];
  if (!trusted.has(peer) || header === undefined) return peer;
  const hops = (Array.isArray(header) ? header.join(',') : header).split(',').map((hop) => plainAddress(hop.trim())).filter(Boolean);
  for (let i = hops.length - 1; i >= 0; i--) if (!trusted.has(hops[i]!)) return hops[i]!;
  // Every hop a trusted proxy: the request started at the left-most one.
  return hops[0] ?? peer;
}

/** An IPv4 address as itself, not as the IPv4-mapped IPv6 form a dual-stack socket reports. */
function plainAddress(address: string): string {
  const lower = address.toLowerCase();
  return lower.startsWith('::ffff:') && isIPv4(lower.slice(7)) ? lower.slice(7) : lower;
}
