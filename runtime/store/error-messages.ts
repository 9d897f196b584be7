// The messages of the store's errors, a lazy chunk (see toStoreError in errors.ts). It imports only
// types, and gets the StoreError class handed over: a module shared with the start-up bundle would
// be split into a chunk of its own.
import type { StoreError } from './errors.js';

/** The path of the first value in `value` that structured clone refuses, e.g. `attachments[0].read`. */
function uncloneablePath(value: unknown, path = '', seen = new Set<unknown>()): string | undefined {
  if (typeof value === 'function' || typeof value === 'symbol') return path || '(the value itself)';
  if (value === null || typeof value !== 'object' || seen.has(value)) return undefined;
  seen.add(value);
  // `Node` exists only in windows; this module also runs in the service worker.
  const DomNode = (globalThis as { Node?: abstract new () => object }).Node;
  if (DomNode && value instanceof DomNode) return path || '(the value itself)';
  for (const [k, v] of Object.entries(value)) {
    const found = uncloneablePath(v, Array.isArray(value) ? `${path}[${k}]` : path ? `${path}.${k}` : k, seen);
    if (found) return found;
  }
  return undefined;
}

/** The StoreError for an IndexedDB error, or the error itself when it has no better name. */
export function explain(Err: typeof StoreError, err: Error, names: string | string[] | undefined, value?: unknown): unknown {
  // A transaction's object stores (a collection's word store beside it): the collection when one.
  const listed = typeof names == 'string' ? [names] : (names ?? []).filter((n) => !n.startsWith('$words/'));
  const collection = listed.length === 1 ? listed[0] : undefined;
  const where = collection ? ` in collection '${collection}'` : '';
  switch (err.name) {
    case 'DataCloneError': {
      const path = value === undefined ? undefined : uncloneablePath(value);
      return new Err('not-cloneable', `Cannot store the value${where}: ${path ? `'${path}'` : 'a field'} cannot be cloned (functions, symbols, DOM nodes and class instances with private state cannot be stored). Store plain data instead.`, { collection, cause: err });
    }
    case 'ConstraintError':
      return new Err('constraint', `A unique constraint was violated${where}: another record already has that key or unique index value. Use put() to replace, or pick another value.`, { collection, cause: err });
    case 'QuotaExceededError':
      return new Err('quota', `The browser's storage quota is full${where}; nothing was written. Free space (delete old data) or ask for persistent storage with persistStorage().`, { collection, cause: err });
    case 'InvalidStateError':
    case 'TransactionInactiveError':
      if (/clos/i.test(err.message)) return new Err('connection-closed', `The database connection closed during the operation${where}; its outcome is unknown. Read the record back before retrying.`, { collection, cause: err });
      return err;
    case 'AbortError':
      // idb's own AbortError (its message its name) comes of an abort by code: the store's, after
      // a call failed in the transaction (store.ts), or the app's through tx.raw.
      return new Err('aborted', `The transaction${where} was aborted and nothing it wrote was kept: ${err.message == err.name ? 'a call in it failed (the error that call rejected with says why), or code aborted it' : err.message}`, { collection, cause: err });
    case 'NotFoundError':
      // The schema declares a collection or index the database lacks: it grew without a new version.
      return new Err('invalid-schema', `The database has no object store or index for ${collection ? `collection '${collection}' (or one of its indexes)` : 'a collection (or index) the schema declares'}: it was created at an earlier version of the schema. Raise \`version\` in openStore() whenever you add a collection or an index, so the store adds it.`, { collection, cause: err });
    case 'DataError':
      // Also a range whose bounds are reversed: Firefox's message does not tell the two apart.
      return new Err('missing-key', `A key or range${where} is not valid for IndexedDB (${err.message}). Keys are strings, numbers, dates or arrays of them, and a range's first bound may not be above its second (between: [low, high]).`, { collection, cause: err });
    case 'InvalidAccessError':
    case 'TypeError':
      // Refusals of IndexedDB's transaction(), the only caller passing its names as a list and
      // the mode as the value (store.ts #begin): no name, or a mode it does not take (a
      // migration's TypeError, from the connection it reopens, is not one).
      if (Array.isArray(names) && (!names.length || /mode/i.test(err.message))) {
        return new Err('invalid-query', names.length ? `store.transaction() cannot run in mode '${String(value)}': IndexedDB takes 'readonly' or 'readwrite' only. Pass one, e.g. store.transaction(['${listed[0]}'], 'readwrite', fn).` : `store.transaction() was given no collection. List those its callback uses: store.transaction(['messages'], 'readwrite', fn).`, { collection, cause: err });
      }
      return err;
    default:
      return err;
  }
}

/** What the store itself refuses (see `failure` and `refusal` in errors.ts). */
export type Failure = 'aborted' | 'connection-closed/outdated' | 'connection-closed' | 'version-blocked/upgrade' | 'version-blocked/delete' | 'unknown-collection' | 'unknown-collection/transaction' | 'unknown-collection/route' | 'missing-key' | 'unknown-index' | 'invalid-query/words-multiEntry' | 'invalid-query/limit' | 'invalid-schema/version';

/** The StoreError for one of the store's own refusals: `name` is the store's, or the collection's. */
export function failure(Err: typeof StoreError, what: Failure, name: string, detail = '', extra = ''): StoreError {
  switch (what) {
    case 'missing-key':
      // detail: the key path; extra: what the value is.
      return extra === 'object'
        ? new Err('missing-key', `Record for collection '${name}' has no '${detail}' (its key field). Set ${detail} before storing it.`, { collection: name })
        : new Err('missing-key', `Collection '${name}' stores objects, got ${extra}. Pass an object with a '${detail}' field.`, { collection: name });
    case 'unknown-index':
      // detail: the index ('' for a word search); extra: the declared ones.
      return new Err('unknown-index', detail ? `Collection '${name}' has no index '${detail}'. Its indexes: ${extra || 'none'}. Declare it in the schema, and raise the store's \`version\` when you add one.` : `Collection '${name}' has no word index. Declare words: ['field', …] on collection '${name}' to search it.`, { collection: name });
    case 'invalid-query/words-multiEntry':
      // detail: the index.
      return new Err('invalid-query', `A word search on collection '${name}' cannot be listed in the order of index '${detail}': it is multiEntry (a record has several keys there, so a page has no single position). Order it by a plain, compound or computed index that is not multiEntry (e.g. a date), or filter the word search's results instead.`, { collection: name });
    case 'invalid-query/limit':
      // detail: the limit.
      return new Err('invalid-query', `A query on collection '${name}' has limit ${detail}: a limit is a whole number of rows, 0 or more. Pass one, e.g. { limit: 50 }, or leave limit out to read every row.`, { collection: name });
    case 'invalid-schema/version':
      // name: the store's; detail: the version.
      return new Err('invalid-schema', `Store '${name}' has version ${detail}: a schema version is a positive integer. Start at version: 1 and raise it by one whenever collections, indexes or migrations change.`);
    case 'connection-closed/outdated':
      return new Err('connection-closed', `Store '${name}' was closed because another tab upgraded it to a newer version. Reload the page to use the new version.`);
    case 'connection-closed':
      return new Err('connection-closed', `Store '${name}' is closed. Open it again with openStore().`);
    case 'version-blocked/upgrade':
      return new Err('version-blocked', `Store '${name}' cannot upgrade to version ${detail}: another tab keeps the old version open. Close or reload the other tabs of this app.`);
    case 'version-blocked/delete':
      return new Err('version-blocked', `Store '${name}' is not deleted yet: a connection to it stays open (another tab, or code of this page that ignores versionchange). It is deleted as soon as that connection closes, and opening the store waits until then: close it (store.close()) or the other tabs rather than go on using its data.`);
    case 'unknown-collection':
      // detail: the store; extra: its collections.
      return new Err('unknown-collection', `Store '${detail}' has no collection '${name}'. Declared: ${extra}. Add it to the schema and raise the version.`, { collection: name });
    case 'unknown-collection/route':
      // detail: the route's path; extra: the store.
      return new Err('unknown-collection', `createApp: route '${detail}' needs collection '${name}', which store '${extra}' does not declare. Add it to openStore({ collections }) (and to createSync's collections to sync it), or fix the route's collections.`, { collection: name });
    case 'aborted':
      // name: the collection.
      return new Err('aborted', `A call on collection '${name}' came after an earlier write of this read-write transaction failed: that failure aborted the transaction, and nothing it wrote is kept. Let the transaction fail (store.transaction() rejects with aborted), then run it again without the failing write.`, { collection: name });
    case 'unknown-collection/transaction':
      // detail: the transaction's collections; none for a live query started inside one.
      return new Err('unknown-collection', detail ? `Collection '${name}' is not part of this transaction (${detail}). List it in store.transaction([...]).` : `observe() cannot start inside a transaction: call it on store.collection('${name}').`, { collection: name });
  }
}
