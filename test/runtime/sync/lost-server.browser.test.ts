import { expect } from '@open-wc/testing';
import { client, closeAll, waitFor } from './helpers.js';
import { killStub, proxyCounts, proxyUrl, startStubAgain } from '../../../testing/commands.js';

describe('sync engine: a server that goes away', () => {
  afterEach(() => closeAll());

  it('is noticed without a write: its event stream ending starts a cycle, whose failure the status shows', async () => {
    // No timer (an hour) and no write: only the stream's end can start the cycle.
    const a = await client({ sync: { url: await proxyUrl(), events: true, periodicMs: 3_600_000 } });
    await waitFor(() => a.sync.status.state === 'idle', 'the first sync', 10_000, () => a.sync.status);
    await waitFor(async () => (await proxyCounts()).streams === 1, 'the event stream');
    await killStub();
    try {
      // The page's network is up: the engine says the server is unreachable, not that it is offline.
      await waitFor(() => a.sync.status.state === 'unreachable', 'the status to show the lost server', 10_000, () => a.sync.status);
      expect(a.sync.status.lastError?.code).to.be.a('string');
      expect(a.sync.status.pending).to.equal(0);
    } finally {
      await startStubAgain();
    }
  });
});
