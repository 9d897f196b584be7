// Reads a Firefox profile written at shutdown by its built-in profiler (MOZ_PROFILER_STARTUP and
// MOZ_PROFILER_SHUTDOWN, Gecko's raw format): where the page's main thread spent a span of time.
// Native frames are not symbolicated; the profiler's labels (js::RunScript, Reflow, Style
// computation, PollWrapper when idle…) and the JS functions say enough.
import { readFileSync } from 'node:fs';

/** The env that makes Firefox profile from launch and write the profile to `file` when it quits. */
export const geckoProfileEnv = (file, { intervalMs = 0.5, entries = 10_000_000 } = {}) => ({
  MOZ_PROFILER_STARTUP: '1',
  MOZ_PROFILER_STARTUP_INTERVAL: String(intervalMs),
  MOZ_PROFILER_STARTUP_ENTRIES: String(entries),
  MOZ_PROFILER_STARTUP_FEATURES: 'js,stackwalk,cpu',
  MOZ_PROFILER_SHUTDOWN: file,
});

/** The profile Firefox wrote to `file`, parsed. */
export const readGeckoProfile = (file) => JSON.parse(readFileSync(file, 'utf8'));

/**
 * Prints, for the content process whose main thread ran `site`'s scripts, its time from `from` to
 * `until` ms after the page's `timeOrigin`: idle and busy, by category, by innermost label and by
 * innermost JS function of the page (self time, ms; the profiler slows every figure ~3×). `file`
 * is the profile's path or the profile read once (`readGeckoProfile`) for several spans.
 */
export function printGeckoProfile(file, { timeOrigin, from: spanFrom = 0, until, site, top = 14, title = 'navigation → rows', timeline = false }) {
  const profile = typeof file === 'string' ? readGeckoProfile(file) : file;
  const categories = profile.meta.categories.map((c) => c.name);
  const mains = [];
  const walk = (p) => {
    for (const t of p.threads) if (t.name === 'GeckoMain' && t.processName === 'Web Content') mains.push({ t, start: p.meta.startTime });
    for (const c of p.processes ?? []) walk(c);
  };
  walk(profile);
  const ofSite = ({ t }) => t.stringTable.filter((s) => s.includes(site)).length;
  const found = mains.sort((a, b) => ofSite(b) - ofSite(a))[0];
  if (!found || !ofSite(found)) return console.log(`  gecko profile: no content process ran ${site}`);
  const { t, start } = found;
  const origin = timeOrigin - start;
  const samples = t.samples.data.filter((s) => s[1] >= origin + spanFrom && s[1] <= origin + until);
  const sums = { category: new Map(), label: new Map(), js: new Map(), outer: new Map() };
  // With `timeline`: consecutive samples under the same outermost page function (what the task
  // ran: a frame callback, a promise reaction, an event), in order.
  const runs = [];
  const add = (m, k, ms) => m.set(k, (m.get(k) ?? 0) + ms);
  samples.forEach((s, i) => {
    const ms = i + 1 < samples.length ? samples[i + 1][1] - s[1] : 0.5;
    let label;
    let category;
    let js;
    let outer;
    for (let stack = s[0]; stack !== null && stack !== undefined; stack = t.stackTable.data[stack][0]) {
      const frame = t.frameTable.data[t.stackTable.data[stack][1]];
      const name = t.stringTable[frame[0]];
      if (name.startsWith('0x')) continue;
      const isJs = /\((https?|self-hosted|resource|chrome):/.test(name);
      if (!isJs && label === undefined) {
        label = name;
        category = categories[frame[6]];
      }
      // A JS frame ends in its source position (`fn (url:line:col)`); a label may name the page too.
      if (name.includes(site) && /:\d+:\d+\)?$/.test(name)) {
        js ??= name.replace(site, '');
        outer = name.replace(site, '');
      }
    }
    add(sums.category, category ?? '?', ms);
    add(sums.label, category === 'Idle' ? 'idle' : `${label ?? '?'}`, ms);
    if (category !== 'Idle') {
      add(sums.js, js ?? '(no JS of the page)', ms);
      add(sums.outer, outer ?? `(no JS of the page) ${label ?? '?'}`, ms);
    }
    const what = category === 'Idle' ? 'idle' : outer ?? `${label ?? '?'}`;
    if (runs.at(-1)?.what === what) runs.at(-1).ms += ms;
    else runs.push({ at: s[1] - origin, what, ms });
  });
  const print = (title, m) => {
    console.log(`  ${title}:`);
    for (const [k, v] of [...m].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`    ${v.toFixed(1).padStart(7)} ms  ${k.slice(0, 120)}`);
  };
  console.log(`  gecko profile, ${title} (${Math.round(spanFrom)}–${Math.round(until)} ms, profiled), page's main thread: ${samples.length} samples`);
  print('by category', sums.category);
  print('by innermost label', sums.label);
  print('by innermost JS function of the page (busy samples)', sums.js);
  print('by outermost JS function of the page (busy samples: what the task ran)', sums.outer);
  if (timeline) {
    console.log('  in order (runs of 2 ms or more):');
    for (const r of runs.filter((x) => x.ms >= 2)) console.log(`    ${r.at.toFixed(0).padStart(6)}  ${r.ms.toFixed(1).padStart(6)} ms  ${r.what.slice(0, 110)}`);
  }
}
