// PostgreSQL: two pushes that lock two users in opposite orders deadlock; the database aborts one,
// and the stub runs it again instead of failing it. The PostgreSQL storage does not wait for the
// answer of a lock statement (it travels pipelined with the next read), so the deadlock surfaces on
// that read as "current transaction is aborted": the retry must look past it to the deadlock.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { stubFor, login, client } from './helpers.js';
import type { StubApp } from '../../server-stub/index.js';

test('pushes of two users whose handlers lock each other deadlock once and both apply, exactly once [postgres]', async (t) => {
  // The first two handler runs wait for each other while each holds its own user's lock, so the
  // deadlock happens every time; runs after that (the retry) pass straight through.
  let arrived = 0;
  let bothHoldTheirLocks!: () => void;
  const barrier = new Promise<void>((resolve) => (bothHoldTheirLocks = resolve));
  const app: StubApp = {
    mutations: {
      async deliver(ctx, args) {
        const { to, id } = args as { to: string; id: string };
        if (arrived < 2) {
          if (++arrived === 2) bothHoldTheirLocks();
          await barrier;
        }
        if (!(await ctx.forUser(to).create('inbox', id, { from: ctx.user }))) ctx.reject('duplicate-id', `${id} exists`);
      },
    },
  };
  const stub = await stubFor(t, { app }, 'postgres');
  const alice = client(stub.url, await login(stub.url, 'alice'));
  const bob = client(stub.url, await login(stub.url, 'bob'));
  const [a, b] = await Promise.all([alice.push({ name: 'deliver', args: { to: 'bob', id: 'from-alice' } }), bob.push({ name: 'deliver', args: { to: 'alice', id: 'from-bob' } })]);
  assert.equal(a.status, 200, JSON.stringify(a.body));
  assert.equal(b.status, 200, JSON.stringify(b.body));
  assert.deepEqual(a.body.results, [{ id: 1, status: 'applied', rev: 0 }]);
  assert.deepEqual(b.body.results, [{ id: 1, status: 'applied', rev: 0 }]);
  const inboxOf = async (c: ReturnType<typeof client>) => (await c.pullAll()).changes.map((ch: { key: string; value: unknown }) => [ch.key, ch.value]);
  assert.deepEqual(await inboxOf(alice), [['from-bob', { from: 'bob' }]]);
  assert.deepEqual(await inboxOf(bob), [['from-alice', { from: 'alice' }]]);
});
