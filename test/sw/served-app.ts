// The fixture app built in a temporary directory, served by a stub of its own, and a Chromium to
// open it in: what a suite of the service worker's puppeteer tests sets up before and ends after.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'puppeteer-core';
import { StubProcess } from '../../testing/index.js';
import { buildFixtureApp } from './fixture-app.js';
import { launchChromium } from './browser.js';
import { HoldProxy } from './hold-proxy.js';

/** A served fixture app; `close()` ends the browser and the stub and removes the build. */
export interface ServedApp {
  dir: string;
  url: string;
  stub: StubProcess;
  browser: Browser;
  close(): Promise<void>;
}

/**
 * Builds the fixture app (version v1, with the worker entry `worker` if given) into a new directory
 * named from `prefix`, lets `prepare` add files the build does not precache, serves it with the
 * stub (`--static`) and launches Chromium.
 */
export async function serveFixtureApp(prefix: string, prepare?: (dir: string) => void, worker?: string): Promise<ServedApp> {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const stub = new StubProcess({ args: ['--static', dir] });
  let browser: Browser | undefined;
  const close = async () => {
    await browser?.close();
    await stub.dispose();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await buildFixtureApp(dir, 'v1', { worker });
    prepare?.(dir);
    const url = await stub.start();
    browser = await launchChromium();
    return { dir, url, stub, browser, close };
  } catch (err) {
    await close();
    throw err;
  }
}

/**
 * {@link serveFixtureApp} behind a HoldProxy, which can hold chosen requests (a deploy's files, an
 * API call): `url` is the proxy's, and `close()` ends it too.
 */
export async function serveFixtureAppHeld(prefix: string): Promise<ServedApp & { proxy: HoldProxy }> {
  const app = await serveFixtureApp(prefix);
  const proxy = new HoldProxy(() => app.stub.url);
  try {
    await proxy.start();
  } catch (err) {
    await app.close();
    throw err;
  }
  return { ...app, url: proxy.url, proxy, close: async () => (await proxy.close(), await app.close()) };
}
