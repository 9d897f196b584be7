import type { CollectionSchema } from '../store/index.js';
import type { DocumentValue, Mutation, ProtocolError } from '../protocol/index.js';

/**
 * The sync engine's own collections. Spread them into the store's schema:
 * `openStore({ name, version, collections: { ...appCollections, ...syncCollections } })`.
 */
export const syncCollections: Record<string, CollectionSchema> = {
  /** Pending mutations in push order. */
  $outbox: { keyPath: 'id', indexes: { byDoc: 'doc' } },
  /** Client id, next mutation id, pull cursor and other engine state. */
  $meta: { keyPath: 'key' },
  /** The server rev last seen for each document (`collection/key`). */
  $revs: { keyPath: 'doc' },
  /** Conflicts the policy could not resolve, for the UI. */
  $conflicts: { keyPath: 'id' },
  /** Mutations the server refused, with its reason. */
  $rejected: { keyPath: 'id' },
};

/** A mutation waiting in the outbox. */
export interface OutboxEntry {
  [field: string]: unknown;
  /** The mutation id (also the outbox order). */
  id: number;
  mutation: Mutation;
  /** `collection/key` of the document a built-in mutation changes; '' for custom mutations. */
  doc: string;
  /** The document's value before this mutation (undefined when it did not exist). */
  base?: DocumentValue;
  /** See {@link Pulled}: what a rejection restores instead of `base` once a pull brought the document. */
  pulled?: Pulled;
  /**
   * Set when an earlier mutation of this document was acknowledged without its rev (a `duplicate`
   * after a lost answer, or through `lastMutationIds`): this entry's `baseRev` is unknown until a
   * full pull that ends after pull epoch `rebaseAfter`; it waits for one, then takes the pulled rev.
   */
  rebaseAfter?: number;
  /**
   * Set on an entry waiting for a rev (`rebaseAfter`) when the pulled document is not the value it
   * was made on (another client changed it in between): it is pushed on a rev the server has moved
   * past, so it meets a conflict instead of overwriting that change.
   */
  moved?: boolean;
  /** For a custom mutation: the documents its mutator wrote, each with its value before. */
  writes?: CustomWrite[];
  createdAt: number;
}

/** A document a custom mutator wrote (`collection/key`) and its value before (absent: none). */
export interface CustomWrite {
  [field: string]: unknown;
  doc: string;
  base?: DocumentValue;
  /** See {@link Pulled}. */
  pulled?: Pulled;
}

/**
 * A pending entry's document before it as the server had it at the last pull that brought the
 * document (`value` absent: the server had deleted it), with the earlier pending edits of it on
 * top: `base` is the value the edit was made on, which another client's change pulled since has
 * replaced, so a rejection restores this instead.
 */
export interface Pulled {
  [field: string]: unknown;
  value?: DocumentValue;
}

/** A conflict the policy could not resolve, kept in `$conflicts`. */
export interface StoredConflict {
  [field: string]: unknown;
  id: string;
  collection: string;
  key: string;
  mutationId: number;
  base?: DocumentValue;
  mine?: DocumentValue;
  /** The server's version (undefined when it deleted the document). */
  theirs?: DocumentValue;
  theirsRev: number;
  /** Fields both sides changed differently. */
  fields: string[];
  at: number;
}

/** A mutation the server refused, kept in `$rejected`. */
export interface StoredRejection {
  [field: string]: unknown;
  id: number;
  mutation: Mutation;
  error: ProtocolError;
  at: number;
}

/** `collection/key`, the id of a document across collections. */
export const docId = (collection: string, key: string) => `${collection}/${key}`;
