// The push response as JSON, with each conflicting document serialised once per push however many
// results carry it (a push of 1000 mutations against one big document must not stringify it 1000 times).
import type { PushResponse } from '../runtime/protocol/index.js';

/** `JSON.stringify(response)`, reusing the text of `current` objects that appear more than once. */
export function pushResponseJson(response: PushResponse): string {
  const texts = new Map<object, string>();
  const results = response.results.map((r) => {
    if (r.status !== 'conflict') return JSON.stringify(r);
    let current = texts.get(r.current);
    if (current === undefined) texts.set(r.current, (current = JSON.stringify(r.current)));
    return `{"id":${JSON.stringify(r.id)},"status":"conflict","current":${current}}`;
  });
  return `{"results":[${results.join(',')}],"lastMutationId":${JSON.stringify(response.lastMutationId)}}`;
}
