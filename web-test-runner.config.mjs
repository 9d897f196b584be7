// Browser tests: real Chromium and Firefox ESR from Debian, no browser downloads.
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { chromeLauncher, puppeteerCore } from '@web/test-runner-chrome';
import { defaultReporter, summaryReporter } from '@web/test-runner';
import { existsSync } from 'node:fs';
import { tsImport } from 'tsx/esm/api';
import { countingReporter } from './scripts/wtr-counting-reporter.mjs';

// The testing kit is loaded from source, so browser tests need no prior build.
const { outpostStubPlugin, storageCommandsPlugin, tolerateScreenOrientation } = await tsImport('./testing/index.ts', import.meta.url);

const CHROMIUM = process.env.CHROMIUM_BIN ?? '/usr/bin/chromium';
const FIREFOX = process.env.FIREFOX_BIN ?? '/usr/bin/firefox-esr';

// Flags that let Debian's Chromium run headless as root on a machine with no outside network.
// puppeteer gives a browser 30 s to print its DevTools endpoint: a fresh CI run once saw Chromium
// miss that (every Chromium file then failed at launch) — wait as long as the runner does.
const START_TIMEOUT = 60000;

const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
  '--no-first-run',
  '--no-default-browser-check',
];

/** OUTPOST_BROWSERS=chromium (or firefox) narrows a local run to one browser. */
const wanted = (process.env.OUTPOST_BROWSERS ?? 'chromium,firefox').split(',');

/** Fresh launchers (one browser process each) for the wanted browsers. */
function launchers() {
  const list = [];
  if (wanted.includes('chromium')) {
    if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}: run 'apt-get install -y chromium' or set CHROMIUM_BIN.`);
    list.push(
      chromeLauncher({
        // Passing puppeteer-core names the launcher after the browser ("Chromium"/"Firefox") in reports.
        puppeteer: puppeteerCore,
        launchOptions: { browser: 'chrome', executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS, timeout: START_TIMEOUT },
      }),
    );
  }
  if (wanted.includes('firefox')) {
    if (!existsSync(FIREFOX)) throw new Error(`Firefox not found at ${FIREFOX}: run 'apt-get install -y firefox-esr' or set FIREFOX_BIN.`);
    list.push(
      chromeLauncher({
        puppeteer: puppeteerCore,
        launchOptions: { browser: 'firefox', executablePath: FIREFOX, headless: true, timeout: START_TIMEOUT },
        // Debian bookworm's Firefox ESR 140 lacks a command the runner's setViewport sends.
        createPage: async ({ context }) => tolerateScreenOrientation(await context.newPage()),
      }),
    );
  }
  return list;
}

const browsers = launchers();

// Chromium applies a CDP quota override (Storage.overrideQuotaForOrigin) only in the first page
// session of a browser (measured: ignored once another test file ran first), so the quota test
// runs in a browser of its own.
const QUOTA_TEST = 'test/runtime/store/quota-and-controller.browser.test.ts';
const targeted = process.env.OUTPOST_TEST_FILES?.split(',');

export default {
  // docs/examples: the guide's starter app and its test (create-outpost's template), as written.
  files: targeted ?? ['test/**/*.browser.test.ts', 'docs/examples/**/*.browser.test.ts', `!${QUOTA_TEST}`],
  groups: targeted ? [] : [{ name: 'own-browser', files: QUOTA_TEST, browsers: launchers() }],
  nodeResolve: { exportConditions: ['outpost-source', 'browser'] },
  concurrency: 1,
  concurrentBrowsers: 1,
  browsers,
  staticLogging: true,
  // A deadline for a hung test, not an expected time: at load 30 a test restarting the stub twice,
  // or following a leader through a stub kill, outlived 20 s (fresh-clone CI, 2026-12-02).
  testFramework: { config: { timeout: 60000 } },
  // A soak session (scripts/soak-sync.mjs) gets 20 s a run (a Firefox session at load 32 took 11 s
  // a run) and room for one hung run and a shrink (the convergence test's 100 s limit, 120 s of
  // shrinking, the clean-up); a replay of one path shrinks, each attempt up to that limit.
  testsFinishTimeout: process.env.OUTPOST_SOAK_PATH ? 3600000 : process.env.OUTPOST_SOAK_RUNS ? Math.max(300000, Number(process.env.OUTPOST_SOAK_RUNS) * 20000) + 400000 : 300000,
  browserStartTimeout: START_TIMEOUT,
  // `npm run test:soak` (scripts/soak-sync.mjs) runs the randomized sync convergence test many more
  // times, in sessions, with a seed and path to replay when given.
  ...(process.env.OUTPOST_SOAK_RUNS
    ? {
        testRunnerHtml: (testFramework) =>
          `<html><body><script>window.__OUTPOST_SOAK_RUNS = ${Number(process.env.OUTPOST_SOAK_RUNS)}; window.__OUTPOST_SOAK_NO_SHRINK = ${process.env.OUTPOST_SOAK_NO_SHRINK ? "true" : "false"}; window.__OUTPOST_SOAK_SEED = ${process.env.OUTPOST_SOAK_SEED ? Number(process.env.OUTPOST_SOAK_SEED) : 'undefined'}; window.__OUTPOST_SOAK_PATH = ${JSON.stringify(process.env.OUTPOST_SOAK_PATH ?? null) ?? 'undefined'} ?? undefined;</script><script type="module" src="${testFramework}"></script></body></html>`,
      }
    : {}),
  plugins: [
    // `es2022` (not `auto`): it lowers decorators, which no browser runs natively yet.
    esbuildPlugin({ ts: true, target: 'es2022', tsconfig: './tsconfig.json' }),
    // The sync tests' custom mutations (test/runtime/sync/fixtures/sync-app.mjs); users stay alice and bob.
    outpostStubPlugin({ args: ['--app', 'test/runtime/sync/fixtures/sync-app.mjs'] }),
    storageCommandsPlugin(),
  ],
  middleware: [
    // Lets a test register a service worker kept in test/fixtures at root scope.
    function serviceWorkerAllowed(ctx, next) {
      ctx.set('Service-Worker-Allowed', '/');
      return next();
    },
  ],
  reporters: [defaultReporter(), summaryReporter({ flatten: false }), countingReporter(process.env.OUTPOST_WTR_SUMMARY)],
};
