import { realpathSync } from 'node:fs';
import { open, realpath, type FileHandle } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join, relative, resolve, sep, isAbsolute, extname } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { DEFAULT_CSP, htmlSecurityHeaders } from './headers.js';

// Every type the build precaches (PRECACHED_TYPES in build-tools/service-worker.js) has its own:
// served as application/octet-stream, a font or image may be refused (nosniff) or mis-rendered.
const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.avif': 'image/avif',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.otf': 'font/otf',
  '.txt': 'text/plain; charset=utf-8',
  '.xml': 'application/xml; charset=utf-8',
  // WebAssembly.instantiateStreaming refuses any other type.
  '.wasm': 'application/wasm',
};

/**
 * The files sent `immutable`: `outpost build` writes its content-hashed outputs (and only those) as
 * `/assets/<name>-<HASH>.<ext>`, HASH being 8 characters of esbuild's base32 (A-Z, 2-7); it refuses
 * public files there that would look like them. The folder matters: a public file that merely looks
 * hashed (`/fonts/NotoSans-SEMIBOLD.woff2`, `/banner-20241201.png`) was sent immutable and stayed
 * stale in browsers after an edit. Other builds' names (lower-case or hex hashes, another folder) do
 * not match, so their files are revalidated: slower, never stale. The same rule as HASHED_OUTPUT in
 * build-tools/service-worker.js (this package cannot depend on outpost-build): change both together.
 */
export const HASHED = /^\/assets\/[^/]+-[A-Z2-7]{8}\.[a-z0-9]+$/;

/** Options for {@link createStaticHandler}. */
export interface StaticOptions {
  /** Serve `*.map` files (source maps reveal the app's source). Default false. */
  sourceMaps?: boolean;
  /** The service worker's path under the folder, the only file sent `Service-Worker-Allowed: /`. Default `/sw.js`. */
  serviceWorker?: string;
  /** Content-Security-Policy for HTML responses. Default {@link DEFAULT_CSP}. */
  contentSecurityPolicy?: string;
}

/**
 * Serves a built app: hashed assets cached forever, HTML and the service worker never cached,
 * navigations without a file fall back to `index.html` so deep links work. Never serves dotfiles,
 * source maps (unless asked) or anything whose real path (symlinks resolved) is outside the folder.
 * Returns false when the request is not one it serves (so API routes can answer instead).
 */
export function createStaticHandler(dir: string, options: StaticOptions = {}) {
  // Resolved once: the folder itself may sit behind a symlink; what it contains may not leave it.
  const base = realpathSync(resolve(dir));
  const worker = options.serviceWorker ?? '/sw.js';
  const csp = options.contentSecurityPolicy ?? DEFAULT_CSP;
  const sourceMaps = options.sourceMaps === true;
  return async function serveStatic(req: IncomingMessage, res: ServerResponse): Promise<boolean> {
    if (req.method !== 'GET' && req.method !== 'HEAD') return false;
    let pathname: string;
    try {
      pathname = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    } catch {
      return false;
    }
    if (pathname.includes('\0') || !servable(pathname, sourceMaps)) return false;
    const file = resolve(join(base, pathname));
    if (!inside(base, file)) return false;
    const found = await openInside(base, file, sourceMaps);
    if (found) return send(req, res, found, { worker: pathname === worker, hashed: HASHED.test(pathname), csp });
    // A navigation to an unknown path is a client-side route: one without an extension, or any the
    // browser says is a page load (`/u/0/search/report.pdf`, a search for a file name, opened
    // before a service worker answers navigations); a missing script or image stays a 404.
    if ((!extname(pathname) && acceptsHtml(req)) || req.headers['sec-fetch-mode'] === 'navigate') {
      const index = await openInside(base, join(base, 'index.html'), sourceMaps);
      if (index) return send(req, res, index, { worker: false, hashed: false, csp });
    }
    return false;
  };
}

/** No dotfiles (`/.env`, `/.git/…`; `/.well-known/` aside) and no source maps unless asked. */
function servable(pathname: string, sourceMaps: boolean): boolean {
  const segments = pathname.split(/[/\\]/);
  if (segments.some((s, i) => s.startsWith('.') && !(i === 1 && s === '.well-known'))) return false;
  return sourceMaps || extname(pathname) !== '.map';
}

function inside(base: string, path: string): boolean {
  const rel = relative(base, path);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel) && !rel.startsWith(sep));
}

interface OpenFile {
  handle: FileHandle;
  path: string;
  size: number;
}

/**
 * Opens a regular file (or a folder's index.html) whose real path is inside `base` and servable
 * itself: a symlink with a plain name to a dotfile or a source map serves nothing either. The size
 * comes from the open handle, so a file replaced or removed after the check can neither crash the
 * server nor be read past its end; undefined when there is nothing servable.
 */
async function openInside(base: string, path: string, sourceMaps: boolean, depth = 0): Promise<OpenFile | undefined> {
  let real: string;
  try {
    real = await realpath(path);
  } catch {
    return undefined;
  }
  if (!inside(base, real) || !servable(`/${relative(base, real)}`, sourceMaps)) return undefined;
  let handle: FileHandle;
  try {
    handle = await open(real, 'r');
  } catch {
    return undefined;
  }
  try {
    const s = await handle.stat();
    if (s.isFile()) return { handle, path: real, size: s.size };
    await handle.close();
    return s.isDirectory() && depth === 0 ? openInside(base, join(real, 'index.html'), sourceMaps, 1) : undefined;
  } catch {
    await handle.close().catch(() => {});
    return undefined;
  }
}

function acceptsHtml(req: IncomingMessage): boolean {
  const accept = req.headers.accept ?? '';
  return accept === '' || accept.includes('text/html') || accept.includes('*/*');
}

function send(req: IncomingMessage, res: ServerResponse, file: OpenFile, how: { worker: boolean; hashed: boolean; csp: string }): boolean {
  const ext = extname(file.path);
  res.setHeader('Content-Type', MIME[ext] ?? 'application/octet-stream');
  res.setHeader('Content-Length', file.size);
  if (ext === '.html') for (const [header, value] of Object.entries(htmlSecurityHeaders(how.csp))) res.setHeader(header, value);
  if (how.worker) res.setHeader('Service-Worker-Allowed', '/');
  const revalidate = ext === '.html' || how.worker || ext === '.webmanifest' || !how.hashed;
  res.setHeader('Cache-Control', revalidate ? 'no-cache' : 'public, max-age=31536000, immutable');
  res.statusCode = 200;
  if (req.method === 'HEAD') {
    res.end();
    void file.handle.close().catch(() => {});
    return true;
  }
  // The stream owns the handle and closes it however the response ends (finished, aborted, failed);
  // an aborted download is a normal event, not a server error.
  if (file.size === 0) {
    res.end();
    void file.handle.close().catch(() => {});
    return true;
  }
  const stream = file.handle.createReadStream({ start: 0, end: file.size - 1, autoClose: true });
  pipeline(stream, res).catch(() => {
    if (!res.headersSent) res.statusCode = 500;
    res.destroy();
  });
  return true;
}
