import { test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { stubFor, login } from './helpers.js';

/** A raw request, so the test controls Host and Origin (fetch forbids setting Host). */
function raw(url: string, init: { method?: string; path: string; headers?: Record<string, string>; body?: string }): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}${init.path}`, { method: init.method ?? 'GET', headers: init.headers }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end(init.body);
  });
}

const LOGIN = JSON.stringify({ user: 'alice', password: 'alice' });
const JSON_HEADERS = { 'content-type': 'application/json' };

test('bound to loopback, a request whose Host is another name (DNS rebinding) is refused with 421; --allowed-host admits a named one', async (t) => {
  const stub = await stubFor(t);
  const port = new URL(stub.url).port;
  const evil = await raw(stub.url, { method: 'POST', path: '/auth/v1/login', headers: { ...JSON_HEADERS, host: `rebind.attacker.example:${port}` }, body: LOGIN });
  assert.equal(evil.status, 421);
  assert.equal(JSON.parse(evil.body).error.code, 'host-not-allowed');
  assert.doesNotMatch(evil.body, /token/);
  for (const host of [`localhost:${port}`, `127.0.0.1:${port}`]) {
    assert.equal((await raw(stub.url, { path: '/healthz', headers: { host } })).status, 200, host);
  }
  const proxied = await stubFor(t, { allowedHosts: ['mail.example.com'] });
  assert.equal((await raw(proxied.url, { path: '/healthz', headers: { host: 'mail.example.com' } })).status, 200);
  assert.equal((await raw(proxied.url, { path: '/healthz', headers: { host: 'other.example.com' } })).status, 421);
});

test('CORS: no Access-Control-Allow-Origin by default, a foreign Origin is refused (403) even at login, a configured origin is echoed (never *)', async (t) => {
  const stub = await stubFor(t);
  const same = await raw(stub.url, { method: 'POST', path: '/auth/v1/login', headers: { ...JSON_HEADERS, origin: stub.url }, body: LOGIN });
  assert.equal(same.status, 200, 'a page served by the stub itself signs in');
  assert.equal(same.headers['access-control-allow-origin'], undefined);
  const foreign = await raw(stub.url, { method: 'POST', path: '/auth/v1/login', headers: { ...JSON_HEADERS, origin: 'https://evil.example' }, body: LOGIN });
  assert.equal(foreign.status, 403);
  assert.equal(JSON.parse(foreign.body).error.code, 'origin-not-allowed');
  assert.match(JSON.parse(foreign.body).error.message, /--cors-origin/);
  const preflight = await raw(stub.url, { method: 'OPTIONS', path: '/sync/v1/push', headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' } });
  assert.equal(preflight.headers['access-control-allow-origin'], undefined);

  const app = 'http://localhost:8000';
  const configured = await stubFor(t, { corsOrigins: [app] });
  const ok = await raw(configured.url, { method: 'POST', path: '/auth/v1/login', headers: { ...JSON_HEADERS, origin: app }, body: LOGIN });
  assert.equal(ok.status, 200);
  assert.equal(ok.headers['access-control-allow-origin'], app);
  const token = JSON.parse(ok.body).token as string;
  for (const path of ['/sync/v1/pull', '/healthz', '/nope']) {
    const isPull = path === '/sync/v1/pull';
    const r = await raw(configured.url, { method: isPull ? 'POST' : 'GET', path, headers: { ...JSON_HEADERS, origin: app, authorization: `Bearer ${token}` }, body: isPull ? JSON.stringify({ protocol: 1, clientId: 'c', cursor: null }) : undefined });
    assert.equal(r.headers['access-control-allow-origin'], app, path);
  }
  await assert.rejects(stubFor(t, { corsOrigins: ['*'] }), /'\*'/);
});

test('tokens in URLs are refused (?token=), and a failing request is logged without its query string', async (t) => {
  const logged: string[] = [];
  let clockFails = false;
  // A clock that throws makes the next push fail inside the server: an internal error that gets logged.
  const now = () => {
    if (clockFails) throw new Error('clock unavailable');
    return Date.now();
  };
  const stub = await stubFor(t, { logError: (message) => logged.push(message), now });
  const token = await login(stub.url);
  const res = await fetch(`${stub.url}/sync/v1/events?token=${encodeURIComponent(token)}`);
  assert.equal(res.status, 401);
  assert.match((await res.json()).error.message, /Authorization: Bearer/);
  const pull = await fetch(`${stub.url}/sync/v1/pull?token=${encodeURIComponent(token)}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ protocol: 1, clientId: 'c', cursor: null }) });
  assert.equal(pull.status, 401);
  clockFails = true;
  const failed = await fetch(`${stub.url}/sync/v1/push?secret=s3cr3t`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ protocol: 1, clientId: 'c', mutations: [{ id: 1, name: 'put', collection: 'n', key: 'k', baseRev: 0, value: {} }] }),
  });
  assert.equal(failed.status, 500);
  assert.equal(logged.length, 1, 'the failure was logged');
  assert.match(logged[0]!, /POST \/sync\/v1\/push\)/);
  assert.ok(logged.every((line) => !line.includes(token) && !line.includes('s3cr3t')), logged.join('\n'));
});
