// The demo names a document in conflict by its kind and its name or subject before either change.
import assert from 'node:assert/strict';
import test from 'node:test';
import type { StoredConflict } from '../../runtime/index.js';
import { conflictTitle } from '../../demo-app/app/conflict-title.js';

const conflict = (collection: string, base: Record<string, unknown> | undefined, mine?: Record<string, unknown>, theirs?: Record<string, unknown>): StoredConflict => ({ id: `${collection}/k#1`, collection, key: 'k', mutationId: 1, base, mine, theirs, theirsRev: 2, fields: ['name'], at: 0 });

test('a label is named as it was before both changes, a draft by its subject', () => {
  assert.equal(conflictTitle(conflict('labels', { id: 'k', name: 'Work' }, { id: 'k', name: 'Work (phone)' }, { id: 'k', name: 'Work (laptop)' })), 'Label “Work”');
  assert.equal(conflictTitle(conflict('drafts', { id: 'k', subject: ' Lunch? ' })), 'Draft “Lunch?”');
  assert.equal(conflictTitle(conflict('drafts', { id: 'k', subject: '' })), 'Draft “(no subject)”');
});

test('a document made on one side only is named from that side; one without a name keeps the default', () => {
  assert.equal(conflictTitle(conflict('labels', undefined, undefined, { id: 'k', name: 'Travel' })), 'Label “Travel”');
  assert.equal(conflictTitle(conflict('notes', { id: 'k', name: 'x' })), 'notes / k');
  assert.equal(conflictTitle(conflict('labels', { id: 'k' })), 'labels / k');
});
