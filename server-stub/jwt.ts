// Bring your own identity: bearer tokens that are JWTs issued by the app's identity provider,
// verified with `jose` — an HS256 shared secret, or RS256/ES256 keys fetched from a JWKS URL.
import { createRemoteJWKSet, errors, jwtVerify, type JWTVerifyGetKey } from 'jose';
import { MAX_NAME_LENGTH } from '../runtime/protocol/index.js';
import { nameProblem } from './names.js';
import { HttpError } from './http.js';

/** How to verify app-issued JWTs. Exactly one of `secret` or `jwksUrl`. */
export interface JwtIdentity {
  /** Expected `iss` claim. */
  issuer: string;
  /** Expected `aud` claim (one of them when the token lists several). */
  audience: string;
  /** HS256 shared secret (at least 32 bytes). Pass it from the environment, never a file in the repo. */
  secret?: string;
  /** URL of the provider's JWKS (`…/.well-known/jwks.json`): RS256 and ES256 keys, cached and refreshed by key id. */
  jwksUrl?: string;
  /** Tolerated clock difference (s) for `exp`/`nbf`. Default 30. */
  clockToleranceS?: number;
}

const UNAUTHORIZED = { 'WWW-Authenticate': 'Bearer error="invalid_token"' };

/** Verifies JWT bearer tokens; `sub` is the user. */
export class JwtVerifier {
  readonly #identity: JwtIdentity;
  readonly #key: Uint8Array | JWTVerifyGetKey;
  readonly #algorithms: string[];

  /** @throws Error naming the misconfiguration (both or neither key source, short secret, bad URL). */
  constructor(identity: JwtIdentity) {
    if (!identity.issuer || !identity.audience) throw new Error('JWT identity needs an issuer and an audience (--jwt-issuer, --jwt-audience): tokens from other issuers or for other apps must not be accepted.');
    if ((identity.secret === undefined) === (identity.jwksUrl === undefined)) {
      throw new Error('JWT identity needs exactly one key source: a shared secret (OUTPOST_JWT_SECRET, HS256) or a JWKS URL (--jwks-url, RS256/ES256).');
    }
    this.#identity = identity;
    if (identity.secret !== undefined) {
      const secret = new TextEncoder().encode(identity.secret);
      if (secret.length < 32) throw new Error(`The HS256 secret is ${secret.length} bytes; use at least 32 random bytes (e.g. openssl rand -base64 48).`);
      this.#key = secret;
      this.#algorithms = ['HS256'];
    } else {
      let url: URL;
      try {
        url = new URL(identity.jwksUrl!);
      } catch {
        throw new Error(`--jwks-url '${identity.jwksUrl}' is not a URL.`);
      }
      // jose caches the key set, refetches on an unknown key id (at most every 30 s) and times out.
      this.#key = createRemoteJWKSet(url, { timeoutDuration: 5000, cooldownDuration: 30_000 });
      this.#algorithms = ['RS256', 'ES256'];
    }
  }

  /** True when `token` has a JWT's shape (three base64url parts); session tokens never do. */
  static looksLikeJwt(token: string): boolean {
    return /^[\w-]+\.[\w-]+\.[\w-]*$/.test(token);
  }

  /** The user (`sub`) of a valid token; 401 naming what is wrong otherwise. */
  async userFor(token: string): Promise<string> {
    return (await this.verify(token)).user;
  }

  /**
   * The user (`sub`) of a valid token and when this server stops taking it (`exp` plus the clock
   * tolerance, ms since the epoch); 401 naming what is wrong otherwise.
   */
  async verify(token: string): Promise<{ user: string; expiresAt: number }> {
    let sub: unknown;
    let exp: number;
    try {
      const { payload } = await jwtVerify(token, this.#key as Uint8Array, {
        issuer: this.#identity.issuer,
        audience: this.#identity.audience,
        algorithms: this.#algorithms,
        clockTolerance: this.#identity.clockToleranceS ?? 30,
        requiredClaims: ['exp', 'sub'],
      });
      sub = payload.sub;
      exp = payload.exp!;
    } catch (err) {
      throw new HttpError('unauthorized', `The bearer token is not a valid token from this app's identity provider: ${reason(err)}. Get a fresh token from the provider and sign in again.`, UNAUTHORIZED);
    }
    // The storage keeps users as UTF-8 text: a lone surrogate becomes U+FFFD (two such subs would
    // share one user's data) and PostgreSQL cannot hold U+0000 at all (every request a 503).
    if (typeof sub !== 'string' || sub === '' || nameProblem('user', sub)) {
      throw new HttpError('unauthorized', `The token's 'sub' claim (the user) must be a string of 1 to ${MAX_NAME_LENGTH.user} characters of well-formed Unicode without U+0000. Have the identity provider issue such user ids.`, UNAUTHORIZED);
    }
    // Taken until exp plus the tolerance: an event stream ended at exp would reconnect and be taken.
    return { user: sub, expiresAt: (exp + (this.#identity.clockToleranceS ?? 30)) * 1000 };
  }
}

// jose's messages are specific ("\"exp\" claim timestamp check failed"); keep them, never the token.
function reason(err: unknown): string {
  if (err instanceof errors.JWTExpired) return 'it has expired';
  if (err instanceof errors.JWTClaimValidationFailed) return `claim '${err.claim}' failed (${err.reason})`;
  if (err instanceof errors.JOSEAlgNotAllowed) return 'its algorithm is not accepted here';
  if (err instanceof errors.JWSSignatureVerificationFailed) return 'its signature does not verify';
  if (err instanceof errors.JWKSNoMatchingKey) return 'no key of the JWKS matches its key id';
  if (err instanceof errors.JWKSTimeout) return 'the JWKS URL did not answer in time';
  if (err instanceof errors.JOSEError) return err.message;
  return 'it could not be verified';
}
