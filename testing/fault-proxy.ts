// An HTTP proxy in front of the stub that fails the requests a test asks it to: what a corporate
// proxy, captive portal, load balancer or flaky connection does to a sync client.
import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { SYNC_PATHS } from '../runtime/protocol/version.js';

/** What the proxy does to a matching request. */
export type ProxyFault =
  /** Answers itself, never reaching the stub (an HTML 403 from a proxy, a 503 with Retry-After…). */
  | { respond: { status: number; body?: string; contentType?: string; headers?: Record<string, string> } }
  /** Forwards the request, lets the stub answer, then cuts the client's connection: the answer is lost. */
  | { forwardThenCut: true }
  /** Forwards the request and SIGKILLs the stub as soon as the request has reached it. */
  | { killStub: true }
  /** Forwards the request, lets the stub answer, and never answers the client (until the proxy closes). */
  | { forwardThenHold: true }
  /** Holds the request, unanswered and not forwarded, until the rules are next set; then forwards it. */
  | { holdUntilRulesChange: true }
  /**
   * Forwards a push and passes its answer on without the `original` of its `duplicate` results: a
   * server that does not keep first answers (they are optional, docs/protocol.md).
   */
  | { forwardWithoutOriginals: true }
  /**
   * Answers a request whose body passes `bodyLimit` bytes with nginx's HTML 413 (its
   * `client_max_body_size`), never reaching the stub; forwards the others. Only refusals count as
   * `faulted`.
   */
  | { bodyLimit: number };

/** A fault for the next `times` requests (default: until cleared) to one sync route. */
export interface ProxyRule {
  route: 'push' | 'pull' | 'events';
  /** Match the route's CORS preflight (`OPTIONS`) instead of the request itself. */
  preflight?: boolean;
  times?: number;
  fault: ProxyFault;
}

/** Requests seen per route, and how many a rule failed. */
export interface ProxyCounts {
  push: number;
  pull: number;
  events: number;
  faulted: number;
  /** Event streams open through the proxy now. */
  streams: number;
}

const ROUTES = { [SYNC_PATHS.push]: 'push', [SYNC_PATHS.pull]: 'pull', [SYNC_PATHS.events]: 'events' } as Record<string, ProxyRule['route']>;

/**
 * A proxy on a free 127.0.0.1 port forwarding to the stub, with rules that fail chosen requests.
 * CORS preflights always pass through; fault answers carry `Access-Control-Allow-Origin: *` so
 * the page can read them, as it could behind a same-origin proxy.
 */
export class FaultProxy {
  #servers: Server[] = [];
  #rules: Array<ProxyRule & { left: number }> = [];
  readonly #streams = new Set<ServerResponse>();
  readonly #sockets = new Set<Socket>();
  // Requests a holdUntilRulesChange fault is holding: each forwards when called.
  #held: Array<() => void> = [];
  #counts = { push: 0, pull: 0, events: 0, faulted: 0 };
  url = '';

  readonly #target: () => string;
  readonly #killStub: () => Promise<void>;

  /** `target` gives the stub's URL; `killStub` SIGKILLs it (for the `killStub` fault). */
  constructor(target: () => string, killStub: () => Promise<void>) {
    this.#target = target;
    this.#killStub = killStub;
  }

  /** Starts listening (once) and resolves with the proxy's base URL. */
  async start(): Promise<string> {
    if (!this.#servers.length) this.url = await this.newOrigin();
    return this.url;
  }

  /**
   * The same proxy (rules, counts) on one more free port, never used before: an origin whose CORS
   * preflight no browser has cached, so the first request from a page sends one.
   */
  async newOrigin(): Promise<string> {
    const server = createServer((req, res) => void this.#handle(req, res));
    server.on('connection', (s) => {
      this.#sockets.add(s);
      s.once('close', () => this.#sockets.delete(s));
    });
    this.#servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    return `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  }

  /** Replaces the rules (an empty list heals the network) and resets the counts. */
  setRules(rules: ProxyRule[]): ProxyCounts {
    const before = this.counts;
    this.#rules = rules.map((r) => ({ ...r, left: r.times ?? Infinity }));
    this.#counts = { push: 0, pull: 0, events: 0, faulted: 0 };
    const held = this.#held;
    this.#held = [];
    for (const release of held) release();
    return before;
  }

  /** Requests seen since the rules were last set. */
  get counts(): ProxyCounts {
    return { ...this.#counts, streams: this.#streams.size };
  }

  /** Cuts every open event stream (the server side stays up); clients must reconnect. */
  dropStreams(): number {
    const n = this.#streams.size;
    for (const res of this.#streams) res.socket?.destroy();
    this.#streams.clear();
    return n;
  }

  async close(): Promise<void> {
    for (const s of this.#sockets) s.destroy();
    const servers = this.#servers;
    this.#servers = [];
    await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const route = ROUTES[new URL(req.url ?? '/', 'http://x').pathname];
    const preflight = req.method === 'OPTIONS';
    if (route && !preflight) this.#counts[route]++;
    const rule = route ? this.#rules.find((r) => r.route === route && !!r.preflight === preflight && r.left > 0) : undefined;
    if (rule) {
      rule.left--;
      if (!('bodyLimit' in rule.fault)) this.#counts.faulted++;
    }
    const fault = rule?.fault;
    if (fault && 'respond' in fault) {
      req.resume();
      this.#respond(res, fault.respond);
      return;
    }
    if (fault && 'bodyLimit' in fault) {
      const chunks: Buffer[] = [];
      try {
        for await (const chunk of req) chunks.push(chunk as Buffer);
      } catch {
        return void res.socket?.destroy();
      }
      const body = Buffer.concat(chunks);
      if (body.length <= fault.bodyLimit) return this.#forward(req, res, route, undefined, body);
      this.#counts.faulted++;
      // nginx's own page, as it answers a body over client_max_body_size.
      const page = '<html>\r\n<head><title>413 Request Entity Too Large</title></head>\r\n<body>\r\n<center><h1>413 Request Entity Too Large</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n';
      this.#respond(res, { status: 413, body: page });
      return;
    }
    if (fault && 'holdUntilRulesChange' in fault) {
      this.#held.push(() => this.#forward(req, res, route, undefined));
      return;
    }
    this.#forward(req, res, route, fault);
  }

  /** Answers the client itself (CORS-readable, as a same-origin proxy's answer would be). */
  #respond(res: ServerResponse, r: { status: number; body?: string; contentType?: string; headers?: Record<string, string> }): void {
    res.writeHead(r.status, { 'Content-Type': r.contentType ?? 'text/html; charset=utf-8', 'Access-Control-Allow-Origin': '*', 'Access-Control-Expose-Headers': '*', ...r.headers });
    res.end(r.body ?? `<html><head><title>${r.status}</title></head><body><h1>Blocked by proxy</h1></body></html>`);
  }

  /** Forwards a request to the stub; `body`: the request's body, already read (else it is piped). */
  #forward(req: IncomingMessage, res: ServerResponse, route: ProxyRule['route'] | undefined, fault: ProxyFault | undefined, body?: Buffer): void {
    const upstream = request(new URL(req.url ?? '/', this.#target()), { method: req.method, headers: { ...req.headers, host: new URL(this.#target()).host } });
    const cut = () => res.socket?.destroy();
    upstream.on('error', cut);
    upstream.on('response', (up) => {
      if (fault && 'forwardThenCut' in fault) {
        // The stub has answered (so it committed); the client hears only the start of a status
        // line, so the browser cannot silently resend the request on a fresh connection.
        up.resume();
        up.on('end', () => res.socket?.end('HTTP/1.1 200 OK\r\n', cut));
        return;
      }
      // A proxy that holds the request: the client waits on an open connection for good.
      if (fault && 'forwardThenHold' in fault) return void up.resume();
      if (fault && 'forwardWithoutOriginals' in fault) return void this.#withoutOriginals(up, res);
      res.writeHead(up.statusCode ?? 502, up.headers);
      if (route === 'events') {
        this.#streams.add(res);
        res.once('close', () => this.#streams.delete(res));
      }
      up.pipe(res);
      up.on('error', cut);
    });
    req.on('error', () => upstream.destroy());
    res.on('close', () => upstream.destroy());
    if (fault && 'killStub' in fault) upstream.on('finish', () => void this.#killStub());
    if (body) upstream.end(body);
    else req.pipe(upstream);
  }

  /** Passes a push answer on with its duplicates bare (see the `forwardWithoutOriginals` fault). */
  #withoutOriginals(up: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    up.on('data', (c: Buffer) => chunks.push(c));
    up.on('error', () => res.socket?.destroy());
    up.on('end', () => {
      let body = Buffer.concat(chunks);
      try {
        const answer = JSON.parse(body.toString('utf8')) as { results?: Array<{ original?: unknown }> };
        for (const r of answer.results ?? []) delete r.original;
        body = Buffer.from(JSON.stringify(answer));
      } catch {
        // Not a push answer (an error's body): passed on as it came.
      }
      res.writeHead(up.statusCode ?? 502, { ...up.headers, 'content-length': String(body.length) });
      res.end(body);
    });
  }
}
