// The push response as JSON, built result by result with a running byte total: each conflicting
// document is serialised once per push however many results carry it (protocol v1 repeats it in
// every conflict result), and the answer stops at `--max-push-response` instead of growing unbounded.
import type { MutationResult } from '../runtime/protocol/index.js';
import { HttpError } from './http.js';

/** `{"results":[` + `],"lastMutationId":` + a safe integer + `}`. */
const ENVELOPE_BYTES = 64;

/** Collects the results of one push; throws `response-too-large` once they pass `limit` bytes. */
export class PushAnswer {
  readonly #texts: string[] = [];
  // Keyed by the document object storage handed out, so repeated conflicts on one document share its text.
  readonly #currents = new Map<object, { text: string; bytes: number }>();
  #bytes = ENVELOPE_BYTES;

  constructor(private readonly limit: number) {}

  /** Adds one result. @throws HttpError 413 `response-too-large` naming the limit and its flag. */
  add(result: MutationResult): void {
    let text: string;
    let bytes: number;
    // A retried conflict's `duplicate` repeats the document too (its `original`).
    const doc = result.status === 'conflict' ? result.current : result.status === 'duplicate' && result.original?.status === 'conflict' ? result.original.current : undefined;
    if (doc) {
      let current = this.#currents.get(doc);
      if (current === undefined) {
        const json = JSON.stringify(doc);
        this.#currents.set(doc, (current = { text: json, bytes: Buffer.byteLength(json) }));
      }
      const head = `{"id":${JSON.stringify(result.id)},"status":${result.status === 'conflict' ? '"conflict","current":' : '"duplicate","original":{"status":"conflict","current":'}`;
      const tail = result.status === 'conflict' ? '}' : '}}';
      text = `${head}${current.text}${tail}`;
      bytes = head.length + current.bytes + tail.length + 1;
    } else {
      text = JSON.stringify(result);
      bytes = Buffer.byteLength(text) + 1;
    }
    // Checked before keeping the text: memory stays near the limit whatever the push holds.
    if (this.#bytes + bytes > this.limit) {
      throw new HttpError(
        'response-too-large',
        `The answer to this push would pass this server's limit of ${this.limit} bytes (--max-push-response) at mutations[${this.#texts.length}] (id ${result.id}); nothing was applied. Push fewer mutations at once (most conflicts repeat the document's current state).`,
      );
    }
    this.#bytes += bytes;
    this.#texts.push(text);
  }

  /** The response body. */
  json(lastMutationId: number): string {
    return `{"results":[${this.#texts.join(',')}],"lastMutationId":${JSON.stringify(lastMutationId)}}`;
  }
}
