import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import puppeteer from 'puppeteer-core';
import { isolatedEmailDocument, EMAIL_SANDBOX } from '../../demo-app/mail/html-body.js';
import { stubFor } from './helpers.js';

const CHROMIUM = process.env.CHROMIUM_BIN ?? '/usr/bin/chromium';
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

test('under the served CSP an inline script never runs, yet a mail frame shows remote images once asked, and sends no Referer', async (t) => {
  // The "remote" image host: another origin on 127.0.0.1, recording what reaches it.
  const hits: Array<{ url: string; referer: string | undefined }> = [];
  const images = createServer((req, res) => {
    hits.push({ url: req.url ?? '', referer: req.headers.referer });
    res.writeHead(200, { 'Content-Type': 'image/gif' });
    res.end(Buffer.from('R0lGODlhAQABAAAAACw=', 'base64'));
  });
  await new Promise<void>((resolve) => images.listen(0, '127.0.0.1', resolve));
  t.after(() => images.close());
  const imageUrl = `http://127.0.0.1:${(images.address() as AddressInfo).port}/pixel.gif`;

  const dir = mkdtempSync(join(tmpdir(), 'outpost-csp-'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><script>window.inlineRan = true</script><script type="module" src="/page.js"></script><body></body>');
  // What <mail-message-body> renders after "Show images": the isolated document in a sandboxed srcdoc frame.
  const srcdoc = isolatedEmailDocument(`<p>Hi</p><img alt="pixel" src="${imageUrl}">`, { showImages: true });
  writeFileSync(
    join(dir, 'page.js'),
    `const f = document.createElement('iframe'); f.sandbox = ${JSON.stringify(EMAIL_SANDBOX)}; f.referrerPolicy = 'no-referrer'; f.srcdoc = ${JSON.stringify(srcdoc)}; document.body.append(f); window.moduleRan = true;`,
  );
  const stub = await stubFor(t, { staticDir: dir, dataDir: ':memory:' });
  const browser = await puppeteer.launch({ executablePath: CHROMIUM, headless: true, args: ARGS });
  t.after(() => browser.close());
  const page = await browser.newPage();
  await page.goto(`${stub.url}/`);
  await page.waitForFunction(() => (window as unknown as { moduleRan?: boolean }).moduleRan === true);
  assert.equal(await page.evaluate(() => (window as unknown as { inlineRan?: boolean }).inlineRan), undefined, 'the inline script was blocked');
  // Wait on the condition itself: the image request reaching its host.
  const deadline = Date.now() + 15_000;
  while (hits.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  assert.equal(hits.length, 1, 'the shown image was fetched');
  assert.equal(hits[0]!.referer, undefined, 'the mail frame sent no Referer');
});
