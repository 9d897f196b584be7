// The CLI flags of the server's security settings: limits, rates, JWT identity, demo accounts.
import type { StubOptions } from './server.js';
import type { StubLimits } from './limits.js';
import { parseRate } from './rate-limit.js';
import { hashPassword } from './passwords.js';
import { isIP } from 'node:net';

/** Help lines for these flags. */
export const SECURITY_HELP = `  --max-document <size>      largest document, e.g. 256k, 1m (default 256k)
  --max-depth <n>            deepest nesting of objects/arrays in a document (default 32, max 64)
  --max-set <n>              most elements of a set field (default 10000)
  --max-pull-bytes <size>    a pull page ends past this many bytes (default 4m)
  --max-push-response <size> a push whose answer passes this many bytes is refused (default 32m)
  --max-push-writes <size>   a push stops once it has written this many bytes; the rest is sent again (default 8m)
  --max-clients <n>          most client ids (devices, browser profiles) per user (default 1000)
  --max-sessions <n>         most sign-ins kept per user; a new one ends the least recently used (default 100)
  --max-in-flight <n>        most pushes and pulls per user at once on this node, each until its
                             answer is sent, or off (default 32)
  --push-rate <n>/<t>        pushes per user, e.g. 1200/1m, or off (default 1200/1m)
  --pull-rate <n>/<t>        pulls per user, e.g. 3600/1m, or off (default 3600/1m)
  --login-rate <n>/<t>       failed sign-ins per name and per address (default 10/1m)
  --trust-proxy <list>       your reverse proxies' addresses, e.g. 127.0.0.1,::1: a request from one
                             counts under the right-most X-Forwarded-For address that is not one
                             (default none: X-Forwarded-For is ignored)
  --jwt-issuer <iss>         accept JWTs from the app's identity provider with this issuer
  --jwt-audience <aud>       ... and this audience; the key is $OUTPOST_JWT_SECRET (HS256)
  --jwks-url <url>           ... or the provider's JWKS (RS256/ES256)
  --allow-demo-users         allow the demo accounts on a non-loopback --host
  --hash-password            read a password on stdin, print its scrypt hash for --users, exit
`;

/** `parseArgs` options of these flags. */
export const SECURITY_FLAGS = {
  'max-document': { type: 'string' },
  'max-depth': { type: 'string' },
  'max-set': { type: 'string' },
  'max-pull-bytes': { type: 'string' },
  'max-push-response': { type: 'string' },
  'max-push-writes': { type: 'string' },
  'max-clients': { type: 'string' },
  'max-sessions': { type: 'string' },
  'max-in-flight': { type: 'string' },
  'push-rate': { type: 'string' },
  'pull-rate': { type: 'string' },
  'login-rate': { type: 'string' },
  'trust-proxy': { type: 'string' },
  'jwt-issuer': { type: 'string' },
  'jwt-audience': { type: 'string' },
  'jwks-url': { type: 'string' },
  'allow-demo-users': { type: 'boolean' },
  'hash-password': { type: 'boolean' },
} as const;

type Values = { [K in keyof typeof SECURITY_FLAGS]?: (typeof SECURITY_FLAGS)[K]['type'] extends 'boolean' ? boolean : string };

/**
 * Turns the flags into {@link StubOptions}; the HS256 secret comes from `env.OUTPOST_JWT_SECRET`
 * (a secret on the command line would show in `ps` and shell history).
 * @throws Error naming the flag whose value is wrong.
 */
export function securityOptions(values: Values, env: NodeJS.ProcessEnv = process.env): Pick<StubOptions, 'limits' | 'identity' | 'allowDemoUsers' | 'trustProxy'> {
  const limits: Partial<StubLimits> = {};
  if (values['max-document'] !== undefined) limits.documentBytes = parseBytes(values['max-document'], '--max-document');
  if (values['max-depth'] !== undefined) limits.depth = count(values['max-depth'], '--max-depth');
  if (values['max-set'] !== undefined) limits.setSize = count(values['max-set'], '--max-set');
  if (values['max-pull-bytes'] !== undefined) limits.pullBytes = parseBytes(values['max-pull-bytes'], '--max-pull-bytes');
  if (values['max-push-response'] !== undefined) limits.pushResponseBytes = parseBytes(values['max-push-response'], '--max-push-response');
  if (values['max-push-writes'] !== undefined) limits.pushWriteBytes = parseBytes(values['max-push-writes'], '--max-push-writes');
  if (values['max-clients'] !== undefined) limits.clientsPerUser = count(values['max-clients'], '--max-clients');
  if (values['max-sessions'] !== undefined) limits.sessionsPerUser = count(values['max-sessions'], '--max-sessions');
  if (values['max-in-flight'] !== undefined) limits.requestsInFlightPerUser = values['max-in-flight'] === 'off' ? Infinity : count(values['max-in-flight'], '--max-in-flight');
  if (values['push-rate'] !== undefined) limits.pushRate = parseRate(values['push-rate'], '--push-rate');
  if (values['pull-rate'] !== undefined) limits.pullRate = parseRate(values['pull-rate'], '--pull-rate');
  if (values['login-rate'] !== undefined) limits.loginRate = parseRate(values['login-rate'], '--login-rate');
  const issuer = values['jwt-issuer'];
  const audience = values['jwt-audience'];
  const jwksUrl = values['jwks-url'];
  const wantsJwt = issuer !== undefined || audience !== undefined || jwksUrl !== undefined;
  if (wantsJwt && (issuer === undefined || audience === undefined)) throw new Error('JWT identity needs both --jwt-issuer and --jwt-audience.');
  const secret = jwksUrl === undefined ? env.OUTPOST_JWT_SECRET : undefined;
  if (wantsJwt && jwksUrl === undefined && !secret) throw new Error('JWT identity needs a key: set OUTPOST_JWT_SECRET (HS256) or pass --jwks-url (RS256/ES256).');
  return {
    limits,
    identity: wantsJwt ? { issuer: issuer!, audience: audience!, ...(jwksUrl !== undefined ? { jwksUrl } : { secret }) } : undefined,
    allowDemoUsers: values['allow-demo-users'],
    trustProxy: values['trust-proxy'] === undefined ? undefined : trustedProxies(values['trust-proxy']),
  };
}

/** `--hash-password`: the scrypt hash of the password read from stdin (one line; the newline is not part of it). */
export async function hashPasswordFromStdin(): Promise<string> {
  let text = '';
  for await (const chunk of process.stdin) text += String(chunk);
  const password = text.replace(/\r?\n$/, '');
  if (!password) throw new Error('--hash-password reads the password on stdin, e.g. outpost-stub --hash-password < password.txt');
  return hashPassword(password);
}

function trustedProxies(text: string): string[] {
  const list = text.split(',').map((s) => s.trim()).filter(Boolean);
  const bad = list.find((address) => !isIP(address));
  if (!list.length || bad !== undefined) throw new Error(`--trust-proxy must list IP addresses, e.g. --trust-proxy 127.0.0.1,::1, got '${bad ?? text}'.`);
  return list;
}

const UNITS: Record<string, number> = { '': 1, b: 1, k: 1024, kb: 1024, kib: 1024, m: 1024 ** 2, mb: 1024 ** 2, mib: 1024 ** 2 };

function parseBytes(text: string, flag: string): number {
  const m = /^(\d+)\s*([a-z]*)$/i.exec(text.trim());
  const unit = m ? UNITS[m[2]!.toLowerCase()] : undefined;
  if (!m || unit === undefined || Number(m[1]) < 1) throw new Error(`${flag} must be a size like 262144, 256k or 4m, got '${text}'.`);
  return Number(m[1]) * unit;
}

function count(text: string, flag: string): number {
  const n = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(n) || n < 1) throw new Error(`${flag} must be a whole number of 1 or more, got '${text}'.`);
  return n;
}
