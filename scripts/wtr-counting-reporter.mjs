// A web-test-runner reporter that counts passed/failed/skipped tests across every browser
// and writes them as JSON, so scripts/test.mjs can print one summary line for the whole suite,
// with the failures named last (CI keeps only the tail of the log) and the slowest files (where CI
// time goes).
import { relative } from 'node:path';
import { writeFileSync } from 'node:fs';

/** @param {string | undefined} outFile */
export function countingReporter(outFile) {
  return {
    onTestRunFinished({ sessions }) {
      const counts = { passed: 0, failed: 0, skipped: 0, browsers: [], failures: [], slowest: [] };
      const files = [];
      const browsers = new Set();
      for (const session of sessions) {
        browsers.add(session.browser.name);
        const where = `${session.browser.name} ${relative(process.cwd(), session.testFile)}`;
        const before = counts.failed;
        files.push({ file: where, ms: Math.round(walk(session.testResults, counts, where, [])) });
        // A file that failed to load or threw outside a test has no failing test to count.
        if (!session.passed && counts.failed === before) {
          counts.failed += 1;
          const error = session.errors?.[0]?.message ?? 'the file failed outside any test';
          counts.failures.push(`${where}: ${firstLine(error)}`);
        }
      }
      counts.browsers = [...browsers];
      counts.slowest = files.sort((a, b) => b.ms - a.ms).slice(0, 10);
      if (outFile) writeFileSync(outFile, JSON.stringify(counts));
    },
  };
}

function firstLine(text) {
  return String(text).split('\n')[0].slice(0, 300);
}

/** Counts the tests of `suite` into `counts`; returns the time they took (ms). */
function walk(suite, counts, where, path) {
  if (!suite) return 0;
  let ms = 0;
  for (const test of suite.tests ?? []) {
    ms += test.duration ?? 0;
    if (test.skipped) counts.skipped++;
    else if (test.passed) counts.passed++;
    else {
      counts.failed++;
      counts.failures.push(`${where} › ${[...path, test.name].join(' › ')}: ${firstLine(test.error?.message ?? 'failed')}`);
    }
  }
  for (const child of suite.suites ?? []) ms += walk(child, counts, where, [...path, child.name]);
  return ms;
}
