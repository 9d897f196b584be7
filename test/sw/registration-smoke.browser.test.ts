import { expect } from '@open-wc/testing';

describe('service workers in a real browser', () => {
  afterEach(async () => {
    for (const reg of await navigator.serviceWorker.getRegistrations()) await reg.unregister();
  });

  it('registers at root scope, controls the page and answers its fetches', async () => {
    const reg = await navigator.serviceWorker.register('/test/fixtures/sw-smoke.js', { scope: '/' });
    expect(reg.scope).to.equal(`${location.origin}/`);
    if (!navigator.serviceWorker.controller) {
      await new Promise((resolve) => navigator.serviceWorker.addEventListener('controllerchange', resolve, { once: true }));
    }
    expect(navigator.serviceWorker.controller!.scriptURL).to.contain('/test/fixtures/sw-smoke.js');
    const res = await fetch('/__sw-smoke');
    expect(await res.text()).to.equal('served by the service worker');
  });
});
