// Deterministic sample mailboxes: the same user and size always give the same messages, so tests
// and benchmarks can rely on them.
import { addressOf, snippetOf, type Address, type MailLabel, type MailMessage } from '../model.js';

/** A small, fast, seedable PRNG (mulberry32). */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function hash(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return h >>> 0;
}

const FIRST = ['Ada', 'Grace', 'Linus', 'Margaret', 'Ken', 'Barbara', 'Dennis', 'Frances', 'Tim', 'Radia', 'Alan', 'Hedy', 'Edsger', 'Katherine', 'Donald', 'Sophie'];
const LAST = ['Lovelace', 'Hopper', 'Torvalds', 'Hamilton', 'Thompson', 'Liskov', 'Ritchie', 'Allen', 'Berners-Lee', 'Perlman', 'Turing', 'Lamarr', 'Dijkstra', 'Johnson', 'Knuth', 'Wilson'];
const DOMAINS = ['example.com', 'example.org', 'mail.example.net'];
const TOPICS = ['Quarterly report', 'Team offsite', 'Invoice', 'Flight itinerary', 'Design review', 'Lunch on Friday?', 'Release notes', 'Budget draft', 'Conference talk', 'Hiring plan', 'Server migration', 'Weekly sync', 'Receipt for your order', 'Holiday schedule', 'Security update', 'Book club'];
const WORDS = 'the of and to in is you that it he was for on are as with his they at be this have from or one had by word but not what all were we when your can said there use an each which she do how their if will up other about out many then them these so some her would make like him into time has look two more write go see number no way could people my than first water been call who oil its now find long down day did get come made may part'.split(' ');

/** User labels every demo mailbox starts with. */
export const DEMO_LABELS: MailLabel[] = [
  { id: 'label-work', name: 'Work', color: '#1a73e8' },
  { id: 'label-travel', name: 'Travel', color: '#188038' },
  { id: 'label-receipts', name: 'Receipts', color: '#e37400' },
];

function pick<T>(rnd: () => number, items: readonly T[]): T {
  return items[Math.floor(rnd() * items.length)];
}

function person(rnd: () => number): Address {
  const first = pick(rnd, FIRST);
  const last = pick(rnd, LAST);
  return { name: `${first} ${last}`, email: `${first}.${last}@${pick(rnd, DOMAINS)}`.toLowerCase() };
}

function sentence(rnd: () => number, words: number): string {
  const out: string[] = [];
  for (let i = 0; i < words; i++) out.push(pick(rnd, WORDS));
  const s = out.join(' ');
  return s[0].toUpperCase() + s.slice(1) + '.';
}

function body(rnd: () => number): string {
  const paragraphs: string[] = [];
  const n = 2 + Math.floor(rnd() * 3);
  for (let p = 0; p < n; p++) paragraphs.push([0, 1, 2].map(() => sentence(rnd, 8 + Math.floor(rnd() * 10))).join(' '));
  return paragraphs.join('\n\n');
}

/**
 * Generates `size` messages for `user`, grouped in threads of 1–6, newest first, dated back from
 * `now` about an hour apart. About a third are unread, a twentieth starred, one in eight carries
 * attachment metadata, one in five has an HTML body, and one in six was sent by the user.
 */
export function generateMailbox(user: string, size: number, now: number): MailMessage[] {
  const rnd = random(hash(user));
  const me = addressOf(user);
  const messages: MailMessage[] = [];
  let date = now;
  let t = 0;
  while (messages.length < size) {
    const threadId = `${user}-t${t++}`;
    const subject = `${pick(rnd, TOPICS)} #${t}`;
    const other = person(rnd);
    const length = Math.min(1 + Math.floor(rnd() * 6), size - messages.length);
    const label = rnd() < 0.3 ? pick(rnd, DEMO_LABELS).id : undefined;
    // Newest first overall, so the thread's last reply comes first and its opening message last.
    for (let j = 0; j < length; j++) {
      const i = length - 1 - j;
      const fromMe = rnd() < 1 / 6;
      const text = body(rnd);
      const labels = fromMe ? ['SENT'] : ['INBOX'];
      if (!fromMe && rnd() < 1 / 3) labels.push('UNREAD');
      if (rnd() < 1 / 20) labels.push('STARRED');
      if (label) labels.push(label);
      const html = rnd() < 1 / 5 ? `<p>${text.split('\n\n').join('</p><p>')}</p><p><img src="https://images.example.com/banner.png" alt="banner"></p>` : undefined;
      messages.push({
        id: `${threadId}-m${i}`,
        threadId,
        from: fromMe ? me : other,
        to: [fromMe ? other : me],
        cc: [],
        subject: i === 0 ? subject : `Re: ${subject}`,
        snippet: snippetOf(text),
        text,
        ...(html ? { html } : {}),
        date: date,
        labels,
        attachments: rnd() < 1 / 8 ? [{ name: `document-${t}.pdf`, size: 20_000 + Math.floor(rnd() * 500_000), mime: 'application/pdf' }] : [],
      });
      date -= 30 * 60_000 + Math.floor(rnd() * 60 * 60_000);
    }
  }
  return messages;
}
