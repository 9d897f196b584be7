// Wire types of sync protocol v1 (docs/protocol.md) and its error-code table. The valibot schemas
// in schemas.ts check that inputs match these shapes.

/** A document's value: a JSON object (parsed from the wire, so every leaf is JSON). */
export type DocumentValue = Record<string, unknown>;

/** An element of a set-valued field: sets hold strings or numbers (e.g. label ids). */
export type SetElement = string | number;

/**
 * A server cursor: an opaque string marking a point in the user's total order of changes.
 * Store it and send it back as is; never parse, compare or build one.
 */
export type Cursor = string;

/** Fields every mutation has. `id` is a positive integer, strictly increasing per client. */
export interface MutationBase {
  id: number;
}

/** Create (baseRev 0) or replace a whole document. */
export interface PutMutation extends MutationBase {
  name: 'put';
  collection: string;
  key: string;
  /** The rev the client last saw; 0 means "the document does not exist yet" (create). */
  baseRev: number;
  value: DocumentValue;
}

/** Set some top-level fields of an existing document (a `null` value sets the field to null). */
export interface PatchMutation extends MutationBase {
  name: 'patch';
  collection: string;
  key: string;
  baseRev: number;
  patch: DocumentValue;
}

/** Delete a document; it travels to other clients as a tombstone. */
export interface DeleteMutation extends MutationBase {
  name: 'delete';
  collection: string;
  key: string;
  baseRev: number;
}

/** Add or remove elements of an array field used as a set. Never conflicts (no baseRev). */
export interface SetMutation extends MutationBase {
  name: 'addToSet' | 'removeFromSet';
  collection: string;
  key: string;
  field: string;
  values: SetElement[];
}

/** An app-defined mutation, run by server code the app registers (e.g. `sendMail`). */
export interface CustomMutation extends MutationBase {
  name: string;
  args?: unknown;
}

/** The names of the built-in mutations; any other name is a custom mutation. */
export type BuiltinMutationName = 'put' | 'patch' | 'delete' | 'addToSet' | 'removeFromSet';

/** Any built-in mutation. */
export type BuiltinMutation = PutMutation | PatchMutation | DeleteMutation | SetMutation;

/** Any mutation a client may push. */
export type Mutation = BuiltinMutation | CustomMutation;

/** Body of `POST /sync/v1/push`. */
export interface PushRequest {
  protocol: 1;
  clientId: string;
  mutations: Mutation[];
}

/** A machine-readable code and a message a person can act on. */
export interface ProtocolError {
  code: string;
  message: string;
}

/** The current state of a document, sent with a conflict. */
export type CurrentDocument = { rev: number; value: DocumentValue } | { rev: number; deleted: true };

/** The outcome of one mutation. Every status is final: the id is consumed either way. */
export type MutationResult =
  | {
      id: number;
      status: 'applied';
      /** The document's new rev (0 for a custom mutation). */
      rev: number;
      /** For a custom mutation: the caller's documents its handler wrote, each with its new rev. */
      writes?: Array<{ collection: string; key: string; rev: number }>;
    }
  | { id: number; status: 'conflict'; current: CurrentDocument }
  | { id: number; status: 'rejected'; error: ProtocolError }
  | {
      id: number;
      status: 'duplicate';
      /**
       * The id's first answer, when the server still has it (it keeps those of each client's latest
       * push): the client settles the mutation as that. Absent, the mutation was applied at an
       * unknown rev or the server no longer knows how it went.
       */
      original?: OriginalOutcome;
    };

/**
 * The first answer to a mutation, repeated in a `duplicate` result: its rev, its error, or (for a
 * conflict) the document as it is now.
 */
export type OriginalOutcome =
  | { status: 'applied'; rev: number }
  | { status: 'conflict'; current: CurrentDocument }
  | { status: 'rejected'; error: ProtocolError };

/** Response of `POST /sync/v1/push`. */
export interface PushResponse {
  /** One per mutation, in order, for the push's first mutations (a server may take only some; the rest go again). */
  results: MutationResult[];
  /** The highest mutation id the server has applied for this client (0 if none). */
  lastMutationId: number;
}

/** Body of `POST /sync/v1/pull`. */
export interface PullRequest {
  protocol: 1;
  clientId: string;
  /** null = from the start. */
  cursor: Cursor | null;
  /** Page size; default 500, clamped to 1000. */
  limit?: number;
}

/** One changed document in a pull page: its latest state (a tombstone when deleted). */
export type Change =
  | { collection: string; key: string; rev: number; value: DocumentValue; deleted?: undefined }
  | { collection: string; key: string; rev: number; deleted: true; value?: undefined };

/** Response of `POST /sync/v1/pull`. */
export interface PullResponse {
  changes: Change[];
  /** Where the next pull starts. */
  cursor: Cursor;
  /** True when more changes follow this page: pull again with `cursor`. */
  hasMore: boolean;
  /** Last applied mutation id of each of this user's clients, as of this page. */
  lastMutationIds: Record<string, number>;
}

/** Body of `POST /auth/v1/login`. */
export interface LoginRequest {
  protocol?: 1;
  user: string;
  password: string;
}

/** Response of `POST /auth/v1/login`: send `Authorization: Bearer <token>` on sync routes. */
export interface LoginResponse {
  token: string;
  user: string;
}

/** Data of the `poke` Server-Sent Event (the event's `id` is the same cursor). */
export interface PokeEvent {
  cursor: Cursor;
}

/** Body of every error response. */
export interface ErrorResponse {
  error: ProtocolError;
}

/**
 * Error codes servers send, with their HTTP status. Rejected mutations use codes too (see
 * `RejectionCode`), inside a 200 push response.
 */
export const ERROR_STATUS = {
  'malformed-json': 400,
  'invalid-request': 400,
  'invalid-cursor': 400,
  unauthorized: 401,
  'bad-credentials': 401,
  'origin-not-allowed': 403,
  'not-found': 404,
  'method-not-allowed': 405,
  'client-id-taken': 409,
  /** The user has as many client ids as the server keeps (stub: `--max-clients`); a push from a new one is refused. */
  'too-many-clients': 409,
  'cursor-expired': 410,
  'body-too-large': 413,
  'document-too-large': 413,
  /** The answer to a push would pass the server's response limit; nothing was applied. Push fewer mutations. */
  'response-too-large': 413,
  'unsupported-media-type': 415,
  'host-not-allowed': 421,
  'mutation-ids-not-increasing': 422,
  'unsupported-protocol': 426,
  'too-many-requests': 429,
  internal: 500,
  /** The server's storage failed (disk full, database down); nothing was applied. Retry after Retry-After. */
  unavailable: 503,
} as const;

/** An error code a server answers with. */
export type ErrorCode = keyof typeof ERROR_STATUS;

/**
 * The error answers that are final for a request (docs/protocol.md, "Final errors"): sending the
 * same request again can never succeed. A client acts on one only when the sync server answered it
 * (a JSON `{ error: { code } }` whose code has this status in {@link ERROR_STATUS}); every other
 * answer (a proxy's HTML page, an unknown code) is temporary and retried, keeping the outbox.
 * - `push`: the batch holds a mutation the server refuses as such; narrow the batch down to that
 *   one mutation and record it as rejected.
 * - `pull`: the cursor is unusable; clear synced state and pull from `null`, keeping the outbox.
 */
export const FINAL_ERRORS = {
  push: ['invalid-request', 'body-too-large', 'document-too-large', 'response-too-large'],
  pull: ['invalid-cursor', 'cursor-expired'],
} as const satisfies Record<'push' | 'pull', readonly ErrorCode[]>;

/** Codes of `rejected` mutation results. Apps may add their own from custom handlers. */
export type RejectionCode = 'unknown-mutation' | 'invalid-args' | 'not-a-set' | 'mutation-failed' | (string & {});
