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
// 2 s of a 5 s list refresh. Each is built on first use: building one costs milliseconds, and
// the list's first paint needs only two of them.
const formatter = (options: Intl.DateTimeFormatOptions) => {
  let f: Intl.DateTimeFormat | undefined;
  return { format: (d: Date) => (f ??= new Intl.DateTimeFormat(undefined, options)).format(d) };
};
const TIME = formatter({ hour: '2-digit', minute: '2-digit' });
const DAY = formatter({ month: 'short', day: 'numeric' });
const FULL = formatter({ dateStyle: 'medium', timeStyle: 'short' });

/** A full date for a message header. */
export function longDate(ms: number): string {
  return FULL.format(new Date(ms));
}

/** A new random id for messages, threads and drafts. */
export function newId(prefix: string): string {
  return `${prefix}-${crypto.randomUUID()}`;
}

/**
 * A label's colour as it may go into a `style` attribute: a hex colour or a colour keyword, else
 * '' (none). Labels are synced data: a colour such as `red;background:url(…)` would otherwise add
 * declarations to the attribute, loading what it names.
 */
export function cssColor(color: unknown): string {
  return typeof color == 'string' && /^(#[0-9a-f]{3,8}|[a-z]{3,30})$/i.test(color) ? color : '';
}
