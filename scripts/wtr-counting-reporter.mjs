// A web-test-runner reporter that counts passed/failed/skipped tests across every browser
// and writes them as JSON, so scripts/test.mjs can print one summary line for the whole suite.
import { writeFileSync } from 'node:fs';

/** @param {string | undefined} outFile */
export function countingReporter(outFile) {
  return {
    onTestRunFinished({ sessions }) {
      const counts = { passed: 0, failed: 0, skipped: 0, browsers: [] };
      const browsers = new Set();
      for (const session of sessions) {
        browsers.add(session.browser.name);
        const before = counts.failed;
        walk(session.testResults, counts);
        // A file that failed to load or threw outside a test has no failing test to count.
        if (!session.passed && counts.failed === before) counts.failed += 1;
      }
      counts.browsers = [...browsers];
      if (outFile) writeFileSync(outFile, JSON.stringify(counts));
    },
  };
}

function walk(suite, counts) {
  if (!suite) return;
  for (const test of suite.tests ?? []) {
    if (test.skipped) counts.skipped++;
    else if (test.passed) counts.passed++;
    else counts.failed++;
  }
  for (const child of suite.suites ?? []) walk(child, counts);
}
