import { expect, fixture, html } from '@open-wc/testing';
import { EMAIL_SANDBOX, isolatedEmailDocument, sanitizeEmailHtml } from '../../demo-app/mail/html-body.js';
import type { MailMessage } from '../../demo-app/model.js';
import type { MailMessageBody } from '../../demo-app/ui/message-body.js';
import '../../demo-app/ui/message-body.js';

// Each vector, if it ran, would set a flag on the top window.
const VECTORS = [
  `<script>top.__xss = 1</script>`,
  `<img src=x onerror="top.__xss = 2">`,
  `<svg onload="top.__xss = 3"></svg>`,
  `<a href="javascript:top.__xss = 4" id="js-link">click</a>`,
  `<iframe src="javascript:top.__xss = 5"></iframe>`,
  `<iframe srcdoc="<script>top.__xss = 6</script>"></iframe>`,
  `<body onload="top.__xss = 7">`,
  `<details open ontoggle="top.__xss = 8">`,
  `<math><mtext><table><mglyph><style><img src=x onerror="top.__xss = 9">`,
  `<form><button formaction="javascript:top.__xss = 10">x</button></form>`,
  `<object data="javascript:top.__xss = 11"></object>`,
  `<embed src="javascript:top.__xss = 12">`,
  `<meta http-equiv="refresh" content="0;url=javascript:top.__xss = 13">`,
  `<div style="background:url(javascript:top.__xss = 14)">x</div>`,
  `<noscript><p title="</noscript><img src=x onerror=top.__xss=15>">`,
  `<a href="&#106;avascript:top.__xss=16">enc</a>`,
  `<img src="x" onerror="top.__xss=17"//`,
  `<video><source onerror="top.__xss = 18"></video>`,
  `<input autofocus onfocus="top.__xss = 19">`,
  `<base href="javascript:top.__xss = 20//">`,
];

declare global {
  interface Window {
    __xss?: number;
  }
}

describe('HTML email bodies', () => {
  beforeEach(() => delete window.__xss);

  it('sanitising removes scripts, handlers and javascript: URLs from every vector', () => {
    for (const v of VECTORS) {
      const { html } = sanitizeEmailHtml(v);
      expect(html, v).not.to.match(/<script|onerror|onload|ontoggle|onfocus|javascript:|<iframe|<object|<embed|<form|<meta|<base/i);
    }
  });

  it('no vector executes when rendered in the sandboxed iframe, even unsanitised', async () => {
    const frames = VECTORS.flatMap((v) =>
      // Rendered both sanitised and raw: the sandbox alone must already stop scripts.
      [sanitizeEmailHtml(v).html, v].map((body) => {
        const frame = document.createElement('iframe');
        frame.setAttribute('sandbox', EMAIL_SANDBOX);
        frame.srcdoc = isolatedEmailDocument(body);
        document.body.append(frame);
        return new Promise<HTMLIFrameElement>((resolve) => frame.addEventListener('load', () => resolve(frame), { once: true }));
      }),
    );
    const loaded = await Promise.all(frames);
    await new Promise((r) => setTimeout(r, 200));
    expect(window.__xss).to.equal(undefined);
    loaded.forEach((f) => f.remove());
  });

  it('links open in a new tab with rel=noopener and remote images wait for "show images"', () => {
    const dirty = `<p><a href="https://example.com">site</a><img src="https://tracker.example.com/p.gif"><img src="data:image/gif;base64,R0lGODlhAQABAAAAACw="></p>`;
    const blocked = sanitizeEmailHtml(dirty);
    const doc = new DOMParser().parseFromString(blocked.html, 'text/html');
    const a = doc.querySelector('a')!;
    expect(a.getAttribute('target')).to.equal('_blank');
    expect(a.getAttribute('rel')).to.equal('noopener noreferrer');
    expect(blocked.blockedImages).to.equal(1);
    const imgs = doc.querySelectorAll('img');
    expect(imgs[0].hasAttribute('src')).to.equal(false);
    expect(imgs[1].getAttribute('src')).to.match(/^data:/);
    const shown = sanitizeEmailHtml(dirty, { showImages: true });
    expect(shown.blockedImages).to.equal(0);
    expect(shown.html).to.contain('https://tracker.example.com/p.gif');
  });

  it('holds back every image the browser would fetch, however its URL is spelled (backslashes, one slash, tabs, spaces, relative), and keeps data: images', () => {
    const sources = ['https:\\\\tracker.example.com/a.gif', 'HTTP:/tracker.example.com/b.gif', ' \thttps://tracker.example.com/c.gif', 'ht\ntps://tracker.example.com/d.gif', '//tracker.example.com/e.gif', 'f.gif'];
    const blocked = sanitizeEmailHtml(sources.map((s) => `<img src="${s}">`).join('') + '<img src=" data:image/gif;base64,R0lGODlhAQABAAAAACw=">');
    const imgs = [...new DOMParser().parseFromString(blocked.html, 'text/html').querySelectorAll('img')];
    expect(blocked.blockedImages).to.equal(sources.length);
    expect(imgs.slice(0, -1).map((i) => i.getAttribute('src'))).to.deep.equal(sources.map(() => null));
    expect(imgs.at(-1)!.getAttribute('src')).to.match(/data:/);
  });

  it("the mail's document turns the browser's DNS prefetching of its links off", () => {
    const doc = new DOMParser().parseFromString(isolatedEmailDocument('<a href="https://tracker.example.com/">x</a>'), 'text/html');
    expect(doc.querySelector('meta[http-equiv="x-dns-prefetch-control" i]')?.getAttribute('content')).to.equal('off');
  });

  it('"Show images" for one message does not show another\'s: the element given a new message holds its images back again', async () => {
    const from = { name: 'Shop', email: 'news@shop.example' };
    const mail = (id: string, src: string): MailMessage => ({ id, threadId: 't1', from, to: [from], cc: [], subject: id, snippet: '', text: '', html: `<p>${id}</p><img src="${src}">`, date: 1_700_000_000_000, labels: ['INBOX'], attachments: [] });
    const trusted = mail('m1', 'https://images.shop.example/logo.png');
    const tracker = mail('m2', 'https://tracker.example/open?user=alice');
    const body = await fixture<MailMessageBody>(html`<mail-message-body .message=${trusted}></mail-message-body>`);
    const srcdoc = () => body.shadowRoot!.querySelector('iframe')!.srcdoc;
    body.shadowRoot!.querySelector<HTMLButtonElement>('.images button')!.click();
    await body.updateComplete;
    expect(srcdoc()).to.contain('src="https://images.shop.example/logo.png"');
    body.message = tracker;
    await body.updateComplete;
    expect(srcdoc()).to.contain('<p>m2</p>');
    expect(srcdoc(), "the other message's remote image is held back").not.to.match(/\ssrc="https:\/\/tracker/);
    expect(body.shadowRoot!.querySelector('.images')?.textContent).to.contain('1 remote image(s) blocked');
    // The same message again (a live update of it) keeps the reader's choice.
    body.message = { ...tracker };
    body.shadowRoot!.querySelector<HTMLButtonElement>('.images button')!.click();
    await body.updateComplete;
    body.message = { ...tracker, labels: [] };
    await body.updateComplete;
    expect(srcdoc()).to.match(/\ssrc="https:\/\/tracker\.example\/open\?user=alice"/);
  });
});
