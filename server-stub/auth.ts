// Users, login and bearer tokens. Sessions live in the storage so clients stay signed in across
// restarts and across nodes.
import * as crypto from 'node:crypto';
import { createHash, randomBytes } from 'node:crypto';
import { HttpError } from './http.js';
import { setNewest } from './newest-map.js';
import { DEFAULT_STUB_LIMITS } from './limits.js';
import { checkHash, isHashed, verifyNothing, verifyPassword } from './passwords.js';
import { DEFAULT_SESSION_TTL_MS, type Storage } from './storage/types.js';

/** A user the stub accepts at login. */
export interface StubUser {
  user: string;
  /** A scrypt hash from `outpost-stub --hash-password` (`scrypt$…`), or a plain development password. */
  password: string;
}

/** Used when neither `--users`/`users` nor the app module names any: `alice`/`alice` and `bob`/`bob`. */
export const DEFAULT_USERS: readonly StubUser[] = [
  { user: 'alice', password: 'alice' },
  { user: 'bob', password: 'bob' },
];

/**
 * Parses `--users alice:secret,bob:pw` into users.
 * @throws Error naming the bad entry when one has no `:` or an empty name.
 */
export function parseUsers(spec: string): StubUser[] {
  return spec.split(',').map((entry) => {
    const at = entry.indexOf(':');
    if (at <= 0) throw new Error(`--users entry '${entry}' must look like name:password (e.g. --users alice:alice,bob:bob).`);
    return { user: entry.slice(0, at), password: entry.slice(at + 1) };
  });
}

/** Options of {@link Auth}. */
export interface AuthOptions {
  /** A session ends this long after its last use (sliding expiry). Default 30 days. */
  sessionTtlMs?: number;
  /** The clock (ms since epoch). Default `Date.now`. */
  now?: () => number;
  /** Live sessions kept per user; a sign-in past it ends the least recently used. Default 100 (`--max-sessions`). */
  maxSessions?: number;
}

/** The SHA-256 (hex) of a bearer token: what the storage keeps instead of the token. */
export function tokenHash(token: string): string {
  // One-shot `crypto.hash` (Node 20.12+) where there is one: no Hash object per request.
  return oneShotHash ? oneShotHash('sha256', token, 'hex') : createHash('sha256').update(token).digest('hex');
}

const oneShotHash = (crypto as Partial<typeof crypto>).hash;

/**
 * The caller of a push: its user, and — when the user came from this node's memory of the token
 * rather than a session read for this request — what is left to check. The push's own statement
 * checks the session in its transaction ({@link Storage.applyWrites} with a token hash), so a push
 * takes one round trip instead of two; anything else first calls {@link PushCaller.confirm}.
 */
export class PushCaller {
  #confirm: (() => Promise<string>) | undefined;

  constructor(
    readonly user: string,
    /** The token hash whose session nobody read for this request yet, or undefined once one did. */
    public session: string | undefined,
    confirm?: () => Promise<string>,
  ) {
    this.#confirm = confirm;
  }

  /** Marks the session as checked (the push's statement found it, for this user). */
  confirmed(): void {
    this.session = undefined;
    this.#confirm = undefined;
  }

  /**
   * Reads the session now if nothing did yet: 401 `unauthorized` (the same answer as before the
   * body was read) for a token unknown, expired or revoked since this node last saw it.
   */
  async confirm(): Promise<void> {
    if (!this.#confirm) return;
    const user = await this.#confirm();
    if (user !== this.user) throw unauthorized();
    this.confirmed();
  }
}

function unauthorized(): HttpError {
  return new HttpError('unauthorized', 'The bearer token is unknown to this server, expired or revoked (or its data was reset). Sign in again.', { 'WWW-Authenticate': 'Bearer' });
}

// Tokens this node recently found sessions for (by hash): a push's owner without a round trip.
// Never trusted on its own: a push using it is applied only where its statement finds the session.
const KNOWN_LIMIT = 10_000;

/**
 * Checks passwords, issues tokens and resolves them to users. Sessions live in the storage (so a
 * token from one node works on all) as SHA-256 hashes: a leaked database holds no usable token.
 * Every request's token goes through {@link Auth.userFor}, the one place to extend the check.
 */
export class Auth {
  readonly #users: Map<string, string>;
  readonly #storage: Storage;
  readonly #ttl: number;
  readonly #now: () => number;
  readonly #anyHashed: boolean;
  readonly #maxSessions: number;
  readonly #known = new Map<string, { user: string; expiresAt: number }>();

  constructor(storage: Storage, users: readonly StubUser[], options: AuthOptions = {}) {
    this.#storage = storage;
    for (const u of users) checkHash(u.user, u.password);
    this.#users = new Map(users.map((u) => [u.user, u.password]));
    this.#anyHashed = users.some((u) => isHashed(u.password));
    // `infinity` from --session-ttl: a century, which every storage can hold as an integer.
    this.#ttl = Math.min(options.sessionTtlMs ?? DEFAULT_SESSION_TTL_MS, 100 * 365 * 86_400_000);
    this.#now = options.now ?? Date.now;
    this.#maxSessions = options.maxSessions ?? DEFAULT_STUB_LIMITS.sessionsPerUser;
  }

  /** The configured user names. */
  get users(): string[] {
    return [...this.#users.keys()];
  }

  /** True when `user` is a built-in account (one of {@link Auth.users}). */
  has(user: string): boolean {
    return this.#users.has(user);
  }

  /** Issues a token for a user whose password matches; 401 `bad-credentials` otherwise. */
  async login(user: string, password: string): Promise<string> {
    // Own entries only (a Map), and the same work for unknown names as for known ones.
    const expected = this.#users.get(user);
    const ok = expected === undefined ? (this.#anyHashed && (await verifyNothing(password)), false) : await verifyPassword(expected, password);
    if (!ok) {
      throw new HttpError('bad-credentials', `Unknown user '${user}' or wrong password. The stub's users are set with --users name:password.`);
    }
    const token = randomBytes(24).toString('base64url');
    // Expired sessions and the user's oldest beyond the cap go with it: the table stays bounded.
    const now = this.#now();
    await this.#storage.createSession(tokenHash(token), user, now + this.#ttl, now, this.#maxSessions);
    return token;
  }

  /** The user a token belongs to; 401 `unauthorized` for a missing, unknown, expired or revoked token. */
  async userFor(token: string | undefined): Promise<string> {
    if (!token) throw new HttpError('unauthorized', 'Sign in first: POST /auth/v1/login, then send Authorization: Bearer <token>.', { 'WWW-Authenticate': 'Bearer' });
    const hash = tokenHash(token);
    const now = this.#now();
    const session = await this.#storage.findSession(hash, now);
    if (!session || !this.#users.has(session.user)) {
      this.#known.delete(hash);
      throw unauthorized();
    }
    let expiresAt = session.expiresAt;
    // Sliding expiry, written at most about once per hundredth of the lifetime (not on every request).
    if (this.#stale(expiresAt, now)) await this.#storage.extendSession(hash, (expiresAt = now + this.#ttl));
    setNewest(this.#known, hash, { user: session.user, expiresAt }, KNOWN_LIMIT);
    return session.user;
  }

  /**
   * The caller of a push. When this node found the token's session recently (and it needs no
   * sliding-expiry write) the user comes from memory and the session is left for the push's
   * statement to check in its transaction; otherwise as {@link Auth.userFor}.
   */
  async pushCaller(token: string | undefined): Promise<PushCaller> {
    if (token && this.#storage.applyWrites) {
      const hash = tokenHash(token);
      const known = this.#known.get(hash);
      if (known && !this.#stale(known.expiresAt, this.#now())) return new PushCaller(known.user, hash, () => this.userFor(token));
    }
    return new PushCaller(await this.userFor(token), undefined);
  }

  #stale(expiresAt: number, now: number): boolean {
    return expiresAt < now + this.#ttl - this.#ttl / 100;
  }

  /** Ends the session of `token` (sign-out); true when there was one. */
  revoke(token: string): Promise<boolean> {
    this.#known.delete(tokenHash(token));
    return this.#storage.revokeSession(tokenHash(token));
  }
}

