import assert from 'node:assert/strict';
import { test } from 'node:test';
import { nextSliceSize } from '../../../runtime/sync/pull-pages.js';

test("a page's short last slice does not grow the next one; a slow one shrinks it", () => {
  // A quick remainder of 3 documents after slices of 40: the size stays (it used to double).
  assert.equal(nextSliceSize(40, 3, 0.3, 2), 40);
  // Many quick remainders in a row leave it where it was.
  let size = 40;
  for (let i = 0; i < 10; i++) size = nextSliceSize(size, 3, 0.3, 2);
  assert.equal(size, 40);
  // A slow remainder shrinks it to what fits the target: 10 documents in 8 ms, aiming at 2 ms.
  assert.equal(nextSliceSize(40, 10, 8, 2), 5);
  assert.equal(nextSliceSize(100, 30, 12, 8), 20);
});

test('a full slice grows at most twofold when quick and shrinks at once to the target when slow', () => {
  assert.equal(nextSliceSize(20, 20, 0.5, 8), 40);
  assert.equal(nextSliceSize(20, 20, 4, 8), 40);
  assert.equal(nextSliceSize(100, 100, 40, 8), 20);
  // Never below 5 nor above 500 documents.
  assert.equal(nextSliceSize(5, 5, 100, 2), 5);
  assert.equal(nextSliceSize(400, 400, 0.1, 8), 500);
});
