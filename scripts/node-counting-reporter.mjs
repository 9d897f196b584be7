// A node:test reporter that counts leaf tests and writes { passed, failed, skipped, failures,
// slowest } as JSON to its destination, for the one summary line printed by scripts/test.mjs
// (failures named, and the files that took longest: where CI time goes).
export default async function* countingReporter(source) {
  const counts = { passed: 0, failed: 0, skipped: 0, failures: [], slowest: [] };
  const files = new Map();
  for await (const event of source) {
    if (event.type !== 'test:pass' && event.type !== 'test:fail') continue;
    if (event.data.details?.type === 'suite') continue;
    const file = event.data.file ? event.data.file.replace(process.cwd() + '/', '') : '';
    files.set(file, (files.get(file) ?? 0) + (event.data.details?.duration_ms ?? 0));
    if (event.data.skip || event.data.todo) counts.skipped++;
    else if (event.type === 'test:pass') counts.passed++;
    else {
      counts.failed++;
      const error = event.data.details?.error;
      const message = String(error?.cause?.message ?? error?.message ?? 'failed').split('\n')[0].slice(0, 300);
      counts.failures.push(`node ${file} › ${event.data.name}: ${message}`);
    }
  }
  counts.slowest = [...files].map(([file, ms]) => ({ file, ms: Math.round(ms) })).sort((a, b) => b.ms - a.ms).slice(0, 10);
  yield JSON.stringify(counts);
}
