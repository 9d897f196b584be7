import { test } from 'node:test';
import assert from 'node:assert/strict';
import { groupThreads } from '../../demo-app/mail/threads.js';
import { generateMailbox } from '../../demo-app/server/mailbox.js';

test('groupThreads folds messages into threads, newest thread first, with flags from any message', () => {
  const messages = generateMailbox('alice', 200, 1_700_000_000_000);
  const threads = groupThreads([...messages].reverse(), 'alice@outpost.test');
  assert.equal(threads.reduce((n, t) => n + t.messageIds.length, 0), 200);
  assert.equal(new Set(threads.map((t) => t.threadId)).size, threads.length);
  for (let i = 1; i < threads.length; i++) assert.ok(threads[i].date <= threads[i - 1].date);
  for (const t of threads) {
    const own = messages.filter((m) => m.threadId === t.threadId);
    assert.equal(t.unread, own.some((m) => m.labels.includes('UNREAD')));
    assert.equal(t.date, Math.max(...own.map((m) => m.date)));
    assert.ok(!t.subject.startsWith('Re:'), 'subject comes from the first message');
    if (own.some((m) => m.from.email === 'alice@outpost.test')) assert.ok(t.senders.includes('me'));
  }
});
