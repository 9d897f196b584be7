import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, resolve, sep } from 'node:path';

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
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
  '.wasm': 'application/wasm',
};

// esbuild names hashed files `<name>-<HASH>.<ext>`, HASH being 8 upper-case base32 characters.
const HASHED = /-[A-Z0-9]{8}\.[a-z0-9]+$/;

/**
 * Serves a built app: hashed assets cached forever, HTML and the service worker never cached,
 * navigations without a file fall back to `index.html` so deep links work.
 * Returns false when the request is not one it serves (so API routes can answer instead).
 */
export function createStaticHandler(dir: string) {
  const base = resolve(dir);
  return async function serveStatic(req: IncomingMessage, res: ServerResponse): Promise<boolean> {
    if (req.method !== 'GET' && req.method !== 'HEAD') return false;
    let pathname: string;
    try {
      pathname = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    } catch {
      return false;
    }
    if (pathname.includes('\0')) return false;
    const file = resolve(join(base, pathname));
    // Refuse anything that resolves outside the served folder (`..`, encoded or not).
    if (file !== base && !file.startsWith(base + sep)) return false;
    const found = await fileAt(file);
    if (found) return send(req, res, found);
    // A navigation (no extension) to an unknown path is a client-side route.
    if (!extname(pathname) && acceptsHtml(req)) {
      const index = await fileAt(join(base, 'index.html'));
      if (index) return send(req, res, index);
    }
    return false;
  };
}

async function fileAt(path: string): Promise<{ path: string; size: number } | undefined> {
  try {
    const s = await stat(path);
    if (s.isDirectory()) return fileAt(join(path, 'index.html'));
    return s.isFile() ? { path, size: s.size } : undefined;
  } catch {
    return undefined;
  }
}

function acceptsHtml(req: IncomingMessage): boolean {
  const accept = req.headers.accept ?? '';
  return accept === '' || accept.includes('text/html') || accept.includes('*/*');
}

function send(req: IncomingMessage, res: ServerResponse, file: { path: string; size: number }): boolean {
  const ext = extname(file.path);
  const name = file.path.split(sep).pop() ?? '';
  res.setHeader('Content-Type', MIME[ext] ?? 'application/octet-stream');
  res.setHeader('Content-Length', file.size);
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Service-Worker-Allowed', '/');
  const revalidate = ext === '.html' || name === 'sw.js' || ext === '.webmanifest' || !HASHED.test(name);
  res.setHeader('Cache-Control', revalidate ? 'no-cache' : 'public, max-age=31536000, immutable');
  res.statusCode = 200;
  if (req.method === 'HEAD') {
    res.end();
    return true;
  }
  createReadStream(file.path).pipe(res);
  return true;
}
