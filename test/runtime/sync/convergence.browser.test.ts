import { expect } from '@open-wc/testing';
import fc from 'fast-check';
import { closeAll, closeClient, client, localDocs, serverDocs, unique, type Client } from './helpers.js';
import { restartStub } from '../../../testing/commands.js';

declare global {
  interface Window {
    /** Set by `npm run test:soak` (see web-test-runner.config.mjs). */
    __OUTPOST_SOAK_RUNS?: number;
  }
}

const KEYS = ['a', 'b', 'c'];
const LABELS = ['x', 'y', 'z'];

type Command =
  | { op: 'put'; c: number; key: string; v: number }
  | { op: 'patch'; c: number; key: string; v: number }
  | { op: 'delete'; c: number; key: string }
  | { op: 'add' | 'remove'; c: number; key: string; label: string }
  | { op: 'own'; c: number }
  | { op: 'sync'; c: number }
  | { op: 'offline' | 'online'; c: number }
  | { op: 'reload'; c: number }
  | { op: 'restart-stub' };

const client3 = fc.integer({ min: 0, max: 2 });
const key = fc.constantFrom(...KEYS);
const command: fc.Arbitrary<Command> = fc.oneof(
  fc.record({ op: fc.constant('put' as const), c: client3, key, v: fc.integer({ min: 0, max: 9 }) }),
  fc.record({ op: fc.constant('patch' as const), c: client3, key, v: fc.integer({ min: 0, max: 9 }) }),
  fc.record({ op: fc.constant('delete' as const), c: client3, key }),
  fc.record({ op: fc.constantFrom('add' as const, 'remove' as const), c: client3, key, label: fc.constantFrom(...LABELS) }),
  fc.record({ op: fc.constant('own' as const), c: client3 }),
  fc.record({ op: fc.constant('sync' as const), c: client3 }),
  fc.record({ op: fc.constantFrom('offline' as const, 'online' as const), c: client3 }),
  fc.record({ op: fc.constant('reload' as const), c: client3 }),
  { arbitrary: fc.constant({ op: 'restart-stub' as const }), weight: 1 },
);

describe('sync engine: randomized convergence', () => {
  afterEach(() => closeAll());

  it('3 clients with random mutations, offline periods, reloads and stub restarts converge, each mutation applied once', async function () {
    const runs = window.__OUTPOST_SOAK_RUNS ?? 100;
    this.timeout(Math.max(120_000, runs * 3000));
    await fc.assert(
      fc.asyncProperty(fc.array(command, { minLength: 1, maxLength: 12 }), async (commands) => {
        const prefix = unique('f');
        const clients: Client[] = [];
        const offline = [false, false, false];
        const ownPuts = [0, 0, 0];
        for (let i = 0; i < 3; i++) clients.push(await client());
        const sync = async (i: number) => {
          if (!offline[i]) await clients[i].sync.syncNow();
        };
        for (const cmd of commands) {
          if (cmd.op === 'restart-stub') {
            await restartStub();
            continue;
          }
          const c = clients[cmd.c];
          const k = 'key' in cmd ? `${prefix}-${cmd.key}` : '';
          const exists = k ? !!(await c.store.collection('notes').get(k)) : false;
          switch (cmd.op) {
            case 'put':
              await c.sync.put('notes', { id: k, v: cmd.v, labels: [] });
              break;
            case 'patch':
              if (exists) await c.sync.patch('notes', k, { v: cmd.v });
              break;
            case 'delete':
              if (exists) await c.sync.delete('notes', k);
              break;
            case 'add':
            case 'remove':
              if (exists) await (cmd.op === 'add' ? c.sync.addToSet : c.sync.removeFromSet).call(c.sync, 'notes', k, 'labels', [cmd.label]);
              break;
            case 'own':
              ownPuts[cmd.c]++;
              await c.sync.put('tasks', { id: `${prefix}-own-${cmd.c}`, n: ownPuts[cmd.c] });
              break;
            case 'sync':
              await sync(cmd.c);
              break;
            case 'offline':
            case 'online':
              offline[cmd.c] = cmd.op === 'offline';
              break;
            case 'reload':
              closeClient(c);
              clients[cmd.c] = await client({ name: c.name, token: c.token });
              break;
          }
        }
        // Everyone back online; two rounds let every client see every other's pushes.
        for (let round = 0; round < 2; round++) for (const c of clients) await c.sync.syncNow();
        const server = await serverDocs(prefix);
        const serverNotes = [...server.values()].filter((d) => d.collection === 'notes' && !d.deleted).map((d) => d.value).sort((a, b) => String(a!.id).localeCompare(String(b!.id)));
        for (const c of clients) {
          expect(await c.store.collection('$outbox').count(), 'outbox drained').to.equal(0);
          expect(await localDocs(c, 'notes', prefix)).to.deep.equal(serverNotes);
        }
        // A document only one client writes: its rev counts the puts that reached the server.
        for (let i = 0; i < 3; i++) {
          const own = server.get(`tasks/${prefix}-own-${i}`);
          if (ownPuts[i] === 0) expect(own).to.equal(undefined);
          else expect(own!.rev, `client ${i}: ${ownPuts[i]} puts applied exactly once`).to.equal(ownPuts[i]);
        }
        await closeAll();
      }),
      { numRuns: runs, seed: 20261125, endOnFailure: true },
    );
  });
});
