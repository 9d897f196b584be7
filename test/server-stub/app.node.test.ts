import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { eachBackend, stubFor, login, client, tempDir } from './helpers.js';
import { startStub, type MutationContext } from '../../server-stub/index.js';

const APP = fileURLToPath(new URL('./fixtures/test-app.mjs', import.meta.url));

eachBackend("custom mutations run on the server and may write other users' documents in the same push; the answer lists the caller's documents written, with their revs", async (t, backend) => {
  const stub = await stubFor(t, { app: APP }, backend);
  const alice = client(stub.url, await login(stub.url, 'alice'));
  const bob = client(stub.url, await login(stub.url, 'bob'));
  const r = await alice.push({ name: 'sendNote', args: { id: 'n1', to: 'bob', text: 'hi bob' } });
  // Bob's inbox is not listed: another user's document is none of the caller's business.
  assert.deepEqual(r.body.results, [{ id: 1, status: 'applied', rev: 0, writes: [{ collection: 'sent', key: 'n1', rev: 1 }] }]);
  assert.deepEqual((await bob.pullAll()).changes, [{ collection: 'inbox', key: 'n1', rev: 1, value: { from: 'alice', text: 'hi bob' } }]);
  assert.deepEqual((await alice.pullAll()).changes, [{ collection: 'sent', key: 'n1', rev: 1, value: { to: 'bob', text: 'hi bob' } }]);
});

eachBackend("a custom mutation's answer lists the first 1000 documents its handler wrote, not every one", async (t, backend) => {
  const stub = await stubFor(t, { app: APP }, backend);
  const alice = client(stub.url, await login(stub.url, 'alice'));
  const r = await alice.push({ name: 'fill', args: { n: 1001 } });
  const writes = r.body.results[0].writes as Array<{ key: string; rev: number }>;
  assert.equal(writes.length, 1000);
  assert.deepEqual(writes[0], { collection: 'fill', key: 'd0', rev: 1 });
  assert.equal(new Set(writes.map((w) => w.key)).size, 1000);
  assert.equal((await alice.pullAll()).changes.length, 1001, 'every document written all the same');
});

eachBackend('unknown custom mutations, ctx.reject() and handler crashes answer rejected and leave no partial writes', async (t, backend) => {
  const errors: unknown[] = [];
  const stub = await stubFor(t, { app: APP, logError: (_m, err) => errors.push(err) }, backend);
  const alice = client(stub.url, await login(stub.url));
  const r = await alice.push(
    { name: 'noSuchThing', args: {} },
    { name: 'sendNote', args: { id: 'n1', to: 'mallory', text: 'x' } },
    { name: 'explode' },
    { name: 'put', collection: 'notes', key: 'after', baseRev: 0, value: {} },
  );
  const [unknown, refused, crashed, after] = r.body.results;
  assert.equal(unknown.status, 'rejected');
  assert.equal(unknown.error.code, 'unknown-mutation');
  assert.match(unknown.error.message, /noSuchThing/);
  assert.deepEqual(refused, { id: 2, status: 'rejected', error: { code: 'invalid-args', message: "No user 'mallory'." } });
  assert.equal(crashed.status, 'rejected');
  assert.equal(crashed.error.code, 'mutation-failed');
  assert.match(crashed.error.message, /explode.*boom/);
  assert.equal(errors.length, 1, 'the crash was logged');
  assert.deepEqual(after, { id: 4, status: 'applied', rev: 1 }, 'the rest of the push still commits');
  assert.equal(r.body.lastMutationId, 4);
  assert.deepEqual((await alice.pullAll()).changes.map((c: { key: string }) => c.key), ['after'], 'no half-written document');
});

eachBackend('an app without handlers rejects every custom mutation with unknown-mutation', async (t, backend) => {
  const stub = await stubFor(t, {}, backend);
  const alice = client(stub.url, await login(stub.url));
  const r = await alice.push({ name: 'sendNote', args: {} });
  assert.equal(r.body.results[0].error.code, 'unknown-mutation');
});

eachBackend('a write a handler does not await that fails answers as if the handler had thrown, and the server keeps serving', async (t, backend) => {
  const app = {
    mutations: {
      // Forgot the await: before, the rejection went unhandled and Node exited.
      unawaited(ctx: MutationContext, args: unknown) {
        void ctx.docs.put('notes', 'n1', args as Record<string, string>);
      },
      async awaited(ctx: MutationContext, args: unknown) {
        await ctx.docs.put('notes', 'n2', args as Record<string, string>);
      },
    },
  };
  const stub = await stubFor(t, { app, limits: { documentBytes: 1000, pushResponseBytes: 8000 } }, backend);
  const alice = client(stub.url, await login(stub.url));
  const big = { text: 'x'.repeat(2000) };
  const [unawaited, awaited] = (await alice.push({ name: 'unawaited', args: big }, { name: 'awaited', args: big })).body.results;
  assert.equal(unawaited.status, 'rejected');
  assert.equal(unawaited.error.code, 'document-too-large');
  assert.deepEqual(unawaited.error, { ...awaited.error, message: awaited.error.message.replace('n2', 'n1') }, 'the same answer as a handler that awaited (and so threw)');
  assert.equal((await fetch(`${stub.url}/healthz`)).status, 200);
  assert.deepEqual((await alice.pullAll()).changes, []);
});

test("a handler's document call after it finished rejects with an error saying so, writes nothing and never crashes the server", async (t) => {
  let saved: MutationContext | undefined;
  const logged: string[] = [];
  const app = { mutations: { keep: (ctx: MutationContext) => void (saved = ctx) } };
  const stub = await stubFor(t, { app, logError: (message) => logged.push(message) });
  const alice = client(stub.url, await login(stub.url));
  assert.equal((await alice.push({ name: 'keep' })).body.results[0].status, 'applied');
  // Unawaited too: nothing may reach Node's unhandled-rejection handler (the test runner fails on one).
  void saved!.docs.put('notes', 'late', {});
  await assert.rejects(saved!.forUser('bob').put('notes', 'late', {}), /put\(\) on ctx's documents was called after the handler of mutation 'keep' \(id 1\) had finished, so nothing was done.*Await every/);
  assert.equal(logged.length, 2, 'each late call is logged: the app has a bug');
  assert.match(logged[0]!, /mutation handler 'keep' used ctx after it finished/);
  assert.equal((await fetch(`${stub.url}/healthz`)).status, 200);
  assert.deepEqual((await alice.pullAll()).changes, [], 'nothing written');
});

test('a seed runs once per data directory; an unknown seed fails start-up naming the known ones', async () => {
  const dataDir = tempDir();
  const first = await startStub({ port: 0, dataDir, app: APP, seed: 'demo' });
  const bob = client(first.url, await login(first.url, 'bob'));
  assert.deepEqual((await bob.pullAll()).changes, [{ collection: 'inbox', key: 'welcome', rev: 1, value: { text: 'Welcome, bob' } }]);
  await first.close();
  const second = await startStub({ port: 0, dataDir, app: APP, seed: 'demo' });
  const again = client(second.url, await login(second.url, 'bob'));
  assert.equal((await again.pullAll()).changes[0].rev, 1, 'the seed did not run twice');
  await second.close();
  await assert.rejects(startStub({ port: 0, dataDir: ':memory:', app: APP, seed: 'nope' }), /Unknown seed 'nope'.*demo/);
});

test('--app modules with the wrong shape fail with a message naming the module', async () => {
  await assert.rejects(startStub({ port: 0, dataDir: ':memory:', app: '/nonexistent/app.mjs' }), /Could not load the --app module/);
});
