/**
 * `outpost/accounts`: several signed-in accounts side by side (gmail's `/u/0`, `/u/1`), each with
 * its own store and sync, and sign-out wiping only that account's data. The accounts themselves
 * are outpost/session's (its database is written after every change, so the service worker reads
 * them with `readSessions`). Its own entry: apps with one account do not ship it.
 * @module
 */
export { Accounts, openAccounts } from './accounts.js';
export type { Account, AccountSession, AccountsOptions } from './accounts.js';
