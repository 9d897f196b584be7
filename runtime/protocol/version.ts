/** The sync protocol version this build speaks. Every request carries it as `"protocol": 1`. */
export const PROTOCOL_VERSION = 1;

/** The routes of protocol v1, relative to the server's base URL. */
export const SYNC_PATHS = {
  push: '/sync/v1/push',
  pull: '/sync/v1/pull',
  events: '/sync/v1/events',
  login: '/auth/v1/login',
  /** Revokes the bearer token's session (sign-out). */
  logout: '/auth/v1/logout',
  health: '/healthz',
} as const;

/** Largest request body a server must accept (1 MiB); anything bigger answers 413. */
export const MAX_BODY_BYTES = 1024 * 1024;

/** Most changes one pull returns; a larger `limit` is clamped to this (the rest comes with `hasMore`). */
export const MAX_PULL_LIMIT = 1000;

/** Page size a server uses when a pull names no `limit`. */
export const DEFAULT_PULL_LIMIT = 500;

/** Most mutations one push may carry (400 `invalid-request` beyond: nothing applied, split the push). */
export const MAX_MUTATIONS_PER_PUSH = 1000;
