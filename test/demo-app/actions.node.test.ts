// The demo's actions say their label change in advance, so the list can paint it before the write.
import assert from 'node:assert/strict';
import test from 'node:test';
import { ACTIONS, labelAction, relabeled } from '../../demo-app/app/actions.js';

test('a user label action carries the change it makes, adding or taking off that label only', () => {
  const work = { id: 'label-work', name: 'Work' };
  assert.deepEqual(labelAction(work).change, { add: ['label-work'], remove: [] });
  assert.deepEqual(labelAction(work, true).change, { add: [], remove: ['label-work'] });
  assert.deepEqual(relabeled(['INBOX', 'UNREAD'], labelAction(work).change!), ['INBOX', 'UNREAD', 'label-work']);
  assert.deepEqual(relabeled(['INBOX', 'label-work'], labelAction(work, true).change!), ['INBOX']);
});

test('every built-in action carries its change: archive takes INBOX off, star adds STARRED', () => {
  for (const [name, action] of Object.entries(ACTIONS)) assert.ok(action.change, `${name} has no change`);
  assert.deepEqual(ACTIONS.archive.change, { add: [], remove: ['INBOX'] });
  assert.deepEqual(relabeled(['INBOX', 'STARRED'], ACTIONS.star.change!), ['INBOX', 'STARRED']);
});
