// Long-task attribution from a Chromium trace: the main thread's tasks of `minMs` or more, each with
// what ran inside it (trace events by self time: script, GC, style, layout, paint…) and, when a
// CPU profile of the same run is given, the JS functions sampled during it. The Long Tasks API
// says only how long a task was; this says what it was. Used by profile-demo.mjs and
// trace-start.mjs (`--trace`); printInclusive serves both tools' `--inclusive`.

/** Trace categories that show tasks and what runs in them (script, GC, rendering). */
export const TRACE_CATEGORIES = ['-*', 'toplevel', 'devtools.timeline', 'disabled-by-default-devtools.timeline', 'v8', 'v8.execute', 'blink.user_timing'];

const TOP = new Set(['RunTask', 'ThreadControllerImpl::RunTask']);

/**
 * The renderer main thread's tasks of at least `minMs`, longest first, each `{ ms, at, by, js }`:
 * `at` seconds from `origin` (µs, default the first event), `by` the trace events inside it by
 * self time (ms), `js` the sampled functions (ms) when `profile` (CDP Profiler.stop) is given.
 */
export function longTasks(events, { minMs = 50, profile, origin } = {}) {
  // The page's renderer: of the main threads, the one whose tasks ran longest in all.
  const mains = events.filter((e) => e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain');
  const busy = (m) => events.reduce((sum, e) => sum + (e.pid === m.pid && e.tid === m.tid && TOP.has(e.name) ? e.dur ?? 0 : 0), 0);
  const main = mains.map((m) => [m, busy(m)]).sort((a, b) => b[1] - a[1])[0]?.[0];
  if (!main) return [];
  const onMain = events.filter((e) => e.pid === main.pid && e.tid === main.tid && e.ph === 'X' && typeof e.dur === 'number').sort((a, b) => a.ts - b.ts || b.dur - a.dur);
  const start = origin ?? onMain[0]?.ts ?? 0;
  // Outermost tasks only (a RunTask can wrap another of the same task).
  const tasks = [];
  let end = -Infinity;
  for (const e of onMain) {
    if (!TOP.has(e.name) || e.ts < end) continue;
    end = e.ts + e.dur;
    if (e.dur >= minMs * 1000) tasks.push(e);
  }
  const samples = profile ? profileSamples(profile) : [];
  return tasks
    .map((t) => {
      const inside = [];
      for (let i = firstAt(onMain, t.ts); i < onMain.length && onMain[i].ts <= t.ts + t.dur; i++) {
        const e = onMain[i];
        if (e !== t && e.ts + e.dur <= t.ts + t.dur && !TOP.has(e.name)) inside.push(e);
      }
      return { ms: t.dur / 1000, at: (t.ts - start) / 1e6, by: selfTimes(inside), js: samples.length ? jsIn(samples, t.ts, t.ts + t.dur) : undefined };
    })
    .sort((a, b) => b.ms - a.ms);
}

/** The index of the first event at or after `ts` in events sorted by ts. */
function firstAt(events, ts) {
  let lo = 0;
  let hi = events.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (events[mid].ts < ts) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Self time (ms) per event name of nested complete events (each event's own time minus its children's). */
function selfTimes(inside) {
  const self = new Map();
  const stack = [];
  for (const e of inside) {
    while (stack.length && stack[stack.length - 1].ts + stack[stack.length - 1].dur <= e.ts) stack.pop();
    const parent = stack[stack.length - 1];
    if (parent) self.set(parent.name, (self.get(parent.name) ?? 0) - e.dur / 1000);
    self.set(e.name, (self.get(e.name) ?? 0) + e.dur / 1000);
    stack.push(e);
  }
  return [...self].filter(([, ms]) => ms >= 0.5).sort((a, b) => b[1] - a[1]);
}

/** A CDP CPU profile's samples as `{ ts, ms, fn }` (ts in µs, the trace's clock). */
function profileSamples(profile) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const out = [];
  let ts = profile.startTime;
  for (let i = 0; i < profile.samples.length; i++) {
    ts += profile.timeDeltas[i] ?? 0;
    const f = byId.get(profile.samples[i]).callFrame;
    out.push({ ts, ms: (profile.timeDeltas[i + 1] ?? 0) / 1000, fn: `${f.functionName || '(anonymous)'} ${f.url.split('/').pop()}:${f.lineNumber + 1}` });
  }
  return out;
}

function jsIn(samples, from, to) {
  const self = new Map();
  for (const s of samples) if (s.ts >= from && s.ts < to) self.set(s.fn, (self.get(s.fn) ?? 0) + s.ms);
  return [...self].sort((a, b) => b[1] - a[1]);
}

/** Prints the `n` longest tasks with their top entries. */
export function printLongTasks(tasks, n = 8) {
  console.log(`main-thread tasks ≥ 50 ms (trace): ${tasks.length}${tasks.length ? `, longest ${tasks[0].ms.toFixed(0)} ms` : ''}`);
  for (const t of tasks.slice(0, n)) {
    console.log(`  ${t.ms.toFixed(0)} ms at +${t.at.toFixed(1)} s: ${t.by.slice(0, 6).map(([k, v]) => `${k} ${v.toFixed(0)}`).join(', ')}`);
    for (const [k, v] of (t.js ?? []).slice(0, 6)) console.log(`      ${v.toFixed(1).padStart(6)} ms  ${k}`);
  }
}

/**
 * Prints the functions under which a CPU profile (CDP Profiler.stop) spent the most time in its
 * first `until` ms (all of it by default): what a self-time list scatters over small callees. A
 * function is counted once per sample however deep it recurses.
 */
export function printInclusive(profile, until = Infinity, n = 40) {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map();
  for (const node of profile.nodes) for (const c of node.children ?? []) parent.set(c, node.id);
  const total = new Map();
  let t = profile.startTime;
  for (let i = 0; i < profile.samples.length; i++) {
    t += profile.timeDeltas[i] ?? 0;
    if ((t - profile.startTime) / 1000 > until) break;
    const d = (profile.timeDeltas[i + 1] ?? 0) / 1000;
    const seen = new Set();
    for (let id = profile.samples[i]; id !== undefined; id = parent.get(id)) {
      const f = byId.get(id).callFrame;
      if (!f.url) continue;
      const name = `${f.functionName || '(anonymous)'} ${f.url.split('/').pop()}:${f.lineNumber + 1}`;
      if (seen.has(name)) continue;
      seen.add(name);
      total.set(name, (total.get(name) ?? 0) + d);
    }
  }
  console.log('  inclusive:');
  for (const [k, v] of [...total].sort((a, b) => b[1] - a[1]).slice(0, n)) console.log(`    ${v.toFixed(1).padStart(6)} ms  ${k}`);
}
