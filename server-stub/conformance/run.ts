import { CHECKS, type CheckContext } from './checks.js';

/** Options for {@link runConformance}. */
export interface ConformanceOptions {
  /** The server's base URL, e.g. `http://127.0.0.1:8787`. */
  url: string;
  /** A user the server accepts. */
  user: string;
  password: string;
  /** A second user, to check per-user isolation (skipped without). */
  otherUser?: { user: string; password: string };
  /** The server's tombstone retention in ms, if ≤ 10 s: enables the 410 check (skipped without). */
  tombstoneRetentionMs?: number;
  /**
   * Names of the checks to run (default: all of {@link CONFORMANCE_CHECKS}); the others are left
   * out of the report. E.g. the 410 check alone against a server with a short retention, whose
   * other checks could meet a cursor expired by a slow machine.
   */
  checks?: readonly string[];
  /** Called after each check. */
  onResult?: (result: CheckResult) => void;
}

/** The outcome of one check. */
export interface CheckResult {
  name: string;
  status: 'passed' | 'failed' | 'skipped';
  /** Why it failed or was skipped. */
  reason?: string;
  ms: number;
}

/** The outcome of a run. */
export interface ConformanceReport {
  passed: number;
  failed: number;
  skipped: number;
  results: CheckResult[];
}

/** Names of the checks, in order. */
export const CONFORMANCE_CHECKS: readonly string[] = CHECKS.map((c) => c.name);

/**
 * Runs the sync protocol v1 conformance checks against a server (docs/protocol.md): idempotent
 * retries, CAS conflicts, set ops, paging, tombstones and 410, per-user isolation, error codes and
 * limits, SSE pokes. Checks write into fresh collections and clientIds, so a server with data is fine.
 *
 * @example
 * const report = await runConformance({ url: 'http://127.0.0.1:8787', user: 'alice', password: 'alice' });
 * if (report.failed) console.log(report.results.filter((r) => r.status === 'failed'));
 */
export async function runConformance(options: ConformanceOptions): Promise<ConformanceReport> {
  const run = Date.now().toString(36) + Math.random().toString(36).slice(2, 6);
  const report: ConformanceReport = { passed: 0, failed: 0, skipped: 0, results: [] };
  const unknown = options.checks?.filter((name) => !CONFORMANCE_CHECKS.includes(name)) ?? [];
  if (unknown.length) throw new TypeError(`runConformance: no check is named ${unknown.map((n) => `'${n}'`).join(', ')}; the names are in CONFORMANCE_CHECKS.`);
  for (const [i, check] of CHECKS.entries()) {
    if (options.checks && !options.checks.includes(check.name)) continue;
    const ctx: CheckContext = {
      url: options.url.replace(/\/+$/, ''),
      user: options.user,
      password: options.password,
      other: options.otherUser,
      tombstoneRetentionMs: options.tombstoneRetentionMs,
      collection: `conformance-${run}-${i}`,
    };
    const started = Date.now();
    const skip = check.skip?.(ctx);
    let result: CheckResult;
    if (skip) {
      result = { name: check.name, status: 'skipped', reason: skip, ms: 0 };
    } else {
      try {
        await check.run(ctx);
        result = { name: check.name, status: 'passed', ms: Date.now() - started };
      } catch (err) {
        result = { name: check.name, status: 'failed', reason: (err as Error)?.message ?? String(err), ms: Date.now() - started };
      }
    }
    report[result.status]++;
    report.results.push(result);
    options.onResult?.(result);
  }
  return report;
}
