import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CORE_BUDGET_BYTES, entries, measure } from '../../bench/bundle-size.mjs';

test('the outpost runtime core stays within its min+gzip budget', async () => {
  const { gzip } = await measure(entries()['outpost core (all of `outpost`)']);
  assert.ok(gzip > 0);
  assert.ok(gzip <= CORE_BUDGET_BYTES, `outpost core is ${gzip} bytes min+gzip, over the ${CORE_BUDGET_BYTES}-byte budget: find what grew with 'node bench/bundle-size.mjs'.`);
});

test('the size measurement sees what an entry ships (a larger import measures larger)', async () => {
  const small = await measure(`import { openDB } from 'idb'; globalThis.k = openDB;`);
  const large = await measure(`import Dexie from 'dexie'; globalThis.k = Dexie;`);
  assert.ok(small.gzip > 500 && large.gzip > small.gzip * 5, `idb ${small.gzip} B, dexie ${large.gzip} B`);
});
