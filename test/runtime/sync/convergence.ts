// Model-based convergence: random user actions on three engines (two tabs sharing one store — the
// test page and a real second page with its own event loop — and another device) interleave with
// faults from outside (network cuts of every page, a proxy's 403/503, lost answers, the stub
// SIGKILLed mid-push, dropped event streams, reloads) and with the engines' own timers. After
// quiescence the server and every replica must equal a reference model computed from the mutations
// the app made and the protocol's documented semantics, each mutation applied once.
import { expect } from '@open-wc/testing';
import fc from 'fast-check';
import { closeAll, closeClient, client, login, renaming, serverDocs, unique, waitFor, type Client } from './helpers.js';
import { dropEventStreams, goOffline, goOnline, killStub, proxyUrl, setProxyRules, startStubAgain, stubUrl, type ProxyRule } from '../../../testing/commands.js';
import type { MutationHandle, SyncStatus } from '../../../runtime/sync/index.js';
import { RemoteTab } from './tabs.js';
// Loaded with the page, as an app's service worker would serve it offline: the test cuts the
// network at random moments, and Firefox keeps a failed dynamic import failed (CI: 'Sync could not
// load its network code', 20 rounds).
import '../../../runtime/sync/cycle.js';

declare global {
  interface Window {
    /** Set by `npm run test:soak` (see web-test-runner.config.mjs and scripts/soak-sync.mjs). */
    __OUTPOST_SOAK_RUNS?: number;
    __OUTPOST_SOAK_SEED?: number;
    __OUTPOST_SOAK_PATH?: string;
    /** Report the first failure without shrinking it (a quick look; replay it to shrink). */
    __OUTPOST_SOAK_NO_SHRINK?: boolean;
  }
}

// Tabs 0 and 1 share store 0 (one leader between them): tab 0 is the test page, tab 1 another page
// of the browser (RemoteTab). Tab 2 is another device (store 1), in the test page. The network
// commands cut every page's network (the testing kit's goOffline), tab 1's too.
const STORE_OF_TAB = [0, 0, 1];
const KEYS = 2;
const LABELS = 3;

type Command =
  | { op: 'put' | 'patch' | 'rename'; tab: number; k: number; v: number }
  | { op: 'delete'; tab: number; k: number }
  | { op: 'add' | 'remove'; tab: number; label: number }
  | { op: 'wait'; ms: number }
  | { op: 'offline' | 'online' | 'kill' | 'start' | 'drop-streams' }
  | { op: 'proxy'; fault: 'html-403' | 'json-503' | 'lost-answer' | 'kill-mid-push'; times: number }
  | { op: 'reload'; tab: number };

const tab = fc.integer({ min: 0, max: 2 });
const killMidPush: fc.Arbitrary<Command> = fc.record({ op: fc.constant('proxy' as const), fault: fc.constant('kill-mid-push' as const), times: fc.constant(1) });
const killOrStart: fc.Arbitrary<Command> = fc.record({ op: fc.constantFrom('kill' as const, 'start' as const) });
const command: fc.Arbitrary<Command> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ op: fc.constantFrom('put' as const, 'patch' as const), tab, k: fc.nat(KEYS - 1), v: fc.nat(9) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('delete' as const), tab, k: fc.nat(KEYS - 1) }) },
  // A custom mutation (fixtures/rename.ts, the stub's handler in fixtures/sync-app.mjs).
  { weight: 2, arbitrary: fc.record({ op: fc.constant('rename' as const), tab, k: fc.nat(KEYS - 1), v: fc.nat(9) }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constantFrom('add' as const, 'remove' as const), tab, label: fc.nat(LABELS - 1) }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant('wait' as const), ms: fc.integer({ min: 0, max: 60 }) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constantFrom('offline' as const, 'online' as const, 'drop-streams' as const) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('proxy' as const), fault: fc.constantFrom('html-403' as const, 'json-503' as const, 'lost-answer' as const), times: fc.integer({ min: 1, max: 2 }) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('reload' as const), tab }) },
  { weight: 1, arbitrary: fc.oneof(killMidPush, killOrStart) },
);
// A kill in nearly every run (19 in 20), at a random place, besides the ones drawn above: a restart
// costs milliseconds (the testing kit keeps the next stub process loaded).
const commands = fc.tuple(fc.array(command, { minLength: 1, maxLength: 10 }), fc.option(fc.tuple(fc.nat(10), fc.oneof(killMidPush, killOrStart)), { freq: 20 })).map(([list, kill]) => {
  if (kill) list.splice(kill[0] % (list.length + 1), 0, kill[1]);
  return list;
});

function rule(fault: Extract<Command, { op: 'proxy' }>): ProxyRule {
  const times = fault.times;
  switch (fault.fault) {
    case 'html-403':
      return { route: 'push', times, fault: { respond: { status: 403 } } };
    case 'json-503':
      return { route: 'push', times, fault: { respond: { status: 503, contentType: 'application/json', headers: { 'Retry-After': '0' }, body: '{"error":{"code":"internal","message":"busy"}}' } } };
    case 'lost-answer':
      return { route: 'push', times, fault: { forwardThenCut: true } };
    case 'kill-mid-push':
      return { route: 'push', times: 1, fault: { killStub: true } };
  }
}

type Doc = Record<string, unknown>;

/**
 * The reference model: what the server must hold, from the mutations the app made, in each store's
 * mutation-id order. Each store writes only its own documents (so compare-and-swap never
 * conflicts) and only its own labels of the shared document (so set operations from different
 * stores commute): the expected state does not depend on how pushes interleave.
 */
class Model {
  readonly docs = new Map<string, { value?: Doc; rev: number }>();
  readonly labels = new Set<string>();
  sharedRev = 1;

  doc(key: string) {
    let d = this.docs.get(key);
    if (!d) this.docs.set(key, (d = { rev: 0 }));
    return d;
  }

  /** Applies one mutation as the protocol documents it; returns false when the app would not make it. */
  apply(cmd: Command, key: string, label: string): boolean {
    if (cmd.op === 'put' || cmd.op === 'patch' || cmd.op === 'rename' || cmd.op === 'delete') {
      const d = this.doc(key);
      if (cmd.op !== 'put' && !d.value) return false;
      d.value = cmd.op === 'put' ? { id: key, v: cmd.v, labels: [] } : cmd.op === 'patch' ? { ...d.value, v: cmd.v } : cmd.op === 'rename' ? { ...d.value, title: `t${cmd.v}` } : undefined;
      d.rev++;
      return true;
    }
    if (cmd.op === 'add' || cmd.op === 'remove') {
      // An unchanged set is not written (no new rev).
      if (this.labels.has(label) !== (cmd.op === 'add')) this.sharedRev++;
      if (cmd.op === 'add') this.labels.add(label);
      else this.labels.delete(label);
      return true;
    }
    return false;
  }
}

/** Each client's last processed mutation id, as the server reports it. */
async function lastMutationIds(token: string): Promise<Record<string, number>> {
  const res = await fetch(`${await stubUrl()}/sync/v1/pull`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ protocol: 1, clientId: unique('reader'), cursor: null, limit: 1 }) });
  return ((await res.json()) as { lastMutationIds: Record<string, number> }).lastMutationIds;
}

// One session for every run (the stub keeps tokens across restarts).
let sessionToken: string | undefined;
// Whether this page is offline now (switching costs a browser round trip: only when it changes).
let pageOffline = false;
let proxy: string | undefined;
// Set when a run may have left proxy rules or a dead stub behind (the property's finally heals them).
let dirty = { ruled: false, killed: false };
// Tab 1's page, kept across runs (each run opens a new engine in it), and whether an engine is open there.
let remote: RemoteTab | undefined;
let remoteOpen = false;

/** Closes tab 1's engine, before the run's stores are deleted (its open connection would block that). */
async function closeRemote(): Promise<void> {
  if (remoteOpen) await remote!.call('close');
  remoteOpen = false;
}

// A run that takes longer has hung (runs take 1-6 s on a machine at load 30): it fails naming the
// step it was on, with its seed, instead of stopping the whole session without one.
const RUN_LIMIT_MS = 100_000;
// Each clean-up step after a run (a runner command, closing tab 1's engine, deleting the stores).
const CLEANUP_STEP_MS = 20_000;
// Shrinking a failure in a session (a replay of its path shrinks without limit).
const SHRINK_BUDGET_MS = 120_000;

/**
 * Where a run is, for the time limit's error; `abandoned` stops a run that outlived its limit at its
 * next step; the slowest step so far, for a slow run's report.
 */
interface Progress {
  step: string;
  abandoned: boolean;
  since: number;
  slowest: { step: string; ms: number };
}

const progress = (): Progress => ({ step: 'starting', abandoned: false, since: performance.now(), slowest: { step: '', ms: 0 } });

/** Records the step a run is starting (and stops a run abandoned at its time limit). */
function at(p: Progress, step: string): void {
  if (p.abandoned) throw new Error(`convergence-run-abandoned: this run outlived its time limit and stops before ${step}.`);
  const now = performance.now();
  if (now - p.since > p.slowest.ms) p.slowest = { step: p.step, ms: now - p.since };
  p.step = step;
  p.since = now;
}

/** Resolves with `work`, or rejects with `expired()` once `ms` have passed. */
function within<T>(work: Promise<T>, ms: number, expired: () => Error): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const limit = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(expired()), ms)));
  return Promise.race([work, limit]).finally(() => clearTimeout(timer));
}

/**
 * Heals what a run may have left (proxy rules, an offline network, a dead stub, tab 1's engine,
 * the stores), each step within {@link CLEANUP_STEP_MS}, so a clean-up cannot hang either. Returns
 * what failed. After a hung run (`hung`), tab 1's page is closed and opened afresh by the next run.
 */
async function cleanUp(hung: boolean): Promise<string[]> {
  const problems: string[] = [];
  const step = async (what: string, work: () => Promise<unknown>) => {
    try {
      await within(work(), CLEANUP_STEP_MS, () => new Error(`convergence-cleanup-timeout: ${what} did not finish within ${CLEANUP_STEP_MS / 1000} s.`));
    } catch (err) {
      problems.push(`${what}: ${err instanceof Error ? err.message : String(err)}`);
    }
  };
  if (dirty.ruled) await step('clearing the proxy rules', () => setProxyRules([]));
  if (pageOffline) await step('going online', () => goOnline());
  pageOffline = false;
  if (dirty.killed) await step('starting the stub again', () => startStubAgain());
  dirty = { ruled: false, killed: false };
  let closed = !remoteOpen;
  if (remoteOpen && !hung) await step("closing tab 1's engine", async () => (await closeRemote(), (closed = true)));
  if (!closed || hung) {
    // Its page may be the part that hung: a new one next run.
    const r = remote;
    remote = undefined;
    remoteOpen = false;
    if (r) await step("closing tab 1's page", () => r.close());
  }
  await step('closing the engines and deleting the stores', () => closeAll());
  return problems;
}

async function run(list: Command[], p: Progress): Promise<void> {
  const prefix = unique('cv');
  const url = (proxy ??= await proxyUrl());
  // Server commands cost a round trip to the test runner: heal only what this run broke.
  let ruled = false;
  let killed = false;
  const token = (sessionToken ??= await login());
  const names = [unique('cv-s0'), unique('cv-s1')];
  // `renaming`: the rename mutator, and notes that settle server-wins: a store's edits never
  // conflict (see Model), so a conflict the engine made itself (an edit pushed on a stale rev)
  // drops the edit and shows as a lost change; merge hid most.
  const open = (t: number) => client({ name: names[STORE_OF_TAB[t]], token, sync: { url, events: true, debounceMs: 5, ...renaming } });
  const tabs: Client[] = [];
  at(p, 'set-up: opening the engines of tabs 0 and 2');
  for (const t of [0, 2]) tabs[t] = await open(t);
  // Tab 1: the other page opens its engine on store 0 after tab 0 leads it.
  at(p, "set-up: opening tab 1's page (RemoteTab.open)");
  const other = (remote ??= await RemoteTab.open());
  const openOther = () => other.call('open', { store: names[0], token, url, events: true, debounceMs: 5, notesConflict: 'server-wins' });
  at(p, "set-up: tab 1's answer to 'open'");
  await openOther();
  remoteOpen = true;
  const shared = `${prefix}-shared`;
  // The shared document exists everywhere before the run.
  at(p, 'set-up: the shared document acknowledged');
  await (await tabs[0].sync.put('tasks', { id: shared, labels: [] })).acked;
  at(p, "set-up: tab 2's syncNow");
  await tabs[2].sync.syncNow();
  const models = [new Model(), new Model()];
  const issued: Array<{ from: Client; handle: MutationHandle }> = [];
  // Tab 1's handles since its engine last opened (a reload forgets them, as a page would).
  let otherIssued: number[] = [];
  const maxId = [0, 0];
  for (const [i, cmd] of list.entries()) {
    const doing = `command ${i} ${JSON.stringify(cmd)}`;
    at(p, doing);
    switch (cmd.op) {
      case 'put':
      case 'patch':
      case 'rename':
      case 'delete':
      case 'add':
      case 'remove': {
        const s = STORE_OF_TAB[cmd.tab];
        const key = 'k' in cmd ? `${prefix}-s${s}-${cmd.k}` : '';
        const label = 'label' in cmd ? `s${s}-${cmd.label}` : '';
        if (!models[s].apply(cmd, key, label)) break;
        if (cmd.tab === 1) {
          at(p, `${doing}: tab 1's answer to '${cmd.op}'`);
          const id =
            cmd.op === 'put' ? await other.call<number>('put', 'notes', { id: key, v: cmd.v, labels: [] })
            : cmd.op === 'patch' ? await other.call<number>('patch', 'notes', key, { v: cmd.v })
            : cmd.op === 'rename' ? await other.call<number>('custom', 'rename', { key, title: `t${cmd.v}` })
            : cmd.op === 'delete' ? await other.call<number>('delete', 'notes', key)
            : await other.call<number>(cmd.op === 'add' ? 'addToSet' : 'removeFromSet', 'tasks', shared, 'labels', [label]);
          maxId[s] = Math.max(maxId[s], id);
          otherIssued.push(id);
          break;
        }
        const sync = tabs[cmd.tab].sync;
        const handle =
          cmd.op === 'put' ? await sync.put('notes', { id: key, v: cmd.v, labels: [] })
          : cmd.op === 'patch' ? await sync.patch('notes', key, { v: cmd.v })
          : cmd.op === 'rename' ? await sync.custom('rename', { key, title: `t${cmd.v}` })
          : cmd.op === 'delete' ? await sync.delete('notes', key)
          : await (cmd.op === 'add' ? sync.addToSet('tasks', shared, 'labels', [label]) : sync.removeFromSet('tasks', shared, 'labels', [label]));
        maxId[s] = Math.max(maxId[s], handle.id);
        issued.push({ from: tabs[cmd.tab], handle });
        break;
      }
      case 'wait':
        // A fault schedule, not a wait for a result: it lets the engines' own timers run in between.
        await new Promise((r) => setTimeout(r, cmd.ms));
        break;
      case 'offline':
        if (!pageOffline) await goOffline();
        pageOffline = true;
        break;
      case 'online':
        if (pageOffline) await goOnline();
        pageOffline = false;
        break;
      case 'kill':
        killed = dirty.killed = true;
        await killStub();
        break;
      case 'start':
        await startStubAgain();
        break;
      case 'drop-streams':
        await dropEventStreams();
        break;
      case 'proxy':
        ruled = dirty.ruled = true;
        if (cmd.fault === 'kill-mid-push') killed = dirty.killed = true;
        await setProxyRules([rule(cmd)]);
        break;
      case 'reload':
        if (cmd.tab === 1) {
          // A real page reload: the engine and its store connection go without being closed.
          at(p, `${doing}: tab 1's page reloaded and ready (RemoteTab.reload)`);
          await other.reload();
          at(p, `${doing}: tab 1's answer to 'open' after its reload`);
          await openOther();
          otherIssued = [];
          break;
        }
        closeClient(tabs[cmd.tab]);
        tabs[cmd.tab] = await open(cmd.tab);
        break;
    }
  }
  // Quiescence: the network heals, the stub runs, each store's leader syncs until nothing is pending.
  at(p, 'quiescence: healing the network, proxy and stub');
  if (ruled) await setProxyRules([]);
  if (pageOffline) await goOnline();
  pageOffline = false;
  if (killed) await startStubAgain();
  // Each store's leader (tab 1's through its page), to run a cycle and read its status.
  type Leader = { syncNow(): Promise<unknown>; status(): Promise<SyncStatus> };
  const inPage = (c: Client): Leader => ({ syncNow: () => c.sync.syncNow(), status: async () => c.sync.status });
  const leaders = async () => {
    const found: Leader[] = [];
    for (const s of [0, 1]) {
      let leader: Leader | undefined;
      at(p, `quiescence: finding the leader of store ${s}`);
      await waitFor(async () => {
        const local = tabs.find((t, i) => t && STORE_OF_TAB[i] === s && t.sync.status.leader);
        if (local) leader = inPage(local);
        else if (s === 0 && (await other.call<SyncStatus>('status')).leader) leader = { syncNow: () => other.call('syncNow'), status: () => other.call<SyncStatus>('status') };
        return !!leader;
      }, `a leader for store ${s}`);
      found.push(leader!);
    }
    return found;
  };
  for (let round = 0; ; round++) {
    // A push that met the kill fault just before the rules were cleared may kill the stub late.
    if (killed) await startStubAgain();
    const ls = await leaders();
    for (const [s, l] of ls.entries()) {
      at(p, `quiescence round ${round}: syncNow by store ${s}'s leader`);
      await l.syncNow();
    }
    at(p, `quiescence round ${round}: counting pending mutations`);
    const pending = (await tabs[0].store.collection('$outbox').count()) + (await tabs[2].store.collection('$outbox').count());
    if (pending === 0) break;
    if (round > 20) throw new Error(`Still ${pending} pending after 20 sync rounds: ${JSON.stringify(await Promise.all(ls.map((l) => l.status())))}`);
  }
  // One more round: each store pulls what the other pushed last.
  for (const l of await leaders()) {
    at(p, 'final round: syncNow by a leader');
    await l.syncNow();
  }

  at(p, 'checks: reading the server and the replicas');
  const server = await serverDocs(prefix);
  for (const [s, model] of models.entries()) {
    for (const [key, d] of model.docs) {
      const got = server.get(`notes/${key}`);
      expect(got?.deleted ? undefined : got?.value, `server value of ${key}`).to.deep.equal(d.value);
      expect(got?.rev ?? 0, `server rev of ${key}: each of its mutations applied exactly once`).to.equal(d.rev);
    }
    const ownLabels = ((server.get(`tasks/${shared}`)?.value?.labels ?? []) as string[]).filter((l) => l.startsWith(`s${s}-`)).sort();
    expect(ownLabels, `labels of store ${s} on the shared document`).to.deep.equal([...model.labels].sort());
  }
  expect(server.get(`tasks/${shared}`), 'the shared document on the server').to.not.equal(undefined);
  expect(server.get(`tasks/${shared}`)!.rev, 'shared document: each set operation applied exactly once').to.equal(models[0].sharedRev + models[1].sharedRev - 1);
  const notes = [...server.values()].filter((d) => !d.deleted && d.collection === 'notes').length;
  expect(notes, 'no document the model lacks').to.equal([...models[0].docs.values(), ...models[1].docs.values()].filter((d) => d.value).length);
  const lastIds = await lastMutationIds(token);
  for (const s of [0, 1]) {
    const replica = tabs[s === 0 ? 0 : 2];
    const clientId = replica.sync.clientId;
    if (maxId[s]) expect(lastIds[clientId], `store ${s}: the server processed its last mutation`).to.be.at.least(maxId[s]);
    expect(await replica.store.collection('$outbox').count(), `store ${s}: nothing pending`).to.equal(0);
    expect(await replica.store.collection('$rejected').count(), `store ${s}: nothing rejected`).to.equal(0);
    const local = [...(await replica.store.collection('notes').query({ startsWith: prefix })), ...(await replica.store.collection('tasks').query({ startsWith: prefix }))];
    const expected = [...server.values()].filter((d) => !d.deleted).map((d) => d.value);
    const byId = (a: unknown, b: unknown) => String((a as Doc).id).localeCompare(String((b as Doc).id));
    expect(local.sort(byId), `store ${s}: its replica equals the server`).to.deep.equal(expected.sort(byId));
  }
  // Handles of the tabs still open settle as applied (also a follower's, through the leader).
  const live = issued.filter((i) => tabs.includes(i.from));
  at(p, 'checks: handles settling');
  await waitFor(() => live.every((i) => i.handle.status === 'applied'), 'every open handle to settle as applied', 5_000, () => live.map((i) => i.handle.status));
  await waitFor(async () => (await Promise.all(otherIssued.map((id) => other.call('handle', id)))).every((st) => st === 'applied'), "every handle of tab 1's page to settle as applied", 5_000);
}

describe('sync engine: model-based convergence under faults', () => {
  afterEach(async () => {
    dirty = { ruled: true, killed: true };
    pageOffline = true;
    const problems = await cleanUp(false);
    if (problems.length) throw new Error(`convergence-cleanup: after the test, ${problems.join('; ')}`);
  });

  after(async () => {
    const r = remote;
    remote = undefined;
    if (r) await within(r.close(), CLEANUP_STEP_MS, () => new Error(`convergence-cleanup-timeout: closing tab 1's page did not finish within ${CLEANUP_STEP_MS / 1000} s.`));
  });

  it('after random actions and outside faults every replica and the server equal the model, each mutation applied once, nothing pending', async function () {
    // 25 per test file, four files (convergence*.browser.test.ts): `npm test` runs 100 per browser,
    // each file well inside web-test-runner's 300 s for a file on a loaded machine. `npm run
    // test:soak -- --runs N` runs as many as asked, in sessions.
    const runs = window.__OUTPOST_SOAK_RUNS ?? 25;
    const seed = window.__OUTPOST_SOAK_SEED ?? (Date.now() ^ (Math.random() * 0x7fffffff)) | 0;
    const path = window.__OUTPOST_SOAK_PATH;
    // Printed first, so a session stopped from outside can still be replayed.
    console.log(`convergence: session seed=${seed} runs=${runs}${path ? ` path=${path}` : ''}`);
    // 12 s a run: a Firefox soak session at load 32 (three sessions beside other work) took 11 s a
    // run and outlived 4 s a run. A hung run adds its limit and the clean-up; a replay (path)
    // shrinks, each attempt up to the limit. (web-test-runner's limit for a soak session is longer.)
    this.timeout(path ? 3_400_000 : runs * 12_000 + 240_000 + RUN_LIMIT_MS + SHRINK_BUDGET_MS + 5 * CLEANUP_STEP_MS);
    // A run that hung is not shrunk in the session that found it (each attempt could take the
    // limit): it is reported with its seed and path at once; a replay of that path shrinks it.
    // Other failures shrink for SHRINK_BUDGET_MS at most in a session (a soak session that spent
    // its time shrinking would end without a report); a replay shrinks without a budget.
    let hung = false;
    let runIndex = 0;
    let failedAt: number | undefined;
    let shrinkCut = false;
    const property = fc.asyncProperty(commands, async (list) => {
      if (failedAt !== undefined && !path && (hung || performance.now() - failedAt > SHRINK_BUDGET_MS)) {
        shrinkCut = true;
        return;
      }
      const index = runIndex++;
      const p = progress();
      const started = performance.now();
      let failure: unknown;
      try {
        await within(run(list, p), RUN_LIMIT_MS, () => {
          p.abandoned = hung = true;
          return new Error(`convergence-run-timeout: the run did not finish within ${RUN_LIMIT_MS / 1000} s; it was at ${p.step}. A hang: replay it (below) and look at that step.`);
        });
      } catch (err) {
        failure = err;
      }
      const problems = await cleanUp(p.abandoned);
      const seconds = (performance.now() - started) / 1000;
      if (seconds > 30) console.log(`convergence: run ${index} took ${seconds.toFixed(0)} s; its slowest step ${(p.slowest.ms / 1000).toFixed(1)} s: ${p.slowest.step}`);
      if (failure === undefined && problems.length) failure = new Error(`convergence-cleanup: after the run, ${problems.join('; ')}`);
      else if (problems.length && failure instanceof Error) failure.message += ` (then the clean-up: ${problems.join('; ')})`;
      if (failure === undefined) return;
      if (failedAt === undefined) {
        failedAt = performance.now();
        // At once, before shrinking: a session stopped from outside still leaves the failing run.
        if (!path) console.log(`convergence: run ${index} failed (replay: npm run test:soak -- --seed ${seed} --path ${index}): ${failure instanceof Error ? failure.message.split('\n')[0] : String(failure)}`);
      }
      throw failure;
    });
    const details = await fc.check(property, { numRuns: path ? 1 : runs, seed, path, endOnFailure: Boolean(window.__OUTPOST_SOAK_NO_SHRINK) });
    console.log(`convergence: runs=${details.numRuns} failures=${details.failed ? 1 : 0} seed=${seed}`);
    if (details.failed) {
      throw new Error(
        `Convergence failed (seed ${seed}, path ${details.counterexamplePath}) after ${details.numRuns} runs, shrunk ${details.numShrinks} times.\n` +
          `Counterexample: ${fc.stringify(details.counterexample)}\n` +
          `Cause: ${details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance)}\n` +
          (hung && !path ? 'Not shrunk (a hang; each attempt could take the time limit): the replay shrinks it.\n' : shrinkCut ? `Shrinking stopped after ${SHRINK_BUDGET_MS / 1000} s: the replay shrinks further.\n` : '') +
          `Replay: npm run test:soak -- --seed ${seed} --path ${details.counterexamplePath}`,
      );
    }
  });
});
