// Small display helpers shared by the list and the thread view.

const sameDay = (a: Date, b: Date) => a.getFullYear() === b.getFullYear() && a.getMonth() === b.getMonth() && a.getDate() === b.getDate();

/** A list date: the time today, "Mar 4" this year, else "2024-03-04". */
export function shortDate(ms: number, now = new Date()): string {
  const d = new Date(ms);
  if (sameDay(d, now)) return d.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
  if (d.getFullYear() === now.getFullYear()) return d.toLocaleDateString(undefined, { month: 'short', day: 'numeric' });
  return d.toISOString().slice(0, 10);
}

/** A full date for a message header. */
export function longDate(ms: number): string {
  return new Date(ms).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

/** A new random id for messages, threads and drafts. */
export function newId(prefix: string): string {
  return `${prefix}-${crypto.randomUUID()}`;
}
