// The protocol checks the conformance suite runs. Each is independent: it uses fresh clientIds and a
// collection of its own, and only looks at changes after the cursor it started from, so it can run
// against a server that already holds data.
import { MAX_BODY_BYTES, MAX_PULL_LIMIT, SYNC_PATHS } from '../../runtime/protocol/index.js';
import { SyncClient, expect, expectError, send } from './client.js';

/** What every check gets. */
export interface CheckContext {
  url: string;
  user: string;
  password: string;
  /** A second user, for isolation checks. */
  other?: { user: string; password: string };
  /** The server's tombstone retention, when short enough to wait for (enables the 410 check). */
  tombstoneRetentionMs?: number;
  /** A collection name no other check (or earlier run) uses. */
  collection: string;
}

/** One protocol check. */
export interface Check {
  name: string;
  /** Why the check cannot run with these options (it is then reported as skipped). */
  skip?(ctx: CheckContext): string | undefined;
  run(ctx: CheckContext): Promise<void>;
}

const login = (ctx: CheckContext) => SyncClient.login(ctx.url, ctx.user, ctx.password);
const statuses = (results: Array<{ status: string }>) => results.map((r) => r.status).join(',');

/** Every check, in the order they run. */
export const CHECKS: Check[] = [
  {
    name: 'GET /healthz answers { ok: true }',
    async run(ctx) {
      const r = await send(ctx.url, SYNC_PATHS.health);
      expect(r.status === 200 && r.body?.ok === true, `expected 200 { ok: true }, got ${r.status} ${JSON.stringify(r.body)}`);
    },
  },
  {
    name: 'login issues a token; wrong password and missing token answer 401',
    async run(ctx) {
      await login(ctx);
      expectError(await send(ctx.url, SYNC_PATHS.login, { body: { user: ctx.user, password: `${ctx.password}-wrong` } }), 401, 'bad-credentials', 'login with a wrong password');
      expectError(await send(ctx.url, SYNC_PATHS.pull, { body: { protocol: 1, clientId: 'x', cursor: null } }), 401, 'unauthorized', 'pull without a token');
      expectError(await send(ctx.url, SYNC_PATHS.push, { token: 'not-a-token', body: { protocol: 1, clientId: 'x', mutations: [] } }), 401, 'unauthorized', 'push with an unknown token');
    },
  },
  {
    name: 'put/patch/delete apply with server revs and pull returns the latest state once',
    async run(ctx) {
      const c = await login(ctx);
      const start = await c.head();
      const col = ctx.collection;
      const r = await c.push([
        { name: 'put', collection: col, key: 'a', baseRev: 0, value: { n: 1 } },
        { name: 'patch', collection: col, key: 'a', baseRev: 1, patch: { m: 2 } },
        { name: 'put', collection: col, key: 'b', baseRev: 0, value: {} },
        { name: 'delete', collection: col, key: 'b', baseRev: 1 },
      ]);
      expect(r.status === 200, `push answered ${r.status} ${JSON.stringify(r.body)}`);
      expect(JSON.stringify(r.body.results.map((x: { rev?: number }) => x.rev)) === '[1,2,1,2]' && statuses(r.body.results) === 'applied,applied,applied,applied', `expected applied revs 1,2,1,2, got ${JSON.stringify(r.body.results)}`);
      const { changes } = await c.pullAll(start);
      const mine = changes.filter((x) => x.collection === col);
      expect(mine.length === 2, `expected one change per document (2), got ${JSON.stringify(mine)}`);
      const a = mine.find((x) => x.key === 'a');
      const b = mine.find((x) => x.key === 'b');
      expect(a?.rev === 2 && a.value?.n === 1 && a.value?.m === 2, `document a should be rev 2 { n: 1, m: 2 }, got ${JSON.stringify(a)}`);
      expect(b?.rev === 2 && b.deleted === true && b.value === undefined, `document b should be a tombstone at rev 2, got ${JSON.stringify(b)}`);
    },
  },
  {
    name: 'retried mutations answer duplicate and apply once; lastMutationId advances',
    async run(ctx) {
      const c = await login(ctx);
      const [a, b, d] = c.ids(3);
      const col = ctx.collection;
      const batch = [
        { id: a, name: 'put', collection: col, key: 'r', baseRev: 0, value: { list: [] } },
        { id: b, name: 'addToSet', collection: col, key: 'r', field: 'list', values: ['x'] },
      ];
      const first = await c.push(batch);
      expect(statuses(first.body.results) === 'applied,applied', `first push: ${JSON.stringify(first.body)}`);
      const retry = await c.push([...batch, { id: d, name: 'patch', collection: col, key: 'r', baseRev: 2, patch: { done: true } }]);
      expect(statuses(retry.body.results) === 'duplicate,duplicate,applied', `retry should answer duplicate,duplicate,applied, got ${JSON.stringify(retry.body.results)}`);
      expect(retry.body.lastMutationId === d, `lastMutationId should be ${d}, got ${retry.body.lastMutationId}`);
      const pulled = await c.resync();
      expect(pulled.lastMutationIds?.[c.clientId] === d, `pull's lastMutationIds[${c.clientId}] should be ${d}, got ${JSON.stringify(pulled.lastMutationIds)}`);
    },
  },
  {
    name: 'a stale baseRev answers conflict with the current document',
    async run(ctx) {
      const c = await login(ctx);
      const col = ctx.collection;
      await c.push([{ name: 'put', collection: col, key: 'c', baseRev: 0, value: { v: 1 } }, { name: 'put', collection: col, key: 'c', baseRev: 1, value: { v: 2 } }]);
      const r = await c.push([
        { name: 'put', collection: col, key: 'c', baseRev: 1, value: { v: 'stale' } },
        { name: 'patch', collection: col, key: 'missing', baseRev: 0, patch: { v: 1 } },
      ]);
      const [stale, missing] = r.body.results;
      expect(stale?.status === 'conflict' && stale.current?.rev === 2 && stale.current.value?.v === 2, `stale put should conflict with { rev: 2, value: { v: 2 } }, got ${JSON.stringify(stale)}`);
      expect(missing?.status === 'conflict' && missing.current?.rev === 0 && missing.current.deleted === true, `patch of a missing document should conflict with { rev: 0, deleted: true }, got ${JSON.stringify(missing)}`);
    },
  },
  {
    name: 'set operations from two clients commute and never conflict',
    async run(ctx) {
      const [a, b] = await Promise.all([login(ctx), login(ctx)]);
      const col = ctx.collection;
      const [ra, rb] = await Promise.all([
        a.push([{ name: 'addToSet', collection: col, key: 's', field: 'tags', values: ['a', 'shared'] }]),
        b.push([{ name: 'addToSet', collection: col, key: 's', field: 'tags', values: ['b', 'shared'] }]),
      ]);
      expect(ra.body.results[0].status === 'applied' && rb.body.results[0].status === 'applied', `both set ops should apply, got ${JSON.stringify([ra.body, rb.body])}`);
      await a.push([{ name: 'removeFromSet', collection: col, key: 's', field: 'tags', values: ['shared'] }]);
      const doc = (await a.resync()).changes.find((x) => x.collection === col && x.key === 's');
      expect(JSON.stringify([...(doc?.value?.tags ?? [])].sort()) === '["a","b"]', `tags should be [a, b], got ${JSON.stringify(doc)}`);
    },
  },
  {
    name: 'pull pages through changes without gaps or repeats; limit is capped',
    async run(ctx) {
      const c = await login(ctx);
      const start = await c.head();
      const col = ctx.collection;
      const total = MAX_PULL_LIMIT + 50;
      for (let i = 0; i < total; i += 500) {
        const batch = [];
        for (let k = i; k < Math.min(total, i + 500); k++) batch.push({ name: 'put', collection: col, key: `p${k}`, baseRev: 0, value: { k } });
        const r = await c.push(batch);
        expect(r.status === 200, `push of ${batch.length} mutations answered ${r.status}`);
      }
      const { changes, pages } = await c.pullAll(start, 97);
      const keys = changes.filter((x) => x.collection === col).map((x) => x.key);
      expect(keys.length === total && new Set(keys).size === total, `expected ${total} distinct changes, got ${keys.length} (${new Set(keys).size} distinct)`);
      expect(pages >= Math.ceil(total / 97), `expected at least ${Math.ceil(total / 97)} pages of 97, got ${pages}`);
      const big = await c.pull(start, MAX_PULL_LIMIT * 10);
      expect(big.status === 200 && big.body.changes.length <= MAX_PULL_LIMIT && big.body.hasMore === true, `limit ${MAX_PULL_LIMIT * 10} should be capped at ${MAX_PULL_LIMIT} with hasMore, got ${big.status} with ${big.body?.changes?.length} changes`);
    },
  },
  {
    name: 'deletes reach clients as tombstones',
    async run(ctx) {
      const c = await login(ctx);
      const col = ctx.collection;
      await c.push([{ name: 'put', collection: col, key: 't', baseRev: 0, value: {} }]);
      const before = await c.head();
      await c.push([{ name: 'delete', collection: col, key: 't', baseRev: 1 }]);
      const t = (await c.pullAll(before)).changes.find((x) => x.collection === col && x.key === 't');
      expect(t?.deleted === true && t.rev === 2, `expected a tombstone at rev 2, got ${JSON.stringify(t)}`);
    },
  },
  {
    name: 'a cursor older than compacted tombstones answers 410 cursor-expired',
    skip: (ctx) => (ctx.tombstoneRetentionMs === undefined || ctx.tombstoneRetentionMs > 10_000 ? 'pass --tombstone-retention (≤ 10 s, the server\'s setting) to check 410' : undefined),
    async run(ctx) {
      const c = await login(ctx);
      const col = ctx.collection;
      await c.push([{ name: 'put', collection: col, key: 'x', baseRev: 0, value: {} }]);
      const before = await c.head();
      await c.push([{ name: 'delete', collection: col, key: 'x', baseRev: 1 }]);
      await new Promise((r) => setTimeout(r, ctx.tombstoneRetentionMs! + 250));
      expectError(await c.pull(before), 410, 'cursor-expired', 'pull from before a compacted tombstone');
      const fresh = await c.pull(null);
      expect(fresh.status === 200, `pull from null after a 410 should answer 200, got ${fresh.status}`);
    },
  },
  {
    name: "a user never sees or changes another user's documents",
    skip: (ctx) => (ctx.other ? undefined : 'pass --other-user and --other-password to check isolation'),
    async run(ctx) {
      const mine = await login(ctx);
      const theirs = await SyncClient.login(ctx.url, ctx.other!.user, ctx.other!.password);
      const col = ctx.collection;
      const start = await theirs.head();
      await mine.push([{ name: 'put', collection: col, key: 'private', baseRev: 0, value: { owner: ctx.user } }]);
      const seen = (await theirs.pullAll(start)).changes.filter((x) => x.collection === col);
      expect(seen.length === 0, `${ctx.other!.user} saw ${ctx.user}'s document: ${JSON.stringify(seen)}`);
      const r = await theirs.push([{ name: 'put', collection: col, key: 'private', baseRev: 0, value: { owner: ctx.other!.user } }]);
      expect(r.body.results[0].status === 'applied' && r.body.results[0].rev === 1, `${ctx.other!.user}'s put with baseRev 0 should create their own document at rev 1, got ${JSON.stringify(r.body)}`);
      const still = (await mine.resync()).changes.find((x) => x.collection === col && x.key === 'private');
      expect(still?.value?.owner === ctx.user, `${ctx.user}'s document was changed by ${ctx.other!.user}: ${JSON.stringify(still)}`);
      const borrowed = new SyncClient(ctx.url, theirs.token);
      Object.defineProperty(borrowed, 'clientId', { value: mine.clientId });
      expectError(await borrowed.push([{ name: 'put', collection: col, key: 'y', baseRev: 0, value: {} }]), 409, 'client-id-taken', "push with another user's clientId");
    },
  },
  {
    name: 'unknown custom mutations are rejected with unknown-mutation; ids within a push must increase (422)',
    async run(ctx) {
      const c = await login(ctx);
      const r = await c.push([{ name: 'outpostConformanceNoSuchMutation', args: {} }]);
      expect(r.body.results?.[0]?.status === 'rejected' && r.body.results[0].error?.code === 'unknown-mutation', `expected rejected/unknown-mutation, got ${JSON.stringify(r.body)}`);
      const [id] = c.ids(1);
      expectError(
        await c.push([
          { id: id! + 1, name: 'put', collection: ctx.collection, key: 'u', baseRev: 0, value: {} },
          { id: id!, name: 'put', collection: ctx.collection, key: 'v', baseRev: 0, value: {} },
        ]),
        422,
        'mutation-ids-not-increasing',
        'push with decreasing ids',
      );
    },
  },
  {
    name: 'bad requests answer JSON 400/404/405/413/415/426 and the server stays up',
    async run(ctx) {
      const c = await login(ctx);
      const token = c.token;
      expectError(await send(ctx.url, SYNC_PATHS.push, { token, raw: '{"protocol":1,' }), 400, 'malformed-json', 'truncated JSON');
      expectError(await send(ctx.url, SYNC_PATHS.push, { token, body: { protocol: 1, clientId: 'x', mutations: 'all' } }), 400, 'invalid-request', 'mutations not an array');
      // A client rejects a mutation only on a 400 naming it by its path (docs/protocol.md, "Final errors").
      const named = await send(ctx.url, SYNC_PATHS.push, { token, body: { protocol: 1, clientId: c.clientId, mutations: [{ id: 1, name: 'put', collection: ctx.collection, key: 7, baseRev: 0, value: {} }] } });
      expectError(named, 400, 'invalid-request', 'a mutation whose key is a number');
      expect(/\bmutations(\.0\b|\[0\])/.test(named.body.error.message), `a 400 about one mutation should name it by its path (mutations.0… or mutations[0]…), got '${named.body.error.message}'`);
      expectError(await send(ctx.url, SYNC_PATHS.pull, { token, body: { protocol: 1, clientId: 'x', cursor: '\u0000garbage' } }), 400, 'invalid-cursor', 'a cursor the server never issued');
      expectError(await send(ctx.url, SYNC_PATHS.pull, { token, body: { protocol: 99, clientId: 'x', cursor: null } }), 426, 'unsupported-protocol', 'protocol 99');
      expectError(await send(ctx.url, SYNC_PATHS.pull, { token, raw: '{}', contentType: 'text/plain' }), 415, 'unsupported-media-type', 'text/plain body');
      expectError(await send(ctx.url, '/sync/v1/no-such-route', { token }), 404, 'not-found', 'unknown route');
      expectError(await send(ctx.url, SYNC_PATHS.push, { token, method: 'GET' }), 405, 'method-not-allowed', 'GET /sync/v1/push');
      expectError(await send(ctx.url, SYNC_PATHS.push, { token, raw: `{"pad":"${'x'.repeat(MAX_BODY_BYTES - 9)}"}` }), 413, 'body-too-large', 'a 1 MiB + 1 byte body');
      const health = await send(ctx.url, SYNC_PATHS.health);
      expect(health.status === 200, `the server should still be up after bad requests, /healthz answered ${health.status}`);
    },
  },
  {
    name: 'the event stream pokes with the new cursor when the user\'s data changes',
    async run(ctx) {
      const c = await login(ctx);
      const controller = new AbortController();
      const res = await fetch(ctx.url + SYNC_PATHS.events, { headers: { Authorization: `Bearer ${c.token}`, Accept: 'text/event-stream' }, signal: controller.signal });
      try {
        expect(res.status === 200 && (res.headers.get('content-type') ?? '').startsWith('text/event-stream'), `GET ${SYNC_PATHS.events} should answer 200 text/event-stream, got ${res.status} ${res.headers.get('content-type')}`);
        const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
        let text = '';
        const pokes = () => [...text.matchAll(/event: poke\n(?:id: .*\n)?data: (.*)\n/g)].map((m) => JSON.parse(m[1]!).cursor as string);
        const readUntil = async (done: () => boolean, what: string) => {
          const deadline = Date.now() + 5000;
          while (!done()) {
            const left = deadline - Date.now();
            expect(left > 0, `no ${what} within 5 s; stream so far: ${JSON.stringify(text.slice(-300))}`);
            const chunk = await Promise.race([reader.read(), new Promise<{ done: true; value: undefined }>((r) => setTimeout(() => r({ done: true, value: undefined }), left))]);
            if (chunk.done) continue;
            text += chunk.value;
          }
        };
        await readUntil(() => pokes().length >= 1, 'initial poke');
        const before = pokes().length;
        await c.push([{ name: 'put', collection: ctx.collection, key: 'poke', baseRev: 0, value: {} }]);
        await readUntil(() => pokes().length > before, 'poke after a push');
        const head = await c.head();
        expect(pokes().at(-1) === head, `the poke's cursor (${pokes().at(-1)}) should be the one a pull reaches (${head})`);
      } finally {
        controller.abort();
      }
    },
  },
];
