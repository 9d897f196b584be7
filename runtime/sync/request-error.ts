// Kept apart from the transport, which loads on the first sync cycle rather than at start.

/**
 * What went wrong in a sync cycle, as a machine-readable code (`status.lastError.code`):
 *
 * - `network`: no answer (offline, server down, connection cut). Retried; nothing is lost.
 * - `unexpected-response`: an answer that is not the sync protocol's (a proxy's or captive
 *   portal's HTML page, a wrong URL, an unknown error code). Retried with backoff; nothing is lost.
 * - `server-busy`: 429 or 5xx. Retried after `Retry-After` or with backoff; nothing is lost.
 * - `protocol-error`: a protocol error that is not final for the request (e.g. 409
 *   `client-id-taken`), or a push's 400 `invalid-request` that names none of its mutations (the
 *   server refuses the request itself, e.g. its clientId). Retried with backoff; nothing is lost.
 * - `auth-required`: 401. Syncing pauses until `setAuth()`; nothing is lost.
 * - `update-required`: 426. Syncing pauses; the app must update; nothing is lost.
 * - `cursor-expired`: 410 `cursor-expired` or 400 `invalid-cursor` on a pull: the engine resyncs
 *   from the start, keeping the outbox (never shown as `lastError`).
 * - `request-refused`: a push error docs/protocol.md defines as final (400 `invalid-request`, 413
 *   `body-too-large`): the engine isolates the one mutation the error is about (a 400 must name it
 *   by its path, `mutations.0…`) and records it as rejected (never shown as `lastError`).
 * - `local-failure`: the engine's own step failed (e.g. IndexedDB). Retried with backoff.
 * - `invalid-client-id`: thrown by `createSync` (never a status): its `clientId` option is one the
 *   protocol refuses (too long, empty, U+0000, a lone surrogate).
 * - `store-outdated`: a newer version of the app upgraded the store from another tab; this tab's
 *   engine has ended (the newer tab syncs, pending changes included). Reload the tab.
 */
export type SyncErrorCode =
  | 'network'
  | 'unexpected-response'
  | 'server-busy'
  | 'protocol-error'
  | 'auth-required'
  | 'update-required'
  | 'cursor-expired'
  | 'request-refused'
  | 'local-failure'
  | 'invalid-client-id'
  | 'store-outdated';

/** The status's `lastError`: a code for programs and a message for people. */
export interface SyncErrorInfo {
  code: SyncErrorCode;
  message: string;
}

/**
 * Why a sync request or cycle did not succeed. The message names the request (status and URL),
 * the cause (with the first bytes of an unexpected body) and what happens next.
 *
 * @example
 * sync.addEventListener('error', (e) => { const { code, message } = (e as CustomEvent<SyncErrorInfo>).detail; toast(message); });
 */
export class SyncRequestError extends Error {
  override readonly name = 'SyncRequestError';
  constructor(
    readonly code: SyncErrorCode,
    message: string,
    /** The HTTP status (0 without an answer). */
    readonly status = 0,
    /** Milliseconds the server asked us to wait (Retry-After). */
    readonly retryAfterMs?: number,
    /** The protocol error code when the sync server answered one (`invalid-request`, …). */
    readonly protocolCode?: string,
  ) {
    super(message);
  }

  /** `{ code, message }` for `status.lastError`. */
  get info(): SyncErrorInfo {
    return { code: this.code, message: this.message };
  }
}
