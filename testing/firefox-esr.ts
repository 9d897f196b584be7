// Firefox ESR 140 (Debian bookworm's firefox-esr) has no WebDriver BiDi
// `emulation.setScreenOrientationOverride` (Firefox 144 added it), and puppeteer 24 sends it with
// every `page.setViewport`, web-test-runner's own included: each test file then failed at launch
// with "unknown command". Puppeteer supports only the latest Firefox and will not tolerate it
// (puppeteer/puppeteer#14391), so the kit does, for the one command.

const PATCHED = Symbol.for('outpost.tolerateScreenOrientation');

type Patchable = { setScreenOrientationOverride?: (...args: unknown[]) => Promise<unknown>; [PATCHED]?: true };

/**
 * Lets `page.setViewport` work in a Firefox without screen orientation emulation (ESR 140): the
 * missing command is skipped, the viewport itself is still set. Returns `page`; a no-op for
 * Chromium's pages and for a Firefox that has the command.
 *
 * @example
 * chromeLauncher({ puppeteer, launchOptions: { browser: 'firefox' }, createPage: async ({ context }) => tolerateScreenOrientation(await context.newPage()) })
 */
export function tolerateScreenOrientation<P extends { mainFrame(): unknown }>(page: P): P {
  const context = (page.mainFrame() as { browsingContext?: object }).browsingContext;
  if (!context) return page;
  const proto = Object.getPrototypeOf(context) as Patchable;
  const original = proto.setScreenOrientationOverride;
  if (!original || proto[PATCHED]) return page;
  proto[PATCHED] = true;
  proto.setScreenOrientationOverride = async function (this: unknown, ...args: unknown[]) {
    try {
      return await original.apply(this, args);
    } catch (error) {
      if (error instanceof Error && error.message.includes('unknown command')) return undefined;
      throw error;
    }
  };
  return page;
}
