// Shared by the browser tests' wait helpers (test/components/helpers.ts, test/runtime/store/helpers.ts).

/**
 * How long a test waits for a condition before failing: a bound for a broken part, never an
 * expected time. The CI machine is shared and often loaded: 5 s was once too short for a round
 * trip to the stub there. Below mocha's 60 s per test (web-test-runner.config.mjs).
 */
export const CONDITION_TIMEOUT_MS = 20_000;
