// Parses human durations for CLI flags.
const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/**
 * `500ms`, `10s`, `5m`, `12h`, `30d`, or a bare number of milliseconds; `infinity` never expires.
 * @throws Error naming `flag` when the text is not a duration.
 */
export function parseDuration(text: string, flag: string): number {
  if (/^inf(inity)?$/i.test(text)) return Infinity;
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)?$/.exec(text.trim());
  if (!m) throw new Error(`${flag} must be a duration like 500ms, 10s, 5m, 12h or 30d, got '${text}'.`);
  return Number(m[1]) * UNITS[m[2] ?? 'ms']!;
}
