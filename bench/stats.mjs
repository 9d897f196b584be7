// The benches' summary statistics, one definition for every row and probe.

/** Samples sorted ascending (a copy). */
const sorted = (xs) => [...xs].sort((a, b) => a - b);

/**
 * The `p` quantile of samples by nearest rank (the ⌈p·n⌉-th smallest), so a p95 of 20 samples is
 * their 19th and of 60 their 57th; undefined for none.
 * @param {readonly number[]} xs
 * @param {number} p between 0 and 1
 */
export const quantile = (xs, p) => sorted(xs)[Math.max(0, Math.ceil(xs.length * p) - 1)];

/**
 * The median: the middle sample, the upper middle one of an even count.
 * @param {readonly number[]} xs
 */
export const median = (xs) => sorted(xs)[Math.floor(xs.length / 2)];

/**
 * The 95th percentile by nearest rank.
 * @param {readonly number[]} xs
 */
export const p95 = (xs) => quantile(xs, 0.95);
