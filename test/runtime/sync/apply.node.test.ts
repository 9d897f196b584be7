import assert from 'node:assert/strict';
import { test } from 'node:test';
import { applyMutation } from '../../../runtime/sync/apply.js';
import type { Mutation } from '../../../runtime/protocol/index.js';

const set = (name: 'addToSet' | 'removeFromSet', values: Array<string | number>) => ({ id: 1, name, collection: 'notes', key: 'k', field: 'tags', values }) as unknown as Mutation;

test('set operations give the value the server will hold: no empty field for a set left as it was, no document made by a remove', () => {
  // A remove from a missing document does nothing (the server's setOp answers rev 0, writes nothing).
  assert.equal(applyMutation(undefined, set('removeFromSet', ['a']), 'id'), undefined);
  // An add to a missing document creates it with the set.
  assert.deepEqual(applyMutation(undefined, set('addToSet', ['a', 'a']), 'id'), { id: 'k', tags: ['a'] });
  // A set left as it was: the document itself, without a field it did not have.
  const doc = { id: 'k', n: 3 };
  assert.equal(applyMutation(doc, set('removeFromSet', ['x']), 'id'), doc);
  const tagged = { id: 'k', tags: ['a', 'b'] };
  assert.equal(applyMutation(tagged, set('addToSet', ['b']), 'id'), tagged);
  // Changes keep the order of first insertion, each element once.
  assert.deepEqual(applyMutation(tagged, set('addToSet', ['c', 'a', 'c']), 'id'), { id: 'k', tags: ['a', 'b', 'c'] });
  assert.deepEqual(applyMutation(tagged, set('removeFromSet', ['a']), 'id'), { id: 'k', tags: ['b'] });
  assert.deepEqual(tagged, { id: 'k', tags: ['a', 'b'] });
});
