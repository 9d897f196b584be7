import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  parseProtocol,
  PushRequestSchema,
  PullRequestSchema,
  LoginRequestSchema,
  PullResponseSchema,
  PushResponseSchema,
  MAX_MUTATIONS_PER_PUSH,
} from '../../../runtime/protocol/index.js';

const push = (...mutations: unknown[]) => parseProtocol(PushRequestSchema, { protocol: 1, clientId: 'c1', mutations });

test('every built-in mutation shape from the spec is accepted as is', () => {
  const r = push(
    { id: 1, name: 'put', collection: 'mail', key: 'a', baseRev: 0, value: { subject: 'hi' } },
    { id: 2, name: 'patch', collection: 'mail', key: 'a', baseRev: 1, patch: { read: true } },
    { id: 3, name: 'delete', collection: 'mail', key: 'a', baseRev: 2 },
    { id: 4, name: 'addToSet', collection: 'mail', key: 'b', field: 'labels', values: ['x', 2] },
    { id: 5, name: 'removeFromSet', collection: 'mail', key: 'b', field: 'labels', values: ['x'] },
    { id: 6, name: 'sendMail', args: { to: ['bob'] } },
  );
  assert.ok(r.ok, r.ok ? '' : r.message);
  assert.equal(r.value.mutations.length, 6);
  assert.deepEqual(r.value.mutations[5], { id: 6, name: 'sendMail', args: { to: ['bob'] } });
});

test('a built-in mutation with missing or mistyped fields is refused with the field path in the message', () => {
  const cases: Array<[unknown, RegExp]> = [
    [{ id: 1, name: 'put', collection: 'mail', key: 'a', baseRev: 0 }, /mutations\.0\.value/],
    [{ id: 1, name: 'put', collection: 'mail', key: 'a', baseRev: 0, value: [1, 2] }, /mutations\.0\.value.*JSON object/],
    [{ id: 1, name: 'patch', collection: 'mail', key: 'a', baseRev: -1, patch: {} }, /baseRev/],
    [{ id: 0, name: 'delete', collection: 'mail', key: 'a', baseRev: 1 }, /mutations\.0\.id/],
    [{ id: 1.5, name: 'delete', collection: 'mail', key: 'a', baseRev: 1 }, /mutations\.0\.id/],
    [{ id: 1, name: 'addToSet', collection: 'mail', key: 'a', field: 'labels', values: [{}] }, /values/],
    [{ id: 1, name: 'put', collection: 'no spaces', key: 'a', baseRev: 0, value: {} }, /collection/],
    [{ id: 1, name: 7 }, /name/],
  ];
  for (const [mutation, message] of cases) {
    const r = push(mutation);
    assert.equal(r.ok, false, `${JSON.stringify(mutation)} should be refused`);
    if (!r.ok) assert.match(r.message, message);
  }
});

test('push requires protocol 1, a clientId and at most MAX_MUTATIONS_PER_PUSH mutations', () => {
  assert.equal(parseProtocol(PushRequestSchema, { protocol: 2, clientId: 'c', mutations: [] }).ok, false);
  assert.equal(parseProtocol(PushRequestSchema, { protocol: 1, mutations: [] }).ok, false);
  assert.equal(parseProtocol(PushRequestSchema, { protocol: 1, clientId: '', mutations: [] }).ok, false);
  const many = Array.from({ length: MAX_MUTATIONS_PER_PUSH + 1 }, (_, i) => ({ id: i + 1, name: 'delete', collection: 'c', key: 'k', baseRev: 1 }));
  const r = parseProtocol(PushRequestSchema, { protocol: 1, clientId: 'c', mutations: many });
  assert.equal(r.ok, false);
  if (!r.ok) assert.match(r.message, /split it/);
});

test('pull takes a string or null cursor and an optional positive integer limit', () => {
  assert.ok(parseProtocol(PullRequestSchema, { protocol: 1, clientId: 'c', cursor: null }).ok);
  assert.ok(parseProtocol(PullRequestSchema, { protocol: 1, clientId: 'c', cursor: 'abc.12', limit: 50 }).ok);
  assert.equal(parseProtocol(PullRequestSchema, { protocol: 1, clientId: 'c', cursor: 12 }).ok, false);
  assert.equal(parseProtocol(PullRequestSchema, { protocol: 1, clientId: 'c', cursor: null, limit: 0 }).ok, false);
  assert.equal(parseProtocol(PullRequestSchema, { protocol: 1, clientId: 'c' }).ok, false);
});

test('login needs user and password; response schemas accept what the spec describes', () => {
  assert.ok(parseProtocol(LoginRequestSchema, { user: 'alice', password: 'alice' }).ok);
  assert.equal(parseProtocol(LoginRequestSchema, { user: 'alice' }).ok, false);
  assert.ok(
    parseProtocol(PullResponseSchema, {
      changes: [{ collection: 'mail', key: 'a', rev: 3, value: { x: 1 } }, { collection: 'mail', key: 'b', rev: 4, deleted: true }],
      cursor: 'e.4',
      hasMore: false,
      lastMutationIds: { c1: 7 },
    }).ok,
  );
  assert.ok(
    parseProtocol(PushResponseSchema, {
      results: [
        { id: 1, status: 'applied', rev: 1 },
        { id: 2, status: 'conflict', current: { rev: 4, deleted: true } },
        { id: 3, status: 'rejected', error: { code: 'unknown-mutation', message: 'x' } },
        { id: 4, status: 'duplicate' },
        { id: 5, status: 'duplicate', original: { status: 'applied', rev: 2 } },
        { id: 6, status: 'duplicate', original: { status: 'conflict', current: { rev: 3, value: { x: 1 } } } },
        { id: 7, status: 'duplicate', original: { status: 'rejected', error: { code: 'not-a-set', message: 'x' } } },
      ],
      lastMutationId: 7,
    }).ok,
  );
  assert.equal(parseProtocol(PushResponseSchema, { results: [{ id: 1, status: 'duplicate', original: { status: 'duplicate' } }], lastMutationId: 1 }).ok, false, 'an original is a first answer, never a duplicate');
  assert.equal(parseProtocol(PushResponseSchema, { results: [{ id: 1, status: 'duplicate', original: { status: 'rejected' } }], lastMutationId: 1 }).ok, false, 'a rejected original carries its error');
  assert.equal(parseProtocol(PushResponseSchema, { results: [{ id: 1, status: 'maybe' }], lastMutationId: 1 }).ok, false);
});
