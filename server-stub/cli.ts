#!/usr/bin/env node
// `outpost-stub`: start the reference sync server from the command line.
import { statSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { startStub } from './server.js';
import { parseUsers, type StubUser } from './auth.js';
import { parseDuration } from './duration.js';
import { isPostgresUrl, redactDbUrl } from './storage/index.js';
import { SECURITY_FLAGS, SECURITY_HELP, hashPasswordFromStdin, securityOptions } from './cli-security.js';

const HELP = `Usage: outpost-stub [options]

Starts the Outpost reference sync server (protocol v1, see docs/protocol.md).

Options:
  --port <n>                 TCP port to listen on (default 8787; 0 picks a free one)
  --host <addr>              interface to listen on (default 127.0.0.1)
  --data <dir>               where the SQLite database lives (default .outpost-data)
  --db <url>                 use PostgreSQL instead of SQLite: postgres://user:pw@host:port/db
                             (default: $DATABASE_URL if set); any number of stubs may share one
  --db-pool <n>              PostgreSQL connections per stub (default 10)
  --session-ttl <t>          sign-ins end this long after their last use, e.g. 30d, 12h (default 30d)
  --static <dir>             also serve a built app from <dir> (e.g. dist/demo-app)
  --app <module>             the app's server code: a module default-exporting
                             { mutations, seeds, users } (see defineStubApp)
  --seed <name>              run the app module's seed <name> (once per data dir)
  --seed-size <n>            how much the seed makes (e.g. messages per user)
  --users <list>             users that can sign in, e.g. alice:alice,bob:bob
                             (default: the app module's users, else alice:alice,bob:bob)
  --tombstone-retention <t>  keep tombstones this long, e.g. 30d, 12h, 500ms (default 30d)
  --cors-origin <list>       origins whose pages may call the API, comma-separated, e.g.
                             https://app.example.com (default none: same origin only)
  --allowed-host <list>      more Host names to answer while listening on loopback
                             (e.g. the name your reverse proxy forwards)
  --source-maps              also serve *.map files from --static (default: refused)
  --csp <policy>             Content-Security-Policy of served HTML (default: see docs/security.md)
${SECURITY_HELP}  --help                     show this help
`;

async function main(): Promise<void> {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        data: { type: 'string' },
        db: { type: 'string' },
        'db-pool': { type: 'string' },
        'session-ttl': { type: 'string' },
        static: { type: 'string' },
        app: { type: 'string' },
        seed: { type: 'string' },
        'seed-size': { type: 'string' },
        users: { type: 'string' },
        'tombstone-retention': { type: 'string' },
        'cors-origin': { type: 'string' },
        'allowed-host': { type: 'string' },
        'source-maps': { type: 'boolean' },
        csp: { type: 'string' },
        ...SECURITY_FLAGS,
        help: { type: 'boolean' },
      },
      strict: true,
    }));
  } catch (err) {
    fail(`${(err as Error).message}. Run 'outpost-stub --help' for the options.`);
  }
  if (values.help) {
    process.stdout.write(HELP);
    return;
  }
  if (values['hash-password']) {
    process.stdout.write(`${await hashPasswordFromStdin().catch((err: Error) => fail(err.message))}\n`);
    return;
  }
  const port = values.port === undefined ? 8787 : Number(values.port);
  if (values.port === '' || !Number.isInteger(port) || port < 0 || port > 65535) {
    fail(`--port must be a whole number from 0 to 65535, got '${values.port}'.`);
  }
  if (values.static !== undefined && !isDirectory(values.static)) fail(`--static ${values.static} is not a folder. Build the app first (npm run build) or fix the path.`);
  if (values.seed !== undefined && values.app === undefined) fail(`--seed ${values.seed} needs --app <module>: seeds are defined by the app's server code.`);
  const seedSize = values['seed-size'] === undefined ? undefined : Number(values['seed-size']);
  if (seedSize !== undefined && (!Number.isInteger(seedSize) || seedSize < 1)) fail(`--seed-size must be a whole number of 1 or more, got '${values['seed-size']}'.`);
  if (seedSize !== undefined && values.seed === undefined) fail(`--seed-size needs --seed <name>: it sizes the seed's data.`);
  const db = values.db ?? (process.env.DATABASE_URL || undefined);
  if (db !== undefined && !isPostgresUrl(db)) fail(`--db must be a postgres://user:password@host:port/database URL${values.db === undefined ? ' (read from DATABASE_URL)' : ''}. Leave it out to use SQLite in --data.`);
  const dbPool = values['db-pool'] === undefined ? undefined : Number(values['db-pool']);
  if (dbPool !== undefined && (!Number.isInteger(dbPool) || dbPool < 1 || dbPool > 1000)) fail(`--db-pool must be a whole number from 1 to 1000, got '${values['db-pool']}'.`);
  if (dbPool !== undefined && db === undefined) fail('--db-pool needs --db <postgres://…> (or DATABASE_URL): it sizes the PostgreSQL connection pool.');
  let users: StubUser[] | undefined;
  let tombstoneRetentionMs: number | undefined;
  let sessionTtlMs: number | undefined;
  let security: ReturnType<typeof securityOptions> = {};
  try {
    security = securityOptions(values);
    users = values.users === undefined ? undefined : parseUsers(values.users);
    tombstoneRetentionMs = values['tombstone-retention'] === undefined ? undefined : parseDuration(values['tombstone-retention'], '--tombstone-retention');
    sessionTtlMs = values['session-ttl'] === undefined ? undefined : parseDuration(values['session-ttl'], '--session-ttl');
  } catch (err) {
    fail((err as Error).message);
  }
  const stub = await startStub({
    port,
    host: values.host,
    staticDir: values.static,
    dataDir: values.data,
    db,
    dbPoolSize: dbPool,
    sessionTtlMs,
    app: values.app,
    seed: values.seed,
    seedSize,
    users,
    tombstoneRetentionMs,
    corsOrigins: list(values['cors-origin']),
    allowedHosts: list(values['allowed-host']),
    sourceMaps: values['source-maps'],
    contentSecurityPolicy: values.csp,
    ...security,
  }).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'EADDRINUSE') fail(`port ${port} is already in use. Stop the other server or pass --port <another>.`);
    fail(err.message);
  });
  console.log(`outpost-stub: listening on ${stub.url}`);
  console.log(db === undefined ? `outpost-stub: data in ${values.data ?? '.outpost-data'}` : `outpost-stub: data in PostgreSQL at ${redactDbUrl(db)}`);
  if (values.static) console.log(`outpost-stub: serving ${values.static} — open ${stub.url}/`);
  const stop = () => {
    console.log('outpost-stub: shutting down');
    void stub.close().then(() => process.exit(0));
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

function list(value: string | undefined): string[] | undefined {
  return value === undefined ? undefined : value.split(',').map((s) => s.trim()).filter(Boolean);
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function fail(message: string): never {
  console.error(`outpost-stub: ${message}`);
  process.exit(2);
}

void main();
