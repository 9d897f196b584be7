import { test } from 'node:test';
import assert from 'node:assert/strict';
import { linkify } from '../../demo-app/mail/linkify.js';

test('linkify turns only http(s) URLs into links and keeps trailing punctuation as text', () => {
  assert.deepEqual(linkify('see https://example.com/a?b=1. or javascript:alert(1)'), [
    { text: 'see ' },
    { href: 'https://example.com/a?b=1', text: 'https://example.com/a?b=1' },
    { text: '. or javascript:alert(1)' },
  ]);
  assert.deepEqual(linkify('<b>no link</b>'), [{ text: '<b>no link</b>' }]);
});
