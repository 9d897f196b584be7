import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startStub } from 'outpost-server';
import demoApp from '../../demo-app/server/app.js';
import { generateMailbox } from '../../demo-app/server/mailbox.js';
import type { MailMessage } from '../../demo-app/model.js';

type Change = { collection: string; key: string; rev: number; value?: Record<string, unknown>; deleted?: true };

async function demoStub(t: import('node:test').TestContext, seed?: string, seedSize?: number) {
  const stub = await startStub({ port: 0, dataDir: mkdtempSync(join(tmpdir(), 'outpost-demo-')), app: demoApp, seed, seedSize });
  t.after(() => stub.close());
  const login = async (user: string) => {
    const res = await fetch(`${stub.url}/auth/v1/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ user, password: user }) });
    assert.equal(res.status, 200);
    return ((await res.json()) as { token: string }).token;
  };
  const call = async (token: string, path: string, body: unknown) => {
    const res = await fetch(`${stub.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify(body) });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  const pullAll = async (token: string) => {
    const docs = new Map<string, Change>();
    let cursor: string | null = null;
    for (;;) {
      const { status, body } = await call(token, '/sync/v1/pull', { protocol: 1, clientId: 'reader', cursor, limit: 1000 });
      assert.equal(status, 200);
      for (const c of body.changes as Change[]) docs.set(`${c.collection}/${c.key}`, c);
      cursor = body.cursor as string;
      if (!body.hasMore) return docs;
    }
  };
  return { stub, login, call, pullAll };
}

test('the demo mailbox generator is deterministic, newest first, and threads messages', () => {
  const a = generateMailbox('alice', 300, 1_700_000_000_000);
  const b = generateMailbox('alice', 300, 1_700_000_000_000);
  assert.deepEqual(a, b);
  assert.equal(a.length, 300);
  assert.notDeepEqual(generateMailbox('bob', 300, 1_700_000_000_000)[0].subject + generateMailbox('bob', 300, 1_700_000_000_000)[1].from.email, a[0].subject + a[1].from.email);
  for (let i = 1; i < a.length; i++) assert.ok(a[i].date < a[i - 1].date, 'dates strictly decrease');
  const threads = new Set(a.map((m) => m.threadId));
  assert.ok(threads.size < a.length && threads.size > a.length / 6, `${threads.size} threads for ${a.length} messages`);
  assert.ok(a.some((m) => m.html) && a.some((m) => m.attachments.length) && a.some((m) => m.labels.includes('UNREAD')));
});

test('seed demo gives alice and bob their own mailbox and labels', async (t) => {
  const { login, pullAll } = await demoStub(t, 'demo');
  const alice = await pullAll(await login('alice'));
  const bob = await pullAll(await login('bob'));
  const aliceMessages = [...alice.values()].filter((c) => c.collection === 'messages');
  assert.equal(aliceMessages.length, 2000);
  assert.equal([...bob.values()].filter((c) => c.collection === 'messages').length, 2000);
  assert.ok(alice.has('labels/label-work'));
  assert.ok(!aliceMessages.some((c) => bob.has(`messages/${c.key}`)), 'no message id is shared between the two mailboxes');
});

test('seed demo honours --seed-size', async (t) => {
  const { login, pullAll } = await demoStub(t, 'demo', 120);
  const alice = await pullAll(await login('alice'));
  assert.equal([...alice.values()].filter((c) => c.collection === 'messages').length, 120);
});

test('send delivers one SENT copy to the sender and one INBOX copy to each local recipient', async (t) => {
  const { login, call, pullAll } = await demoStub(t);
  const alice = await login('alice');
  const bob = await login('bob');
  const args = { id: 'msg-1', threadId: 'thr-1', to: ['bob@outpost.test'], subject: 'Lunch?', text: 'Noon at the usual place.' };
  const { status, body } = await call(alice, '/sync/v1/push', { protocol: 1, clientId: 'c1', mutations: [{ id: 1, name: 'send', args }] });
  assert.equal(status, 200);
  assert.equal((body.results as Array<{ status: string }>)[0].status, 'applied');
  const sent = (await pullAll(alice)).get('messages/msg-1')!.value as unknown as MailMessage;
  assert.deepEqual(sent.labels, ['SENT']);
  assert.equal(sent.from.email, 'alice@outpost.test');
  const inbox = [...(await pullAll(bob)).values()].filter((c) => c.collection === 'messages');
  assert.equal(inbox.length, 1);
  const received = inbox[0]!.value as unknown as MailMessage;
  assert.deepEqual(received.labels, ['INBOX', 'UNREAD']);
  assert.equal(received.subject, 'Lunch?');
  assert.notEqual(received.id, 'msg-1', "the recipient's copy has an id the server derived");
  assert.equal(received.id, inbox[0]!.key);
  // A retry of the same mutation id delivers nothing twice.
  const retry = await call(alice, '/sync/v1/push', { protocol: 1, clientId: 'c1', mutations: [{ id: 1, name: 'send', args }] });
  assert.equal((retry.body.results as Array<{ status: string }>)[0].status, 'duplicate');
});

test('send to an unknown recipient bounces a notice into the sender inbox', async (t) => {
  const { login, call, pullAll } = await demoStub(t);
  const alice = await login('alice');
  const args = { id: 'msg-2', threadId: 'thr-2', to: ['carol@outpost.test', 'someone@example.com'], subject: 'Hi', text: 'Hello' };
  await call(alice, '/sync/v1/push', { protocol: 1, clientId: 'c1', mutations: [{ id: 1, name: 'send', args }] });
  const bounce = (await pullAll(alice)).get('messages/msg-2-bounce')!.value as unknown as MailMessage;
  assert.deepEqual(bounce.labels, ['INBOX', 'UNREAD']);
  assert.match(bounce.text, /carol@outpost\.test, someone@example\.com/);
});

test('send with malformed arguments is rejected with invalid-args and writes nothing', async (t) => {
  const { login, call, pullAll } = await demoStub(t);
  const alice = await login('alice');
  const { body } = await call(alice, '/sync/v1/push', { protocol: 1, clientId: 'c1', mutations: [{ id: 1, name: 'send', args: { id: 'x', to: [] } }] });
  const result = (body.results as Array<{ status: string; error?: { code: string } }>)[0];
  assert.equal(result.status, 'rejected');
  assert.equal(result.error!.code, 'invalid-args');
  assert.equal((await pullAll(alice)).size, 0);
});

const send = (id: string, threadId: string, extra: Record<string, unknown> = {}) => ({ id, threadId, to: ['bob@outpost.test'], subject: 'Hi', text: 'Hello', ...extra });

test("send never overwrites or joins the recipient's existing mail: the seeded ids and threads alice can guess stay bob's", async (t) => {
  const { login, call, pullAll } = await demoStub(t, 'demo', 10);
  const alice = await login('alice');
  const bob = await login('bob');
  const before = await pullAll(bob);
  const victim = [...before.values()].find((c) => c.collection === 'messages')!.value as unknown as MailMessage;
  const { body } = await call(alice, '/sync/v1/push', { protocol: 1, clientId: 'c1', mutations: [{ id: 1, name: 'send', args: send(victim.id, victim.threadId, { subject: 'Your bank: reset your password' }) }] });
  assert.equal((body.results as Array<{ status: string }>)[0].status, 'applied');
  const after = await pullAll(bob);
  assert.deepEqual(after.get(`messages/${victim.id}`), before.get(`messages/${victim.id}`), "bob's message is untouched");
  const forged = [...after.values()].filter((c) => c.collection === 'messages' && !before.has(`messages/${c.key}`)).map((c) => c.value as unknown as MailMessage);
  assert.equal(forged.length, 1);
  assert.notEqual(forged[0]!.threadId, victim.threadId, "alice's mail does not land in bob's thread");
  assert.ok(![...before.values()].some((c) => (c.value as unknown as MailMessage | undefined)?.threadId === forged[0]!.threadId));
  // Writing a link into her own mailbox does not help either: links must be confirmed by bob's side.
  await call(alice, '/sync/v1/push', { protocol: 1, clientId: 'c1', mutations: [{ id: 2, name: 'send', args: send('m-2', 'alice-thread', { subject: 'x' }) }] });
  const third = await call(alice, '/sync/v1/push', { protocol: 1, clientId: 'c1', mutations: [{ id: 3, name: 'put', collection: '$threads', key: 'alice-thread', baseRev: 1, value: { bob: victim.threadId } }] });
  assert.equal(third.status, 400, 'clients cannot write the server-owned $threads collection');
});

test('a reply stays in one conversation on both sides', async (t) => {
  const { login, call, pullAll } = await demoStub(t);
  const alice = await login('alice');
  const bob = await login('bob');
  await call(alice, '/sync/v1/push', { protocol: 1, clientId: 'ca', mutations: [{ id: 1, name: 'send', args: send('a-1', 'ta') }] });
  const bobThread = ([...(await pullAll(bob)).values()].find((c) => c.collection === 'messages')!.value as unknown as MailMessage).threadId;
  await call(bob, '/sync/v1/push', { protocol: 1, clientId: 'cb', mutations: [{ id: 1, name: 'send', args: { ...send('b-1', bobThread), to: ['alice@outpost.test'] } }] });
  await call(alice, '/sync/v1/push', { protocol: 1, clientId: 'ca', mutations: [{ id: 2, name: 'send', args: send('a-2', 'ta') }] });
  const threadsOf = async (token: string) => new Set([...(await pullAll(token)).values()].filter((c) => c.collection === 'messages').map((c) => (c.value as unknown as MailMessage).threadId));
  assert.deepEqual(await threadsOf(alice), new Set(['ta']));
  assert.deepEqual(await threadsOf(bob), new Set([bobThread]));
});

test('send caps recipients, subject and text, and refuses a reused message id', async (t) => {
  const { login, call } = await demoStub(t);
  const alice = await login('alice');
  const many = Array.from({ length: 51 }, (_, i) => `u${i}@example.com`);
  const cases: Array<[Record<string, unknown>, string]> = [
    [send('m1', 't', { to: many }), 'too-many-recipients'],
    [send('m2', 't', { subject: 's'.repeat(999) }), 'subject-too-long'],
    [send('m3', 't', { text: 'x'.repeat(100_001) }), 'text-too-long'],
    [send('m4'.repeat(100), 't'), 'invalid-args'],
  ];
  let id = 1;
  for (const [args, code] of cases) {
    const { body } = await call(alice, '/sync/v1/push', { protocol: 1, clientId: 'c1', mutations: [{ id: id++, name: 'send', args }] });
    assert.equal((body.results as Array<{ error?: { code: string } }>)[0].error?.code, code);
  }
  await call(alice, '/sync/v1/push', { protocol: 1, clientId: 'c1', mutations: [{ id: id++, name: 'send', args: send('same', 't') }] });
  const again = await call(alice, '/sync/v1/push', { protocol: 1, clientId: 'c1', mutations: [{ id, name: 'send', args: send('same', 't', { subject: 'changed' }) }] });
  assert.equal((again.body.results as Array<{ error?: { code: string } }>)[0].error?.code, 'duplicate-id');
});
