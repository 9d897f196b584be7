// Helpers for the multi-node tests: a round-robin proxy in front of several stub nodes, an event
// stream reader, a TCP proxy in front of PostgreSQL whose connections a test can cut, and a throwaway PostgreSQL instance a test may restart without disturbing others.
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { chownSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { connect as netConnect, createServer as createNetServer, type Socket } from 'node:net';

/** An HTTP proxy on 127.0.0.1 sending each request to the next node in turn (streams pass through). */
export async function roundRobinProxy(nodes: string[]): Promise<{ url: string; close(): Promise<void> }> {
  let next = 0;
  const server = createServer((req, res) => {
    const target = new URL(nodes[next++ % nodes.length]!);
    const upstream = request({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers: { ...req.headers, host: target.host } }, (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.pipe(res);
    });
    upstream.on('error', () => (res.headersSent ? res.destroy() : res.writeHead(502, { 'content-type': 'text/plain' }).end('node down')));
    res.on('close', () => upstream.destroy());
    req.pipe(upstream);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

/** Opens an SSE stream; `poke(predicate)` resolves with the first poke cursor that satisfies it. */
export async function eventStream(url: string, token: string) {
  const controller = new AbortController();
  const res = await fetch(`${url}/sync/v1/events`, { headers: { Authorization: `Bearer ${token}` }, signal: controller.signal });
  if (res.status !== 200) throw new Error(`event stream answered ${res.status}`);
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  return {
    async poke(predicate: (cursor: string) => boolean): Promise<string> {
      for (;;) {
        const end = buffer.indexOf('\n\n');
        if (end < 0) {
          const chunk = await reader.read();
          if (chunk.done) throw new Error('the event stream ended');
          buffer += chunk.value;
          continue;
        }
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const data = /^event: poke$[\s\S]*^data: (.*)$/m.exec(block);
        if (data) {
          const { cursor } = JSON.parse(data[1]!) as { cursor: string };
          if (predicate(cursor)) return cursor;
        }
      }
    },
    close: () => controller.abort(),
  };
}

/** The position inside a stub cursor (`<epoch>.<seq>.<base>`), for comparing pokes in tests. */
export function seqOf(cursor: string): number {
  return Number(cursor.split('.')[1]);
}

async function freePort(): Promise<number> {
  const server = createNetServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  await new Promise((r) => server.close(r));
  return port;
}

const PG_BIN = process.env.OUTPOST_TEST_PG_BIN || '/usr/lib/postgresql/15/bin';

/**
 * Starts a PostgreSQL instance of its own (initdb in a temporary dir, its own port on 127.0.0.1),
 * so a test can restart it under load without touching the cluster other tests share. Runs the
 * server as the `postgres` OS user when this process is root.
 */
export async function throwawayPostgres(): Promise<{ url: string; restart(): Promise<void>; stop(): void }> {
  const dir = mkdtempSync(join(tmpdir(), 'outpost-pg-'));
  const data = join(dir, 'data');
  const port = await freePort();
  const asRoot = userInfo().uid === 0;
  const run = (bin: string, args: string[]) => {
    const cmd = join(PG_BIN, bin);
    try {
      if (asRoot) execFileSync('runuser', ['-u', 'postgres', '--', cmd, ...args], { stdio: 'pipe' });
      else execFileSync(cmd, args, { stdio: 'pipe' });
    } catch (err) {
      const e = err as { stderr?: Buffer; message: string };
      throw new Error(
        `${bin} failed: ${e.stderr?.toString() || e.message}. This test starts its own PostgreSQL from ${PG_BIN} (set OUTPOST_TEST_PG_BIN): install the postgresql package (.ci/postgres does) and run the tests as root or as the postgres user.`,
        { cause: err },
      );
    }
  };
  if (asRoot) chownSync(dir, Number(execFileSync('id', ['-u', 'postgres']).toString()), Number(execFileSync('id', ['-g', 'postgres']).toString()));
  run('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync']);
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=on -c max_connections=60`;
  const pgctl = (...args: string[]) => run('pg_ctl', ['-D', data, '-o', options, '-w', '-l', join(dir, 'log'), ...args]);
  pgctl('start');
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    // Asynchronous: the stub under test keeps serving (and failing over) while the server restarts.
    restart: async () => {
      const args = ['-D', data, '-o', options, '-w', '-l', join(dir, 'log'), 'restart', '-m', 'fast'];
      const cmd = join(PG_BIN, 'pg_ctl');
      if (asRoot) await promisify(execFile)('runuser', ['-u', 'postgres', '--', cmd, ...args]);
      else await promisify(execFile)(cmd, args);
    },
    stop: () => {
      try {
        pgctl('stop', '-m', 'immediate');
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

/**
 * A TCP proxy on 127.0.0.1 in front of the PostgreSQL of `dbUrl` (as a connection pooler or load
 * balancer between nodes and their database); `url` is `dbUrl` through it. `cut()` closes every
 * connection and refuses new ones (the proxy going down, PostgreSQL untouched: what a backend was
 * doing carries on); `mend()` accepts connections again on the same port.
 */
export async function databaseLink(dbUrl: string): Promise<{ url: string; cut(): Promise<void>; mend(): Promise<void>; close(): Promise<void> }> {
  const target = new URL(dbUrl);
  const sockets = new Set<Socket>();
  const server = createNetServer((client) => {
    const upstream = netConnect(Number(target.port || 5432), target.hostname);
    for (const [from, to] of [[client, upstream], [upstream, client]] as const) {
      sockets.add(from);
      from.on('error', () => to.destroy());
      from.on('close', () => (sockets.delete(from), to.destroy()));
      from.pipe(to);
    }
  });
  const listen = (port: number) => new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
  await listen(0);
  const port = (server.address() as AddressInfo).port;
  const url = new URL(dbUrl);
  url.hostname = '127.0.0.1';
  url.port = String(port);
  const cut = async () => {
    const closed = new Promise((r) => server.close(r));
    for (const socket of sockets) socket.destroy();
    await closed;
  };
  return { url: url.toString(), cut, mend: () => listen(port), close: () => (server.listening ? cut() : Promise.resolve()) };
}
