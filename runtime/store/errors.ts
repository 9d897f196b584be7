import type { Failure } from './error-messages.js';

/** What went wrong, as a machine-readable code. */
export type StoreErrorCode =
  | 'missing-key'
  | 'not-cloneable'
  | 'unknown-collection'
  | 'unknown-index'
  | 'constraint'
  | 'quota'
  | 'connection-closed'
  | 'version-blocked'
  | 'aborted'
  | 'invalid-schema'
  | 'invalid-query';

/**
 * The one error type the store throws. `code` says what went wrong; the message names the
 * collection or field, the cause and the fix. A failed write never leaves a partial result.
 *
 * @example
 * try { await messages.put(value); } catch (e) { if (e instanceof StoreError && e.code === 'quota') showStorageFull(); }
 */
export class StoreError extends Error {
  override readonly name = 'StoreError';
  /** What went wrong. */
  readonly code: StoreErrorCode;
  /** The collection involved, when there is one. */
  readonly collection?: string;

  constructor(code: StoreErrorCode, message: string, options: { collection?: string; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.code = code;
    this.collection = options.collection;
  }
}

let messages: Promise<unknown> | undefined;
let loaded: typeof import('./error-messages.js') | undefined;

/** Loads the error messages once (openStore awaits it); `loaded` stays undefined when the chunk cannot load. */
export const loadMessages = () => (messages ??= import('./error-messages.js').then((m) => (loaded = m), () => undefined));

/**
 * Turns a DOMException from IndexedDB into a StoreError that says what to do. The messages are a
 * lazy chunk, kept out of the start-up bundle; where it could not load, the browser's own error
 * is passed on.
 */
export async function toStoreError(err: unknown, collection?: string | string[], value?: unknown): Promise<unknown> {
  if (Array.isArray(err)) return failure(...(err as Refusal));
  if (err instanceof StoreError || !(err instanceof Error)) return err;
  await loadMessages();
  return loaded?.explain(StoreError, err, collection, value) ?? err;
}

/**
 * A refusal raised where no await is possible (inside a read's transaction): thrown as this
 * tuple, turned into its StoreError by toStoreError on the way out.
 */
export type Refusal = [what: Failure, name: string, detail?: string, extra?: string];


/**
 * A StoreError for one of the store's own refusals, at once: its message from the lazy chunk,
 * which openStore awaited (a bare message where the chunk could not load).
 */
export const refusal = (...[what, name, detail, extra]: Refusal): StoreError => loaded?.failure(StoreError, what, name, detail, extra) ?? new StoreError(what.split('/')[0] as StoreErrorCode, `${what}: '${name}' ${detail ?? ''}`);

/** {@link refusal}, once the messages are in (or could not load). */
export const failure = async (...r: Refusal): Promise<StoreError> => (await loadMessages(), refusal(...r));
