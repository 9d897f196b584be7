// One quarter of the convergence runs `npm test` makes (test/runtime/sync/convergence.ts, 25 runs a
// file): four files keep each well inside web-test-runner's 300 s per file on a loaded machine.
import './convergence.js';
