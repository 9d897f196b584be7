// The app's server code: custom mutation handlers, seeds and users, loaded from `--app <module>`.
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';
import type { UserDocuments } from './documents.js';
import type { StubUser } from './auth.js';

/** What a custom mutation handler receives besides its `args`. */
export interface MutationContext {
  /** The user who pushed the mutation. */
  readonly user: string;
  /** The pushing client. */
  readonly clientId: string;
  /** The mutation's id. */
  readonly mutationId: number;
  /** Every configured user name (e.g. to validate recipients). */
  readonly users: readonly string[];
  /** The pushing user's documents. */
  readonly docs: UserDocuments;
  /** Any user's documents (e.g. to deliver mail into the recipient's inbox). */
  forUser(user: string): UserDocuments;
  /** Milliseconds since the epoch, fixed for the whole push. */
  readonly now: number;
  /** Refuses the mutation: it answers `rejected` with this code and message, and its writes are rolled back. */
  reject(code: string, message: string): never;
}

/**
 * A custom mutation handler. It runs inside the push transaction: everything it writes commits with
 * the push or not at all. `await` every `ctx.docs` call: one not awaited is waited for before the
 * mutation is answered, one that failed (even if caught) rejects the mutation as if the handler had
 * thrown its error, and one made after the handler finished does nothing (it rejects). If the
 * storage fails (disk full, database down) the whole push answers 503 and the client retries it,
 * even if the handler caught the error; only `ctx.reject()` (or throwing) gives a final `rejected`. On SQLite, pushes wait for each other
 * while a handler runs, so do no slow I/O (network calls) in one.
 *
 * `args` is what the client pushed: in TypeScript (or JSDoc), annotate it with its type (`args: SendArgs`,
 * or write `MutationHandler<A>`), but nothing checks it against that type: check what you rely on
 * and `ctx.reject()` the rest.
 */
// A method's type, not a function's: TypeScript compares method parameters both ways, so a handler
// whose `args` is annotated still fits `MutationHandler` (`unknown` args) in `mutations`.
export type MutationHandler<A = unknown> = { handle(ctx: MutationContext, args: A): void | Promise<void> }['handle'];

/** What a seed function receives. */
export interface SeedContext {
  /** Every configured user name. */
  readonly users: readonly string[];
  /** A user's documents. */
  forUser(user: string): UserDocuments;
  /** Milliseconds since the epoch. */
  readonly now: number;
  /** How much data the seed should make, from `--seed-size <n>`; undefined means the seed's default. */
  readonly size?: number;
}

/** A seed: fills a fresh data store with sample data. Runs once per data store, in one transaction. */
export type SeedFunction = (ctx: SeedContext) => void | Promise<void>;

/**
 * An app's server code for the stub. Export it as the default export of the `--app` module.
 *
 * @example
 * // server/app.js — outpost-stub --app server/app.js --seed demo
 * import { defineStubApp } from 'outpost-server';
 * export default defineStubApp({
 *   users: [{ user: 'alice', password: 'alice' }, { user: 'bob', password: 'bob' }],
 *   mutations: {
 *     async sendMail(ctx, { id, to, subject }) {
 *       if (!ctx.users.includes(to)) ctx.reject('invalid-args', `No user '${to}' to send to.`);
 *       await ctx.docs.put('mail', id, { from: ctx.user, to, subject, labels: ['sent'] });
 *       await ctx.forUser(to).put('mail', id, { from: ctx.user, to, subject, labels: ['inbox'] });
 *     },
 *   },
 *   seeds: {
 *     async demo(ctx) {
 *       for (const user of ctx.users) await ctx.forUser(user).put('mail', 'welcome', { subject: 'Welcome', labels: ['inbox'] });
 *     },
 *   },
 * });
 */
export interface StubApp {
  /** Custom mutations by name. Built-in names (put, patch, delete, addToSet, removeFromSet) cannot be overridden. */
  mutations?: Record<string, MutationHandler>;
  /** Seeds by name, chosen with `--seed <name>`. */
  seeds?: Record<string, SeedFunction>;
  /** Users that can sign in (overridden by `--users`). Default: alice/alice, bob/bob. */
  users?: StubUser[];
}

/** Types a stub app module's default export; returns it unchanged. */
export function defineStubApp(app: StubApp): StubApp {
  return app;
}

/** Thrown by `ctx.reject()`; the push answers `rejected` with its code. */
export class MutationRejected extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.code = code;
  }
}

/** Imports an `--app` module (path relative to the working directory) and checks its shape. */
export async function loadApp(path: string): Promise<StubApp> {
  const url = pathToFileURL(resolve(path)).href;
  let mod: { default?: unknown };
  try {
    mod = (await import(url)) as { default?: unknown };
  } catch (err) {
    const hint = (err as NodeJS.ErrnoException).code === 'ERR_UNKNOWN_FILE_EXTENSION' ? ' Point --app at built JavaScript, or run the stub with `node --import tsx` to load TypeScript.' : '';
    throw new Error(`Could not load the --app module '${path}': ${(err as Error).message}.${hint}`, { cause: err });
  }
  const app = mod.default;
  if (!app || typeof app !== 'object') {
    throw new Error(`The --app module '${path}' must default-export an object like { mutations, seeds, users } (see defineStubApp).`);
  }
  const { mutations, seeds, users } = app as StubApp;
  for (const [what, value] of [['mutations', mutations], ['seeds', seeds]] as const) {
    if (value === undefined) continue;
    if (typeof value !== 'object' || Object.values(value).some((f) => typeof f !== 'function')) {
      throw new Error(`The --app module '${path}': '${what}' must be an object whose values are functions.`);
    }
  }
  if (users !== undefined && (!Array.isArray(users) || users.some((u) => typeof u?.user !== 'string' || typeof u?.password !== 'string'))) {
    throw new Error(`The --app module '${path}': 'users' must be an array of { user, password } strings.`);
  }
  return app as StubApp;
}
