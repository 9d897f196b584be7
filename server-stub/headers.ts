// Response headers that make the browser enforce what the server means: what an HTML page may
// load, who may frame it, what it leaks in Referer, which origins may call the API.
import type { IncomingMessage } from 'node:http';

/**
 * The default Content-Security-Policy of served HTML. Scripts only from the app's own origin (no
 * inline script, no eval); inline styles allowed (Lit templates set `style` attributes); images
 * also from `https:`/`http:`/`data:`, because an HTML email's images load in a `srcdoc` frame, which
 * inherits this policy (the frame's own CSP keeps them blocked until the reader asks); no plugins,
 * no `<base>` rewriting, no framing by any other page.
 */
export const DEFAULT_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob: https: http:",
  "connect-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-src 'self'",
  "frame-ancestors 'none'",
  "worker-src 'self'",
  "manifest-src 'self'",
].join('; ');

/** Headers for every served HTML page, under the given CSP. */
export function htmlSecurityHeaders(csp: string): Record<string, string> {
  return {
    'Content-Security-Policy': csp,
    'Referrer-Policy': 'no-referrer',
    'X-Content-Type-Options': 'nosniff',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'X-Frame-Options': 'DENY',
  };
}

/** Headers for every response (API and static). */
export const BASE_HEADERS: Readonly<Record<string, string>> = {
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
};

/**
 * The `Access-Control-Allow-Origin` to answer `req` with: its Origin when that origin is configured,
 * else nothing (same-origin callers need no CORS; any other page is refused by the browser). Never `*`.
 */
export function allowedOrigin(req: IncomingMessage, origins: ReadonlySet<string>): string | undefined {
  const origin = req.headers.origin;
  return origin !== undefined && origins.has(origin) ? origin : undefined;
}

const LOOPBACK_NAMES = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

/** True when `host` (an address the server listens on) is a loopback interface. */
export function isLoopback(host: string): boolean {
  return LOOPBACK_NAMES.has(host) || /^127\.\d+\.\d+\.\d+$/.test(host) || host.endsWith('.localhost');
}

/**
 * True when the request's Host header names a loopback host. Checked when the server listens on
 * loopback: a DNS-rebinding page reaches 127.0.0.1 under its own host name, which this refuses.
 */
export function loopbackHostHeader(req: IncomingMessage): boolean {
  const name = hostName(req);
  return name !== '' && isLoopback(name);
}

/** The request's Host header without its port, lower-cased ('' when missing). */
export function hostName(req: IncomingMessage): string {
  const host = (req.headers.host ?? '').toLowerCase();
  return host.startsWith('[') ? host.slice(0, host.indexOf(']') + 1) : host.replace(/:\d+$/, '');
}

/**
 * Normalises `--cors-origin` entries to origins (`scheme://host[:port]`).
 * @throws Error naming the entry that is not an http(s) origin, or that is `*`.
 */
export function parseOrigins(list: readonly string[]): Set<string> {
  const out = new Set<string>();
  for (const entry of list) {
    if (entry === '*') throw new Error("A CORS origin of '*' would let any web page use signed-in users' tokens; list the app's origins (e.g. --cors-origin https://app.example.com).");
    let url: URL;
    try {
      url = new URL(entry);
    } catch {
      throw new Error(`CORS origin '${entry}' is not a URL; give scheme, host and port, e.g. http://localhost:8000.`);
    }
    if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.origin !== entry.replace(/\/$/, '')) {
      throw new Error(`CORS origin '${entry}' must be just scheme://host[:port] (no path), e.g. https://app.example.com.`);
    }
    out.add(url.origin);
  }
  return out;
}
