// Untrusted HTML email → a sanitised, isolated document. Defence in depth: DOMPurify strips
// scripts and handlers, the iframe sandbox forbids script execution and same-origin access, and
// a CSP in the document blocks remote loads (images only once the reader asks for them).
import DOMPurify from 'dompurify';

/** The result of {@link sanitizeEmailHtml}. */
export interface SanitizedEmail {
  /** Safe HTML for the body of the isolated document. */
  html: string;
  /** How many remote images were held back (0 when `showImages` was set). */
  blockedImages: number;
}

/**
 * Whether an image source loads from the network: anything but a `data:` URL. Read as the URL
 * parser reads it (tabs and newlines dropped, spaces trimmed), which also takes `https:\\host`,
 * `http:/host` and relative paths (the frame's base is the app's page) for network loads.
 */
const isRemote = (src: string): boolean => {
  const url = src.replace(/[\t\n\r]/g, '').replace(/^[\0- ]+|[\0- ]+$/g, '');
  return url !== '' && !/^data:/i.test(url);
};

/**
 * Sanitises an email's HTML body: no scripts, event handlers, forms, frames or styles that load
 * anything; links open in a new tab with `rel="noopener noreferrer"`; remote images are held back
 * (their `src` removed) unless `showImages` is true.
 */
export function sanitizeEmailHtml(dirty: string, options: { showImages?: boolean } = {}): SanitizedEmail {
  let blockedImages = 0;
  const purify = DOMPurify();
  purify.addHook('afterSanitizeAttributes', (node) => {
    if (node.tagName === 'A') {
      node.setAttribute('target', '_blank');
      node.setAttribute('rel', 'noopener noreferrer');
    }
    if (node.tagName === 'IMG') {
      const src = node.getAttribute('src') ?? '';
      if (isRemote(src) && !options.showImages) {
        node.removeAttribute('src');
        node.removeAttribute('srcset');
        node.setAttribute('data-blocked-src', src);
        blockedImages++;
      }
    }
  });
  const html = purify.sanitize(dirty, {
    FORBID_TAGS: ['style', 'form', 'input', 'button', 'textarea', 'select', 'iframe', 'frame', 'object', 'embed', 'link', 'meta', 'base', 'svg', 'math'],
    FORBID_ATTR: ['style', 'srcset', 'formaction', 'ping'],
    ALLOW_DATA_ATTR: false,
  });
  return { html, blockedImages };
}

/**
 * A complete document for an `<iframe sandbox srcdoc>`: the sanitised body under a CSP that
 * allows no scripts and no network except images when `showImages` is true.
 */
export function isolatedEmailDocument(safeHtml: string, options: { showImages?: boolean } = {}): string {
  const img = options.showImages ? 'img-src data: https: http:' : 'img-src data:';
  return `<!doctype html><html><head><meta charset="utf-8"><meta http-equiv="x-dns-prefetch-control" content="off"><meta http-equiv="Content-Security-Policy" content="default-src 'none'; ${img}; style-src 'unsafe-inline'; font-src 'none'"><base target="_blank"><style>body{font:14px/1.5 system-ui,sans-serif;margin:0;color:#202124;word-wrap:break-word}img{max-width:100%}</style></head><body>${safeHtml}</body></html>`;
}

/** The `sandbox` attribute for the email iframe: links may open new tabs; nothing may run. */
export const EMAIL_SANDBOX = 'allow-popups allow-popups-to-escape-sandbox';
