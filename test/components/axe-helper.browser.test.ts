import { expect, fixture, html } from '@open-wc/testing';
import { expectAccessible } from './helpers.js';

// The components' accessibility tests are only as good as this helper: prove it can fail.
describe('expectAccessible (axe-core helper)', () => {
  it('fails on a serious violation inside a shadow root', async () => {
    const host = await fixture<HTMLDivElement>(html`<div></div>`);
    host.attachShadow({ mode: 'open' }).innerHTML = '<button></button>';
    let failure: Error | undefined;
    await expectAccessible(host).catch((e: Error) => (failure = e));
    expect(failure?.message).to.contain('button-name');
  });

  it('passes a labelled button', async () => {
    await expectAccessible(await fixture(html`<div><button>Save</button></div>`));
  });
});
