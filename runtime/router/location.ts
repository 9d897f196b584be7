// URLs under a base path, and which link clicks the router may take over from the browser.

/** Normalizes a base path to `''` (site root) or `/segment[/segment…]` with no trailing slash. */
export function normalizeBase(base = '/'): string {
  const trimmed = base.trim().replace(/\/+$/, '');
  if (trimmed === '') return '';
  return trimmed.startsWith('/') ? trimmed : `/${trimmed}`;
}

/** The path inside the app for a pathname, or undefined when the pathname is outside the base. */
export function appPath(pathname: string, base: string): string | undefined {
  if (base === '') return pathname || '/';
  if (pathname === base) return '/';
  return pathname.startsWith(`${base}/`) ? pathname.slice(base.length) : undefined;
}

/** The full URL of an app path (which may carry `?query` and `#hash`), under the base. */
export function appUrl(path: string, base: string): URL {
  const relative = new URL(path, 'http://app.invalid/');
  const url = new URL(location.href);
  url.pathname = base + (relative.pathname === '/' && base ? '/' : relative.pathname);
  url.search = relative.search;
  url.hash = relative.hash;
  return url;
}

/**
 * The URL of the anchor a click should navigate in-app, or undefined when the browser must handle it: another
 * button or a modifier key (new tab/window, download), a `target` other than `_self`, `download`,
 * `rel=external`, another origin or scheme, a path outside the base, or a jump within the page.
 */
export function interceptableUrl(event: MouseEvent, base: string): URL | undefined {
  if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return undefined;
  const anchor = event.composedPath().find((n): n is HTMLAnchorElement | SVGAElement => n instanceof HTMLAnchorElement || n instanceof SVGAElement);
  if (!anchor || !anchor.hasAttribute('href')) return undefined;
  const target = anchor instanceof HTMLAnchorElement ? anchor.target : anchor.target.baseVal;
  if ((target && target !== '_self') || anchor.hasAttribute('download')) return undefined;
  if ((anchor.getAttribute('rel') ?? '').split(/\s+/).includes('external')) return undefined;
  const href = anchor instanceof HTMLAnchorElement ? anchor.href : new URL(anchor.href.baseVal, document.baseURI).href;
  const url = new URL(href);
  if (url.origin !== location.origin || (url.protocol !== 'http:' && url.protocol !== 'https:')) return undefined;
  if (appPath(url.pathname, base) === undefined) return undefined;
  // Same document, only the fragment changes (`href="#"` too, whose URL's hash is ''): the browser
  // scrolls to the target itself.
  if (href.includes('#') && url.pathname === location.pathname && url.search === location.search) return undefined;
  return url;
}

/** Loads the URLPattern polyfill where the browser lacks URLPattern (the router matches with it). */
export async function ensureURLPattern(): Promise<void> {
  if (typeof (globalThis as { URLPattern?: unknown }).URLPattern === 'function') return;
  // Installed here, not by the polyfill's own entry (which installs it only when first evaluated),
  // so a URLPattern removed after that (a test, or a page script) comes back.
  (globalThis as { URLPattern?: unknown }).URLPattern = (await import('./url-pattern.js')).URLPattern;
}
