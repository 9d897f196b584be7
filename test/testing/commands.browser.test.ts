import { expect } from '@open-wc/testing';
import { stubUrl, killStub, startStubAgain, restartStub, resetStub, goOffline, goOnline, openPage, reloadPage, closePage } from '../../testing/commands.js';

async function login(url: string): Promise<string> {
  const res = await fetch(`${url}/auth/v1/login`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ user: 'alice', password: 'alice' }) });
  return ((await res.json()) as { token: string }).token;
}

async function call(url: string, path: string, token: string, body: unknown): Promise<{ status: number; body: any }> { // eslint-disable-line @typescript-eslint/no-explicit-any
  const res = await fetch(`${url}${path}`, { method: 'POST', headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` }, body: JSON.stringify(body) });
  return { status: res.status, body: await res.json() };
}

const clientId = `browser-${Math.random().toString(36).slice(2)}`;
let nextId = 1;

describe('outpost testing kit commands', () => {
  afterEach(async () => {
    await goOnline();
    await startStubAgain();
  });

  it('stubUrl() gives a stub this page can reach (CORS allowed)', async () => {
    const url = await stubUrl();
    expect(url).to.match(/^http:\/\/127\.0\.0\.1:\d+$/);
    const res = await fetch(`${url}/healthz`);
    expect(await res.json()).to.deep.equal({ ok: true });
  });

  it('killStub() makes requests fail; startStubAgain() brings it back on the same URL with the acknowledged data', async () => {
    const url = await stubUrl();
    const token = await login(url);
    const key = `k-${nextId}`;
    const pushed = await call(url, '/sync/v1/push', token, { protocol: 1, clientId, mutations: [{ id: nextId++, name: 'put', collection: 'notes', key, baseRev: 0, value: { text: 'kept' } }] });
    expect(pushed.body.results[0].status).to.equal('applied');
    await killStub();
    let failed = false;
    try {
      await fetch(`${url}/healthz`);
    } catch {
      failed = true;
    }
    expect(failed, 'the stub is really down').to.equal(true);
    expect(await startStubAgain()).to.equal(url);
    const pulled = await call(url, '/sync/v1/pull', token, { protocol: 1, clientId, cursor: null });
    expect(pulled.body.changes.find((c: { key: string }) => c.key === key).value).to.deep.equal({ text: 'kept' });
  });

  it('restartStub() keeps the URL and the data', async () => {
    const url = await stubUrl();
    const token = await login(url);
    expect(await restartStub()).to.equal(url);
    expect(await restartStub({ graceful: true })).to.equal(url);
    const pulled = await call(url, '/sync/v1/pull', token, { protocol: 1, clientId, cursor: null });
    expect(pulled.status).to.equal(200);
  });

  it('resetStub() starts from empty data: old tokens are refused and old cursors expire (410)', async () => {
    const url = await stubUrl();
    const token = await login(url);
    await call(url, '/sync/v1/push', token, { protocol: 1, clientId, mutations: [{ id: nextId++, name: 'put', collection: 'notes', key: 'before-reset', baseRev: 0, value: {} }] });
    const { body } = await call(url, '/sync/v1/pull', token, { protocol: 1, clientId, cursor: null });
    expect(await resetStub()).to.equal(url);
    expect((await call(url, '/sync/v1/pull', token, { protocol: 1, clientId, cursor: null })).status).to.equal(401);
    const fresh = await login(url);
    const expired = await call(url, '/sync/v1/pull', fresh, { protocol: 1, clientId, cursor: body.cursor });
    expect(expired.status).to.equal(410);
    expect(expired.body.error.code).to.equal('cursor-expired');
    const empty = await call(url, '/sync/v1/pull', fresh, { protocol: 1, clientId, cursor: null });
    expect(empty.body.changes).to.deep.equal([]);
  });

  it('goOffline() flips navigator.onLine, fires offline and makes fetches fail; goOnline() undoes it', async () => {
    const url = await stubUrl();
    const seen: string[] = [];
    const onEvent = (e: Event) => seen.push(e.type);
    window.addEventListener('offline', onEvent);
    window.addEventListener('online', onEvent);
    try {
      await goOffline();
      expect(navigator.onLine).to.equal(false);
      let failed = false;
      try {
        await fetch(`${url}/healthz`, { cache: 'no-store' });
      } catch {
        failed = true;
      }
      expect(failed, 'fetch fails while offline').to.equal(true);
      await goOnline();
      expect(navigator.onLine).to.equal(true);
      expect(await (await fetch(`${url}/healthz`, { cache: 'no-store' })).json()).to.deep.equal({ ok: true });
      await new Promise((r) => setTimeout(r, 50));
      expect(seen).to.deep.equal(['offline', 'online']);
    } finally {
      window.removeEventListener('offline', onEvent);
      window.removeEventListener('online', onEvent);
    }
  });

  it('goOffline() and goOnline() leave no request hanging: every fetch made while the network flips settles', async function () {
    // Twenty runner commands on a loaded machine, then up to 20 s for the last fetches to end.
    this.timeout(120_000);
    // Firefox once blocked the requests made while the cut was being set up and never let them go
    // (a sync cycle waiting on such a fetch hung its test): fetches keep going while the network
    // flips ten times, and each must end, failed or answered.
    const url = `${await stubUrl()}/healthz`;
    let stop = false;
    let made = 0;
    const unsettled = new Set<number>();
    const requests = async () => {
      while (!stop) {
        const n = ++made;
        unsettled.add(n);
        await fetch(`${url}?n=${n}`, { cache: 'no-store' }).then((r) => r.text(), () => undefined);
        unsettled.delete(n);
        // Paced: a failed fetch returns at once, and thousands would only slow the browser down.
        await new Promise((r) => setTimeout(r, 10));
      }
    };
    const running = [requests(), requests()];
    for (let i = 0; i < 10; i++) {
      await goOffline();
      await goOnline();
    }
    stop = true;
    for (const until = performance.now() + 20_000; unsettled.size && performance.now() < until; ) await new Promise((r) => setTimeout(r, 50));
    expect([...unsettled], `fetches still waiting, of ${made} made`).to.deep.equal([]);
    await Promise.all(running);
  });

  it('goOffline() cuts the pages the test opened too (and one opened while offline); reloadPage() loads a page again', async () => {
    const url = `${await stubUrl()}/healthz`;
    const name = `probe-${Math.random().toString(36).slice(2)}`;
    const channel = new BroadcastChannel(name);
    const messages: Array<{ load: number; loaded?: boolean; onLine?: boolean; reached?: boolean }> = [];
    let notify = () => undefined as void;
    channel.onmessage = (e) => (messages.push(e.data), notify());
    const next = (test: (m: (typeof messages)[number]) => boolean) =>
      new Promise<(typeof messages)[number]>((resolve) => {
        const look = () => {
          const found = messages.find(test);
          if (!found) return;
          messages.splice(messages.indexOf(found), 1);
          resolve(found);
        };
        notify = look;
        look();
      });
    // Every open page answers a probe: the answers of one probe, as many as pages.
    const probe = async () => {
      channel.postMessage({ url });
      const answers = [];
      for (const _ of pages) answers.push(await next((m) => !m.loaded));
      return answers.map(({ onLine, reached }) => ({ onLine, reached }));
    };
    const pages: string[] = [];
    try {
      pages.push(await openPage(`/test/testing/fixtures/probe.html?channel=${name}`));
      const first = await next((m) => !!m.loaded);
      expect(await probe()).to.deep.equal([{ onLine: true, reached: true }]);
      await goOffline();
      expect(await probe(), 'the opened page is offline with the test page').to.deep.equal([{ onLine: false, reached: false }]);
      pages.push(await openPage(`/test/testing/fixtures/probe.html?channel=${name}`));
      await next((m) => !!m.loaded);
      expect((await probe()).map((a) => a.reached), 'a page opened while offline is offline too').to.deep.equal([false, false]);
      await goOnline();
      // Firefox may tell another page a moment after the command returns: probe until it has.
      const online = [{ onLine: true, reached: true }, { onLine: true, reached: true }];
      let last: unknown;
      for (const until = performance.now() + 10_000; performance.now() < until; ) {
        last = await probe();
        if (JSON.stringify(last) === JSON.stringify(online)) break;
      }
      expect(last, 'both pages online again').to.deep.equal(online);
      await reloadPage(pages[0]!);
      const again = await next((m) => !!m.loaded);
      expect(again.load, 'the page ran its script again').to.not.equal(first.load);
    } finally {
      channel.close();
      for (const id of pages) await closePage(id);
    }
  });
});
