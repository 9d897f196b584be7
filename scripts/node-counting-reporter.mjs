// A node:test reporter that counts leaf tests and writes { passed, failed, skipped, failures } as
// JSON to its destination, for the one summary line printed by scripts/test.mjs (failures named).
export default async function* countingReporter(source) {
  const counts = { passed: 0, failed: 0, skipped: 0, failures: [] };
  for await (const event of source) {
    if (event.type !== 'test:pass' && event.type !== 'test:fail') continue;
    if (event.data.details?.type === 'suite') continue;
    if (event.data.skip || event.data.todo) counts.skipped++;
    else if (event.type === 'test:pass') counts.passed++;
    else {
      counts.failed++;
      const error = event.data.details?.error;
      const message = String(error?.cause?.message ?? error?.message ?? 'failed').split('\n')[0].slice(0, 300);
      counts.failures.push(`node ${event.data.file ? event.data.file.replace(process.cwd() + '/', '') : ''} › ${event.data.name}: ${message}`);
    }
  }
  yield JSON.stringify(counts);
}
