import { expect } from '@open-wc/testing';
import { SNAPSHOT_MAX_CHARS, clearSnapshots, snapshot } from '../../../runtime/snapshot/index.js';
import { until } from '../../components/helpers.js';

const store = `snapshot-test-${Math.random().toString(36).slice(2)}`;
const saved = () => Object.keys(localStorage).filter((k) => k.includes(store));

describe('outpost/snapshot', () => {
  afterEach(() => {
    clearSnapshots(store);
    clearSnapshots(`${store}-other`);
  });

  it('reads back, after the page was idle, the last value written, and nothing before', async () => {
    const rows = snapshot<Array<{ id: number }>>(store, 'inbox');
    expect(rows.read()).to.equal(undefined);
    rows.write([{ id: 1 }]);
    rows.write([{ id: 2 }, { id: 3 }]);
    // Written once, at idle: a burst of writes is saved as its last.
    expect(rows.read(), 'not written synchronously').to.equal(undefined);
    await until(() => rows.read() !== undefined, 'the idle write');
    expect(rows.read()).to.deep.equal([{ id: 2 }, { id: 3 }]);
    // Another handle on the same name (the next start) reads it too.
    expect(snapshot(store, 'inbox').read()).to.deep.equal([{ id: 2 }, { id: 3 }]);
    expect(snapshot(store, 'sent').read()).to.equal(undefined);
  });

  it("reads another version's or a corrupt value as undefined", async () => {
    snapshot(store, 'inbox', { version: 1 }).write(['old shape']);
    await until(() => saved().length === 1, 'the idle write');
    expect(snapshot(store, 'inbox', { version: 2 }).read()).to.equal(undefined);
    expect(snapshot(store, 'inbox', { version: 1 }).read()).to.deep.equal(['old shape']);
    localStorage.setItem(saved()[0], '{not json');
    expect(snapshot(store, 'inbox').read()).to.equal(undefined);
  });

  it('refuses a value over its limit with a TypeError naming the fix, and forgets the old value', async () => {
    const rows = snapshot<string>(store, 'inbox', { maxChars: 100 });
    rows.write('small');
    await until(() => rows.read() === 'small', 'the idle write');
    expect(() => rows.write('x'.repeat(200))).to.throw(TypeError, /over its limit of 100: save only what the first screen shows/);
    expect(rows.read(), 'a stale value is never painted').to.equal(undefined);
    expect(SNAPSHOT_MAX_CHARS).to.be.greaterThan(10_000);
  });

  it("clear() forgets one value, clearSnapshots(store) every value of that store and no other store's, written or queued", async () => {
    snapshot(store, 'inbox').write(1);
    snapshot(store, 'labels').write(2);
    snapshot(`${store}-other`, 'inbox').write(3);
    await until(() => snapshot(`${store}-other`, 'inbox').read() === 3, 'the idle writes');
    snapshot(store, 'labels').clear();
    expect(snapshot(store, 'labels').read()).to.equal(undefined);
    expect(snapshot(store, 'inbox').read()).to.equal(1);
    snapshot(store, 'labels').write(4);
    clearSnapshots(store);
    expect(snapshot(store, 'inbox').read()).to.equal(undefined);
    // A write still queued when the store's snapshots are cleared (sign-out) is dropped too.
    // Writes are saved together: once a later one is in, the dropped one would be too.
    snapshot(`${store}-other`, 'marker').write(true);
    await until(() => snapshot(`${store}-other`, 'marker').read(), 'a later idle write');
    expect(snapshot(store, 'labels').read(), 'queued write dropped').to.equal(undefined);
    expect(snapshot(`${store}-other`, 'inbox').read()).to.equal(3);
  });
});
