#!/usr/bin/env node
// `outpost-stub`: start the reference sync server from the command line.
import { parseArgs } from 'node:util';
import { startStub } from './server.js';

const HELP = `Usage: outpost-stub [options]

Starts the Outpost reference sync server.

Options:
  --port <n>       TCP port to listen on (default 8787; 0 picks a free one)
  --host <addr>    interface to listen on (default 127.0.0.1)
  --static <dir>   also serve a built app from <dir> (e.g. dist/demo-app)
  --help           show this help
`;

async function main(): Promise<void> {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        static: { type: 'string' },
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
  const port = values.port === undefined ? 8787 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    fail(`--port must be a whole number from 0 to 65535, got '${values.port}'.`);
  }
  const stub = await startStub({ port, host: values.host, staticDir: values.static }).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'EADDRINUSE') fail(`port ${port} is already in use. Stop the other server or pass --port <another>.`);
    throw err;
  });
  console.log(`outpost-stub: listening on ${stub.url}`);
  if (values.static) console.log(`outpost-stub: serving ${values.static} — open ${stub.url}/`);
  const stop = () => {
    console.log('outpost-stub: shutting down');
    void stub.close().then(() => process.exit(0));
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

function fail(message: string): never {
  console.error(`outpost-stub: ${message}`);
  process.exit(2);
}

void main();
