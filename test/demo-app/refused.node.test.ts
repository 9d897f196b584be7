// The demo names a refused send by its subject; other refused changes keep the component's title.
import assert from 'node:assert/strict';
import test from 'node:test';
import { refusedChangeTitle } from '../../demo-app/app/refused.js';

const error = { code: 'invalid-args', message: 'refused' };

test('a refused send is named by its subject, a blank one as "(no subject)"', () => {
  assert.equal(refusedChangeTitle({ id: 4, mutation: { id: 4, name: 'send', args: { subject: ' Lunch? ', to: ['bob@outpost.test'] } }, error, at: 0 }), 'Send “Lunch?”');
  assert.equal(refusedChangeTitle({ id: 5, mutation: { id: 5, name: 'send', args: { subject: '' } }, error, at: 0 }), 'Send “(no subject)”');
});

test('a refused built-in change keeps the default title: the mutation and its document', () => {
  const mutation = { id: 6, name: 'addToSet' as const, collection: 'messages', key: 'm1', field: 'labels', values: ['STARRED'] };
  assert.equal(refusedChangeTitle({ id: 6, mutation, error, at: 0 }), 'addToSet on messages / m1');
});
