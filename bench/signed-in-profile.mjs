// A browser profile holding the built demo signed in and synced, for the tools that relaunch the
// browser on it for cold offline starts (trace-start.mjs, ab-start.mjs): the stub is started on
// the site, alice signs in, and once her mailbox is stored and the service worker controls the
// page the browser and the stub are closed — nothing answers on the site's port after.
import { join } from 'node:path';
import { tsImport } from 'tsx/esm/api';
import { fillSignIn, firstSyncDone, launch, probePage, waitFor } from './browsers.mjs';

const { StubProcess } = await tsImport('../testing/stub-process.ts', import.meta.url);

/**
 * Serves the built demo at `site` from a stub seeded with `size` messages per user (data in
 * `dir`), signs alice in on a browser profile in `dir` and waits for her first sync. Resolves to
 * the site's URL and the profile, with the stub stopped.
 */
export async function signedInProfile({ root, site, dir, size, browser }) {
  const stub = new StubProcess({ args: ['--app', join(root, 'demo-app/server/app.ts'), '--seed', 'demo', '--seed-size', String(size), '--static', site], dataDir: join(dir, 'data'), onStderr: () => {} });
  const url = await stub.start();
  const profile = join(dir, 'profile');
  const b = await launch(browser, profile);
  try {
    const page = await probePage(b);
    await page.goto(`${url}/signin`);
    await (await fillSignIn(page)).click();
    // Synced: every message stored, the progress bar gone, rows shown, and the service worker
    // controls the page.
    await firstSyncDone(page, size);
    await waitFor(() => page.evaluate(() => !!navigator.serviceWorker.controller), 'the service worker to control the page', 60_000);
    // Let the worker finish precaching and the app settle before the profile is closed.
    await new Promise((r) => setTimeout(r, 2000));
  } finally {
    await b.close();
    await stub.kill();
  }
  return { url, profile };
}
