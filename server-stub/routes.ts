// The protocol's HTTP routes: method and auth checks, body validation, then push/pull/events.
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  LoginRequestSchema,
  PROTOCOL_VERSION,
  PullRequestSchema,
  PushRequestSchema,
  SYNC_PATHS,
  parseProtocol,
} from '../runtime/protocol/index.js';
import { tokenHash, type Auth } from './auth.js';
import type { EventHub } from './events.js';
import { HttpError, bearerToken, checkProtocol, readJson, sendJson, sendJsonText } from './http.js';
import type { Guard } from './guard.js';
import { checkPushLimits } from './limits.js';
import { applyPull, formatCursor, type PullDeps } from './pull.js';
import { applyPush, type PushDeps } from './push.js';
import { StorageUnavailable } from './storage/types.js';

/** What the routes need from the running stub. */
export interface RouteDeps extends PushDeps, PullDeps {
  auth: Auth;
  events: EventHub;
  guard: Guard;
}

const METHODS: Record<string, string> = {
  [SYNC_PATHS.push]: 'POST',
  [SYNC_PATHS.pull]: 'POST',
  [SYNC_PATHS.login]: 'POST',
  [SYNC_PATHS.logout]: 'POST',
  [SYNC_PATHS.events]: 'GET',
  [SYNC_PATHS.health]: 'GET',
};

/** Handles a protocol route; returns false for paths that are not one (static hosting may answer). */
export async function handleRoute(deps: RouteDeps, req: IncomingMessage, res: ServerResponse, url: URL, requestId: string): Promise<boolean> {
  const method = METHODS[url.pathname];
  if (!method) return false;
  if (req.method !== method && !(url.pathname === SYNC_PATHS.health && req.method === 'HEAD')) {
    req.resume();
    throw new HttpError('method-not-allowed', `${url.pathname} takes ${method}, not ${req.method}.`, { Allow: method });
  }
  switch (url.pathname) {
    case SYNC_PATHS.health:
      sendJson(res, 200, { ok: true });
      return true;
    case SYNC_PATHS.login: {
      const body = await readJson(req);
      checkProtocol(body);
      const login = valid(parseProtocol(LoginRequestSchema, body));
      const token = await deps.guard.login(req, login.user, () => deps.auth.login(login.user, login.password));
      sendJson(res, 200, { token, user: login.user });
      return true;
    }
    case SYNC_PATHS.logout: {
      req.resume();
      const token = bearerToken(req, url);
      if (!token) throw new HttpError('unauthorized', 'Send the token to revoke as Authorization: Bearer <token>.', { 'WWW-Authenticate': 'Bearer' });
      // Idempotent: an unknown, expired or already revoked token is simply not revoked again.
      const revoked = await deps.auth.revoke(token);
      // Its event streams here end now (other nodes' at their next heartbeat).
      deps.events.endSession(tokenHash(token));
      sendJson(res, 200, { revoked });
      return true;
    }
    case SYNC_PATHS.push: {
      const caller = await deps.guard.pushCaller(req, url);
      try {
        deps.guard.admit(caller.user, res);
        deps.guard.checkPush(caller.user);
        const body = await readJson(req);
        checkProtocol(body);
        const push = valid(parseProtocol(PushRequestSchema, body));
        checkPushLimits(push, deps.limits);
        // Resolves once committed; the storage then tells every node, and each pokes its own streams.
        sendJsonText(res, 200, await applyPush(deps, caller, push, requestId));
      } catch (err) {
        // A token whose session nothing read yet gets the 401 it had before, not this error. When the
        // storage cannot tell either, the push's own failure stands: it says whether it may have applied.
        await caller.confirm().catch((confirmErr: unknown) => {
          if (!(err instanceof StorageUnavailable && confirmErr instanceof StorageUnavailable)) throw confirmErr;
        });
        throw err;
      }
      return true;
    }
    case SYNC_PATHS.pull: {
      const user = await deps.guard.user(req, url);
      deps.guard.admit(user, res);
      deps.guard.checkPull(user);
      const body = await readJson(req);
      checkProtocol(body);
      sendJson(res, 200, await applyPull(deps, user, valid(parseProtocol(PullRequestSchema, body))));
      return true;
    }
    case SYNC_PATHS.events: {
      const protocol = url.searchParams.get('protocol');
      if (protocol !== null && protocol !== String(PROTOCOL_VERSION)) checkProtocol({ protocol });
      const { user, ...auth } = await deps.guard.streamCaller(req, url);
      await deps.events.open(req, res, user, () => headCursor(deps, user), requestId, auth);
      return true;
    }
  }
  return false;
}

/** The cursor a caught-up pull would return now: what pokes carry. */
export async function headCursor(deps: Pick<RouteDeps, 'storage'>, user: string): Promise<string> {
  const { seq, compactedSeq } = await deps.storage.position(user);
  return formatCursor(deps.storage.epoch, seq, compactedSeq);
}

function valid<T>(result: { ok: true; value: T } | { ok: false; message: string }): T {
  if (!result.ok) throw new HttpError('invalid-request', `The request body does not match sync protocol v1: ${result.message}. See docs/protocol.md.`);
  return result.value;
}
