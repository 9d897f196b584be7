// A proxy in front of the stub that holds chosen requests until the test releases them: a slow
// network under a new version's install, made deterministic (workbox installs one file at a time).
import { createServer, request, type Server } from 'node:http';
import type { Socket } from 'node:net';

export class HoldProxy {
  url = '';
  #server: Server | undefined;
  readonly #sockets = new Set<Socket>();
  #hold: ((path: string) => boolean) | undefined;
  #held: Array<() => void> = [];
  #onHeld: ((path: string) => void) | undefined;

  /** `target` gives the stub's URL (read per request: the stub may restart). */
  constructor(readonly target: () => string) {}

  async start(): Promise<string> {
    const server = (this.#server = createServer((req, res) => {
      const forward = () => {
        const target = new URL(this.target());
        // The stub refuses a request whose Origin is not its own (a cross-site request).
        const headers = { ...req.headers, host: target.host, ...(req.headers.origin ? { origin: target.origin } : {}) };
        const up = request(new URL(req.url ?? '/', target), { method: req.method, headers });
        up.on('error', () => res.socket?.destroy());
        up.on('response', (r) => (res.writeHead(r.statusCode ?? 502, r.headers), r.pipe(res)));
        res.on('close', () => up.destroy());
        req.pipe(up);
      };
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      if (!this.#hold?.(path)) return forward();
      this.#held.push(forward);
      this.#onHeld?.(path);
    }));
    server.on('connection', (s) => (this.#sockets.add(s), s.once('close', () => this.#sockets.delete(s))));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    return (this.url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`);
  }

  /** Holds every request whose path `when` accepts until {@link release}; resolves with the first held path. */
  holdWhen(when: (path: string) => boolean): Promise<string> {
    this.#hold = when;
    return new Promise((resolve) => (this.#onHeld = resolve));
  }

  /** Forwards the held requests and holds no more. */
  release(): void {
    this.#hold = undefined;
    this.#held.splice(0).forEach((forward) => forward());
  }

  async close(): Promise<void> {
    this.#sockets.forEach((s) => s.destroy());
    await new Promise((resolve) => this.#server?.close(resolve) ?? resolve(undefined));
  }
}
