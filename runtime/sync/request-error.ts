// Kept apart from the transport, which loads on the first sync cycle rather than at start.

/** Why a request did not succeed, as the engine needs to know it. */
export class SyncRequestError extends Error {
  override readonly name = 'SyncRequestError';
  constructor(
    /** `network` (no response), `auth` (401), `expired` (410), `upgrade` (426), `retry` (429/5xx), `invalid` (other 4xx). */
    readonly kind: 'network' | 'auth' | 'expired' | 'upgrade' | 'retry' | 'invalid',
    message: string,
    readonly status = 0,
    /** Milliseconds the server asked us to wait (Retry-After). */
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}
