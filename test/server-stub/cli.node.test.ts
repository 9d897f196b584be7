import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const CLI = fileURLToPath(new URL('../../server-stub/cli.ts', import.meta.url));
const run = (...args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', CLI, ...args], { encoding: 'utf8', timeout: 20000 });

test('outpost-stub --help lists every option', () => {
  const r = run('--help');
  assert.equal(r.status, 0);
  for (const flag of ['--port', '--host', '--data', '--static', '--app', '--seed', '--seed-size', '--users', '--tombstone-retention', '--db', '--db-pool', '--session-ttl']) assert.ok(r.stdout.includes(flag), flag);
});

test('outpost-stub refuses bad arguments with exit code 2 and a message naming the fix', () => {
  const cases: Array<[string[], RegExp]> = [
    [['--port', 'abc'], /--port must be a whole number/],
    [['--port', '70000'], /--port must be a whole number/],
    [['--bogus'], /Unknown option '--bogus'.*--help/],
    [['--seed', 'demo'], /--seed demo needs --app/],
    [['--static', '/nonexistent/dist'], /--static \/nonexistent\/dist is not a folder/],
    [['--users', 'alice'], /must look like name:password/],
    [['--app', 'x.js', '--seed', 'demo', '--seed-size', 'lots'], /--seed-size must be a whole number/],
    [['--seed-size', '10'], /--seed-size needs --seed/],
    [['--tombstone-retention', 'soon'], /--tombstone-retention must be a duration/],
    [['--session-ttl', 'forever-ish'], /--session-ttl must be a duration/],
    [['--db', 'mysql://localhost/x'], /--db must be a postgres:\/\/user:password@host:port\/database URL/],
    [['--db-pool', '5'], /--db-pool needs --db/],
    [['--db', 'postgres://u:p@127.0.0.1:5432/x', '--db-pool', '0'], /--db-pool must be a whole number from 1 to 1000/],
  ];
  for (const [args, message] of cases) {
    const r = run(...args);
    assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, message);
  }
});

test('a database URL is shown without its password, even one with an unescaped @ (the driver takes the last @)', async () => {
  const { startStub } = await import('../../server-stub/index.js');
  const { redactDbUrl } = await import('../../server-stub/storage/index.js');
  await assert.rejects(startStub({ port: 0, dataDir: ':memory:', db: 'mysql://u:s3cr@t-part@db.example:5432/x' }), (err: Error) => !/s3cr|t-part/.test(err.message) && /u:\*\*\*@db\.example/.test(err.message));
  for (const url of ['postgres://u:pa@ss@h:5432/db', 'postgres://u:pa%40ss@h/db?sslmode=require', 'postgresql://u:p:a@ss@h']) {
    const shown = redactDbUrl(url);
    assert.doesNotMatch(shown, /pa|ss@|p:a/, shown);
    assert.match(shown, /^postgres(ql)?:\/\/u:\*\*\*@h/);
  }
  assert.equal(redactDbUrl('postgres://h/db'), 'postgres://h/db');
});
