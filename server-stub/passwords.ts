// Password checks: scrypt hashes for configured users (`scrypt$N$r$p$salt$hash`), and for plain
// passwords (development accounts) a comparison of SHA-256 digests, so neither the time taken nor
// an early exit reveals how long or how right a guess was.
import { createHash, randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

const PREFIX = 'scrypt$';
// OWASP's minimum for scrypt: N=2^17 is better but ~0.8 s here; 2^14 costs ~0.1 s and 16 MiB per check.
const DEFAULT_COST = { N: 16384, r: 8, p: 1 };

function scryptAsync(password: string, salt: Buffer, length: number, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => scrypt(password, salt, length, { ...options, maxmem: 64 * 1024 * 1024 }, (err, key) => (err ? reject(err) : resolve(key))));
}

/**
 * The scrypt hash of `password` to put in `--users name:<hash>` (or `users` of startStub), so the
 * configuration never holds the password itself.
 * @example
 * // outpost-stub --hash-password < password.txt  → scrypt$16384$8$1$…$…
 * const entry = `alice:${await hashPassword('correct horse battery staple')}`;
 */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const hash = await scryptAsync(password, salt, 32, DEFAULT_COST);
  return `${PREFIX}${DEFAULT_COST.N}$${DEFAULT_COST.r}$${DEFAULT_COST.p}$${salt.toString('base64')}$${hash.toString('base64')}`;
}

/** True when `stored` is a scrypt hash (else it is a plain development password). */
export function isHashed(stored: string): boolean {
  return stored.startsWith(PREFIX);
}

/**
 * Checks a hash's format up front, so a typo in the configuration fails at start, not at sign-in.
 * @throws Error naming the user.
 */
export function checkHash(user: string, stored: string): void {
  if (isHashed(stored) && !parse(stored)) throw new Error(`The password hash of user '${user}' is malformed; make a new one with outpost-stub --hash-password.`);
}

/** True when `candidate` matches `stored` (a scrypt hash or a plain password), in constant time. */
export async function verifyPassword(stored: string, candidate: string): Promise<boolean> {
  if (!isHashed(stored)) return timingSafeEqual(digest(stored), digest(candidate));
  const p = parse(stored);
  if (!p) return false;
  const key = await scryptAsync(candidate, p.salt, p.hash.length, p.cost);
  return timingSafeEqual(key, p.hash);
}

/** Spends the time of one scrypt check, for unknown user names (no timing difference to known ones). */
export async function verifyNothing(candidate: string): Promise<void> {
  await scryptAsync(candidate, Buffer.alloc(16), 32, DEFAULT_COST);
}

function parse(stored: string): { cost: { N: number; r: number; p: number }; salt: Buffer; hash: Buffer } | undefined {
  const parts = stored.slice(PREFIX.length).split('$');
  if (parts.length !== 5) return undefined;
  const [N, r, p] = parts.slice(0, 3).map(Number) as [number, number, number];
  const salt = Buffer.from(parts[3]!, 'base64');
  const hash = Buffer.from(parts[4]!, 'base64');
  const ok = [N, r, p].every((x) => Number.isSafeInteger(x) && x > 0) && (N & (N - 1)) === 0 && N <= 2 ** 20 && r <= 32 && p <= 16 && salt.length >= 8 && hash.length >= 16;
  return ok ? { cost: { N, r, p }, salt, hash } : undefined;
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}
