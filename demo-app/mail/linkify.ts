// Plain-text bodies: split into text and link parts, so the template escapes the text and only
// http(s) URLs become links.

/** A piece of a plain-text body. */
export type TextPart = { text: string } | { href: string; text: string };

const URL_RE = /\bhttps?:\/\/[^\s<>"']+[^\s<>"'.,;:!?)\]]/gi;

/**
 * Splits plain text into text and link parts.
 *
 * @example
 * linkify('see https://example.com.') // [{ text: 'see ' }, { href: 'https://example.com', text: 'https://example.com' }, { text: '.' }]
 */
export function linkify(text: string): TextPart[] {
  const parts: TextPart[] = [];
  let last = 0;
  for (const m of text.matchAll(URL_RE)) {
    if (m.index > last) parts.push({ text: text.slice(last, m.index) });
    parts.push({ href: m[0], text: m[0] });
    last = m.index + m[0].length;
  }
  if (last < text.length) parts.push({ text: text.slice(last) });
  return parts;
}
