// Parses the search box's gmail-style operators into a structured query.

/** A parsed search: free words plus operator filters. All parts must match (AND). */
export interface MailSearch {
  /** Lower-cased free words; each must prefix-match a word of the message. */
  words: string[];
  from: string[];
  to: string[];
  /** Lower-cased words that must occur in the subject. */
  subject: string[];
  /** Label names or ids as typed (matched case-insensitively). */
  labels: string[];
  unread?: boolean;
  starred?: boolean;
  hasAttachment?: boolean;
  /** Messages dated before this instant (ms, start of the given day, UTC). */
  before?: number;
  /** Messages dated on or after this instant (ms, start of the day after the given day, UTC). */
  after?: number;
  /** Operator terms that could not be understood, for the UI to point out. */
  invalid: string[];
}

const TOKEN = /(-?)(\w+):("([^"]*)"|\S+)|"([^"]*)"|(\S+)/g;

/** Splits text into the lower-cased words the word index holds. */
export function wordsOf(text: string): string[] {
  return text.toLocaleLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
}

function parseDate(value: string): number | undefined {
  const m = /^(\d{4})[/-](\d{1,2})[/-](\d{1,2})$/.exec(value);
  if (!m) return undefined;
  const t = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  return Number.isNaN(t) ? undefined : t;
}

/**
 * Parses a search like `from:ada is:unread "budget draft" before:2026/01/31`.
 *
 * @example
 * parseSearch('from:ada invoice').from // ['ada']
 */
export function parseSearch(input: string): MailSearch {
  const q: MailSearch = { words: [], from: [], to: [], subject: [], labels: [], invalid: [] };
  for (const m of input.matchAll(TOKEN)) {
    const [whole, , op, , quoted, phrase, bare] = m;
    if (op === undefined) {
      q.words.push(...wordsOf(phrase ?? bare ?? ''));
      continue;
    }
    const value = (quoted ?? m[3]).trim();
    switch (op.toLowerCase()) {
      case 'from':
        q.from.push(value.toLowerCase());
        break;
      case 'to':
        q.to.push(value.toLowerCase());
        break;
      case 'subject':
        q.subject.push(...wordsOf(value));
        break;
      case 'label':
        q.labels.push(value);
        break;
      case 'is': {
        const v = value.toLowerCase();
        if (v === 'unread') q.unread = true;
        else if (v === 'read') q.unread = false;
        else if (v === 'starred') q.starred = true;
        else q.invalid.push(whole);
        break;
      }
      case 'has':
        if (value.toLowerCase() === 'attachment') q.hasAttachment = true;
        else q.invalid.push(whole);
        break;
      case 'before':
      case 'after': {
        const day = parseDate(value);
        if (day === undefined) q.invalid.push(whole);
        else if (op.toLowerCase() === 'before') q.before = day;
        else q.after = day + 86_400_000;
        break;
      }
      default:
        // Not an operator we know (e.g. a URL or "re:"): search it as words.
        q.words.push(...wordsOf(whole));
    }
  }
  return q;
}

/** True when the search has nothing to filter on. */
export function isEmptySearch(q: MailSearch): boolean {
  return (
    !q.words.length && !q.from.length && !q.to.length && !q.subject.length && !q.labels.length &&
    q.unread === undefined && q.starred === undefined && q.hasAttachment === undefined &&
    q.before === undefined && q.after === undefined
  );
}
