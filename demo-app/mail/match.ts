// Decides whether one message satisfies a parsed search.
import type { MailLabel, MailMessage } from '../model.js';
import { wordsOf, type MailSearch } from './search-query.js';

/**
 * Whether every word of `needle` is a word of one address's name or email (`ada`, `lovelace`,
 * `ada.lovelace@example.com` all find Ada Lovelace): what the `bySender`/`byRecipient` indexes
 * hold, so a search reads its candidates from them.
 */
function addressMatches(needle: string, addresses: Array<{ name: string; email: string }>): boolean {
  const wanted = wordsOf(needle);
  return addresses.some((a) => {
    const have = wordsOf(`${a.name} ${a.email}`);
    return wanted.every((w) => have.includes(w));
  });
}

/**
 * True when `m` satisfies every part of `q`. Free words prefix-match any word of the subject,
 * body or participants; `from:`/`to:` words are whole words of one address; `label:` matches a system label or a user label's name or id.
 */
export function matchesSearch(m: MailMessage, q: MailSearch, labels: readonly MailLabel[] = []): boolean {
  if (q.from.some((f) => !addressMatches(f, [m.from]))) return false;
  if (q.to.some((t) => !addressMatches(t, [...m.to, ...m.cc]))) return false;
  if (q.unread !== undefined && m.labels.includes('UNREAD') !== q.unread) return false;
  if (q.starred && !m.labels.includes('STARRED')) return false;
  if (q.hasAttachment && m.attachments.length === 0) return false;
  if (q.before !== undefined && m.date >= q.before) return false;
  if (q.after !== undefined && m.date < q.after) return false;
  for (const wanted of q.labels) {
    const w = wanted.toLowerCase();
    const ids = labels.filter((l) => l.name.toLowerCase() === w || l.id.toLowerCase() === w).map((l) => l.id);
    if (!m.labels.some((l) => l.toLowerCase() === w || ids.includes(l))) return false;
  }
  if (q.subject.length) {
    const subjectWords = wordsOf(m.subject);
    if (!q.subject.every((w) => subjectWords.some((s) => s.startsWith(w)))) return false;
  }
  if (q.words.length) {
    const all = wordsOf(`${m.subject} ${m.text} ${m.from.name} ${m.from.email} ${m.to.map((a) => `${a.name} ${a.email}`).join(' ')}`);
    if (!q.words.every((w) => all.some((s) => s.startsWith(w)))) return false;
  }
  return true;
}
