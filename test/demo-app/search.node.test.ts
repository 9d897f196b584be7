import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseSearch, isEmptySearch } from '../../demo-app/mail/search-query.js';
import { matchesSearch } from '../../demo-app/mail/match.js';
import type { MailMessage } from '../../demo-app/model.js';

const base: MailMessage = {
  id: 'm1', threadId: 't1',
  from: { name: 'Ada Lovelace', email: 'ada@example.com' },
  to: [{ name: 'Alice', email: 'alice@outpost.test' }], cc: [],
  subject: 'Quarterly invoice', snippet: '', text: 'Please find the budget attached. Ünïcode wörds too.',
  date: Date.UTC(2026, 0, 15, 12), labels: ['INBOX', 'UNREAD', 'label-work'],
  attachments: [{ name: 'a.pdf', size: 1, mime: 'application/pdf' }],
};

test('parseSearch reads every operator and leaves free words lower-cased', () => {
  const q = parseSearch('from:Ada to:alice subject:"quarterly inv" label:Work is:unread is:starred has:attachment before:2026/02/01 after:2026-01-01 Budget');
  assert.deepEqual(q.from, ['ada']);
  assert.deepEqual(q.to, ['alice']);
  assert.deepEqual(q.subject, ['quarterly', 'inv']);
  assert.deepEqual(q.labels, ['Work']);
  assert.equal(q.unread, true);
  assert.equal(q.starred, true);
  assert.equal(q.hasAttachment, true);
  assert.equal(q.before, Date.UTC(2026, 1, 1));
  assert.equal(q.after, Date.UTC(2026, 0, 2));
  assert.deepEqual(q.words, ['budget']);
  assert.deepEqual(q.invalid, []);
});

test('parseSearch reports malformed operators instead of silently ignoring them', () => {
  const q = parseSearch('is:purple before:yesterday has:cat');
  assert.deepEqual(q.invalid, ['is:purple', 'before:yesterday', 'has:cat']);
  assert.equal(isEmptySearch(q), true);
  assert.equal(isEmptySearch(parseSearch('hello')), false);
});

test('matchesSearch applies each operator and prefix-matches Unicode words', () => {
  const labels = [{ id: 'label-work', name: 'Work', color: '#000' }];
  const yes = (s: string) => assert.equal(matchesSearch(base, parseSearch(s), labels), true, s);
  const no = (s: string) => assert.equal(matchesSearch(base, parseSearch(s), labels), false, s);
  yes('from:ada'); no('from:grace');
  yes('to:alice'); no('to:bob');
  yes('subject:quart'); no('subject:budget');
  yes('label:work'); yes('label:inbox'); no('label:travel');
  yes('is:unread'); no('is:read'); no('is:starred');
  yes('has:attachment');
  yes('before:2026/01/16'); no('before:2026/01/15');
  yes('after:2026/01/14'); no('after:2026/01/15');
  yes('budg'); yes('wör'); yes('invoice lovelace'); no('budget missing');
});
