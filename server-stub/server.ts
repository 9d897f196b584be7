import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createStaticHandler } from './static.js';

/** Options for {@link startStub}. */
export interface StubOptions {
  /** TCP port; 0 picks a free one. Default 8787. */
  port?: number;
  /** Interface to listen on. Default `127.0.0.1`. */
  host?: string;
  /** Folder of a built app to serve beside the API (e.g. `dist/demo-app`). */
  staticDir?: string;
}

/** A stub that is listening. */
export interface RunningStub {
  /** Base URL, e.g. `http://127.0.0.1:8787`. */
  url: string;
  /** Stops accepting connections and resolves once open ones are closed. */
  close(): Promise<void>;
}

/**
 * Starts the stub server.
 *
 * @example
 * const stub = await startStub({ port: 0 });
 * await fetch(`${stub.url}/healthz`);
 * await stub.close();
 */
export async function startStub(options: StubOptions = {}): Promise<RunningStub> {
  const serveStatic = options.staticDir ? createStaticHandler(options.staticDir) : undefined;
  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      console.error('outpost-stub: request failed', err);
      if (!res.headersSent) sendJson(res, 500, { error: { code: 'internal', message: 'Internal server error' } });
      else res.destroy();
    });
  });
  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (path === '/healthz') return sendJson(res, 200, { ok: true });
    if (serveStatic && (await serveStatic(req, res))) return;
    sendJson(res, 404, { error: { code: 'not-found', message: `No route for ${req.method} ${path}` } });
  }
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 8787, options.host ?? '127.0.0.1', () => resolve());
  });
  const { address, port } = server.address() as AddressInfo;
  const host = address.includes(':') ? `[${address}]` : address;
  return {
    url: `http://${host}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}
