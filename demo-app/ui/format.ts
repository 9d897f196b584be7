// Small display helpers shared by the list and the thread view.

const sameDay = (a: Date, b: Date) => a.getFullYear() === b.getFullYear() && a.getMonth() === b.getMonth() && a.getDate() === b.getDate();

/** A list date: the time today, "Mar 4" this year, else "2024-03-04". */
export function shortDate(ms: number, now = new Date()): string {
  const d = new Date(ms);
  if (sameDay(d, now)) return TIME.format(d);
  if (d.getFullYear() === now.getFullYear()) return DAY.format(d);
  return d.toISOString().slice(0, 10);
}

// One formatter each: `toLocale*String` builds a new one per call, which profiling showed as
// 2 s of a 5 s list refresh.
const TIME = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
const DAY = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric' });
const FULL = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/** A full date for a message header. */
export function longDate(ms: number): string {
  return FULL.format(new Date(ms));
}

/** A new random id for messages, threads and drafts. */
export function newId(prefix: string): string {
  return `${prefix}-${crypto.randomUUID()}`;
}
