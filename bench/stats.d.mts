/** The `p` quantile of samples by nearest rank (the ⌈p·n⌉-th smallest); undefined for none. */
export declare const quantile: (xs: readonly number[], p: number) => number;
/** The median: the middle sample, the upper middle one of an even count. */
export declare const median: (xs: readonly number[]) => number;
/** The 95th percentile by nearest rank. */
export declare const p95: (xs: readonly number[]) => number;
