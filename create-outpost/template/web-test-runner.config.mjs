// `npm test`: the tests in test/ in headless Chromium, against a real outpost-stub.
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { chromeLauncher } from '@web/test-runner-chrome';
import puppeteerCore from 'puppeteer-core';
import { Launcher } from 'chrome-launcher';
import { outpostStubPlugin } from 'outpost/testing';

function chromePath() {
  const found = Launcher.getFirstInstallation();
  if (!found) throw new Error('npm test found no Chrome or Chromium. Install one, or set CHROME_PATH to its executable (e.g. CHROME_PATH=/usr/bin/chromium npm test).');
  return found;
}

export default {
  files: ['test/**/*.browser.test.ts'],
  nodeResolve: true,
  // The stub is shared by every test file of the run: run files one at a time.
  concurrency: 1,
  // A test waits on conditions (the server back, a sync done): mocha's 2 s default fails it on a
  // busy machine, where those take longer.
  testFramework: { config: { timeout: 20000 } },
  browsers: [
    chromeLauncher({
      puppeteer: puppeteerCore,
      launchOptions: {
        // An installed Chrome or Chromium, or CHROME_PATH's (e.g. /usr/bin/chromium): with
        // `puppeteer` given, the launcher does not look for one itself.
        executablePath: chromePath(),
        headless: true,
        // Chromium refuses to start as root (CI containers) without --no-sandbox.
        args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
      },
    }),
  ],
  plugins: [
    // es2022 lowers decorators, which browsers do not run natively yet.
    esbuildPlugin({ ts: true, target: 'es2022' }),
    // The users who can sign in; add '--app', 'server/app.js' once the app has server code.
    outpostStubPlugin({ args: ['--users', 'alice:alice,bob:bob'] }),
  ],
};
