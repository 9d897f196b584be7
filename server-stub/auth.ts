// Users, login and bearer tokens. Tokens live in SQLite so clients stay signed in across restarts.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { Db } from './db.js';
import { HttpError } from './http.js';

/** A user the stub accepts at login. */
export interface StubUser {
  user: string;
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

/** Checks passwords, issues tokens and resolves them to users. */
export class Auth {
  readonly #users: Map<string, string>;
  readonly #db: Db;

  constructor(db: Db, users: readonly StubUser[]) {
    this.#db = db;
    this.#users = new Map(users.map((u) => [u.user, u.password]));
  }

  /** The configured user names. */
  get users(): string[] {
    return [...this.#users.keys()];
  }

  /** Issues a token for a user whose password matches; 401 `bad-credentials` otherwise. */
  login(user: string, password: string): string {
    const expected = this.#users.get(user);
    if (expected === undefined || !sameText(expected, password)) {
      throw new HttpError('bad-credentials', `Unknown user '${user}' or wrong password. The stub's users are set with --users name:password.`);
    }
    const token = randomBytes(24).toString('base64url');
    this.#db.prepare('INSERT INTO sessions (token, user, created_at) VALUES (?, ?, ?)').run(token, user, Date.now());
    return token;
  }

  /** The user a token belongs to; 401 `unauthorized` for a missing or unknown token. */
  userFor(token: string | undefined): string {
    if (!token) throw new HttpError('unauthorized', 'Sign in first: POST /auth/v1/login, then send Authorization: Bearer <token>.', { 'WWW-Authenticate': 'Bearer' });
    const row = this.#db.prepare<[string], { user: string }>('SELECT user FROM sessions WHERE token = ?').get(token);
    if (!row || !this.#users.has(row.user)) {
      throw new HttpError('unauthorized', 'The bearer token is unknown to this server (its data may have been reset). Sign in again.', { 'WWW-Authenticate': 'Bearer' });
    }
    return row.user;
  }
}

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
