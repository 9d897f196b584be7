import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, mkdirSync, symlinkSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'node:http';
import { startStub } from '../../server-stub/index.js';
import { stubFor } from './helpers.js';

function site() {
  const root = mkdtempSync(join(tmpdir(), 'outpost-static-hard-'));
  const dir = join(root, 'site');
  mkdirSync(join(dir, 'assets'), { recursive: true });
  mkdirSync(join(dir, '.git'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>app</title>');
  writeFileSync(join(dir, 'sw.js'), 'self.x=1');
  writeFileSync(join(dir, 'assets/main-ABCD1234.js'), 'export {}');
  writeFileSync(join(dir, 'assets/main-ABCD1234.js.map'), '{"sources":["secret.ts"]}');
  writeFileSync(join(dir, '.env'), 'SECRET=1');
  writeFileSync(join(dir, '.git/config'), '[core]');
  writeFileSync(join(dir, 'assets/.hidden'), 'HIDDEN-CONTENT');
  writeFileSync(join(dir, 'big.bin'), Buffer.alloc(8 * 1024 * 1024, 1));
  writeFileSync(join(root, 'outside.txt'), 'OUTSIDE-CONTENT');
  mkdirSync(join(root, 'outside-dir'));
  writeFileSync(join(root, 'outside-dir/file.txt'), 'OUTSIDE-CONTENT');
  symlinkSync(join(root, 'outside.txt'), join(dir, 'link-out.txt'));
  symlinkSync(join(root, 'outside-dir'), join(dir, 'dir-out'));
  symlinkSync(join(dir, 'sw.js'), join(dir, 'link-in.js'));
  // Plainly named links to what is never served: the name asked for is not what is read.
  symlinkSync(join(dir, '.env'), join(dir, 'env.txt'));
  symlinkSync(join(dir, '.git'), join(dir, 'repo'));
  symlinkSync(join(dir, 'assets/main-ABCD1234.js.map'), join(dir, 'assets/map.json'));
  return { root, dir };
}

test('static hosting refuses dotfiles, symlinks that lead out of the folder and source maps (unless --source-maps)', async (t) => {
  const { dir } = site();
  const stub = await stubFor(t, { staticDir: dir });
  for (const path of ['/.env', '/.git/config', '/assets/.hidden', '/%2eenv', '/link-out.txt', '/dir-out/file.txt', '/assets/main-ABCD1234.js.map', '/assets/map.json', '/env.txt']) {
    const res = await fetch(`${stub.url}${path}`, { headers: { accept: '*/*' } });
    assert.equal(res.status, 404, `${path} must not be served`);
    assert.doesNotMatch(await res.text(), /SECRET=1|\[core\]|HIDDEN-CONTENT|OUTSIDE-CONTENT|secret\.ts/);
  }
  // No extension: a client-side route, so index.html; never the file behind the link.
  assert.doesNotMatch(await (await fetch(`${stub.url}/repo/config`, { headers: { accept: '*/*' } })).text(), /\[core\]/, '/repo/config must not be served');
  const inside = await fetch(`${stub.url}/link-in.js`);
  assert.equal(inside.status, 200, 'a symlink to a file inside the folder is served');
  const withMaps = await stubFor(t, { staticDir: dir, sourceMaps: true });
  assert.equal((await fetch(`${withMaps.url}/assets/main-ABCD1234.js.map`)).status, 200);
});

test('Service-Worker-Allowed is sent on the service worker only; HTML carries CSP, frame-ancestors, no-referrer, nosniff and COOP', async (t) => {
  const { dir } = site();
  const stub = await stubFor(t, { staticDir: dir });
  assert.equal((await fetch(`${stub.url}/sw.js`)).headers.get('service-worker-allowed'), '/');
  for (const path of ['/', '/assets/main-ABCD1234.js']) {
    assert.equal((await fetch(`${stub.url}${path}`)).headers.get('service-worker-allowed'), null, path);
  }
  for (const path of ['/', '/index.html', '/u/0/inbox']) {
    const res = await fetch(`${stub.url}${path}`, { headers: { accept: 'text/html' } });
    assert.equal(res.status, 200);
    const csp = res.headers.get('content-security-policy') ?? '';
    assert.match(csp, /frame-ancestors 'none'/, path);
    assert.match(csp, /script-src 'self'(;|$)/, `${path}: scripts only from the app's origin`);
    assert.match(csp, /object-src 'none'/);
    assert.equal(res.headers.get('referrer-policy'), 'no-referrer');
    assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
    assert.equal(res.headers.get('cross-origin-opener-policy'), 'same-origin');
  }
  const custom = await stubFor(t, { staticDir: dir, contentSecurityPolicy: "default-src 'none'" });
  assert.equal((await fetch(`${custom.url}/`)).headers.get('content-security-policy'), "default-src 'none'");
});

test('a static folder that contains the data folder is refused at start', async () => {
  const { dir } = site();
  await assert.rejects(startStub({ port: 0, staticDir: dir, dataDir: join(dir, 'data') }), /contains the data folder/);
  await assert.rejects(startStub({ port: 0, staticDir: dir, dataDir: dir }), /contains the data folder/);
});

/** Open file descriptors of this process (the stub runs in it). */
function openFds(): number {
  return readdirSync('/proc/self/fd').length;
}

test('aborted downloads close their file handles', async (t) => {
  const { dir } = site();
  const stub = await stubFor(t, { staticDir: dir });
  const before = openFds();
  const url = new URL(`${stub.url}/big.bin`);
  for (let i = 0; i < 20; i++) {
    // Read the first chunk, then drop the connection mid-download.
    await new Promise<void>((resolve, reject) => {
      const req = request(url, (res) => {
        res.once('data', () => {
          req.destroy();
          resolve();
        });
      });
      req.on('error', (err) => ((err as NodeJS.ErrnoException).code === 'ECONNRESET' ? resolve() : reject(err)));
      req.end();
    });
  }
  // Wait for the server side to notice the 20 closed sockets; a leak keeps 20 handles open forever.
  const deadline = Date.now() + 10_000;
  while (openFds() > before + 2 && Date.now() < deadline) await new Promise((r) => setImmediate(r));
  assert.ok(openFds() <= before + 2, `open fds went from ${before} to ${openFds()} after 20 aborted downloads`);
  assert.equal((await fetch(`${stub.url}/sw.js`)).status, 200, 'the server keeps serving');
});
