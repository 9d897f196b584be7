import { expect } from '@open-wc/testing';
import { isChunkLoadError } from '../../../runtime/sw-client/stale-chunk.js';

/** What a real rejected promise rejects with. */
const failure = (p: Promise<unknown>) => p.then(() => expect.fail('it loaded'), (e: unknown) => e);

describe('isChunkLoadError', () => {
  it('is true for an import() whose module cannot be fetched', async () => {
    expect(isChunkLoadError(await failure(import(`/no-such-chunk-${Date.now()}.js`)))).to.equal(true);
  });

  it('is false for a failed fetch() of data (Chromium says "Failed to fetch"), so data errors never trigger a reload', async () => {
    const error = await failure(fetch('http://127.0.0.1:9/data.json'));
    expect(error).to.be.instanceOf(TypeError);
    expect(isChunkLoadError(error)).to.equal(false);
  });
});
