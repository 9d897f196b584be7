import { test } from 'node:test';
import assert from 'node:assert/strict';
import { median, p95, quantile } from '../../bench/stats.mjs';

const oneTo = (n: number) => Array.from({ length: n }, (_, i) => n - i);

test('p95 is the nearest-rank 95th percentile: the 19th of 20 samples and the 57th of 60, in any order', () => {
  assert.equal(p95(oneTo(20)), 19);
  assert.equal(p95(oneTo(60)), 57);
  assert.equal(p95([7]), 7);
  assert.equal(quantile(oneTo(100), 0.99), 99);
});

test('median is the middle sample (the upper middle one of an even count) and leaves its input unsorted', () => {
  const xs = [5, 1, 4, 2];
  assert.equal(median(xs), 4);
  assert.equal(median([3, 1, 2]), 2);
  assert.deepEqual(xs, [5, 1, 4, 2]);
});
