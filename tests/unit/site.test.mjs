// site.js's element builder, el() (static/js/site.js, window.tokenbook.el),
// which every script of the site builds its elements with: text stays
// text, and it refuses what would run code or load markup the page did not
// write (an on… attribute that is no function, srcdoc, a URL with a scheme
// other than http(s), or file: on a page opened from disk). Run on a
// stand-in page (tests/unit/support.mjs), no browser.
//
//   npm run unit        (from the repository root)

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { runSiteScript } from './support.mjs';

const { el, location, FakeText } = runSiteScript();

/** What el(tag, { [name]: value }) does: "set" with the value set, or "refused" with the error. */
function attempt(name, value, tag = 'a') {
  try {
    return { set: el(tag, { [name]: value }).attributes.get(name.toLowerCase()) };
  } catch (error) {
    assert.ok(error instanceof TypeError, `el("${tag}", { ${name}: ${JSON.stringify(value)} }) threw ${error}, not a TypeError`);
    return { refused: error.message };
  }
}

/** Every [name, value] of `cases` that el() sets (want "refused") or refuses (want "set"). */
function wrong(cases, want, tag) {
  return cases
    .map(([name, value]) => [name, value, attempt(name, value, tag)])
    .filter(([, , got]) => !(want in got))
    .map(([name, value, got]) => `${name}=${JSON.stringify(value)}: ${JSON.stringify(got)}`);
}

const URL_ATTRIBUTES = ['href', 'src', 'action', 'formaction', 'HREF', 'Src'];

test('strings become text nodes, never markup; attributes and listeners are set as given', () => {
  const listener = () => {};
  const node = el('p', { class: 'pg-notice', hidden: true, title: false, onclick: listener }, '<img src=x onerror=alert(1)>', ['a', null, 2], undefined, false);
  assert.equal(node.localName, 'p');
  assert.deepEqual([...node.attributes], [['class', 'pg-notice'], ['hidden', '']]);
  assert.deepEqual(node.listeners, [['click', listener]]);
  assert.ok(node.childNodes.every((child) => child instanceof FakeText), 'a child is not a text node');
  assert.deepEqual(node.childNodes.map((child) => child.data), ['<img src=x onerror=alert(1)>', 'a', '2']);
});

test('an on… attribute takes only a function, in any letter case', () => {
  assert.deepEqual(wrong([['onclick', 'alert(1)'], ['ONCLICK', 'alert(1)'], ['onError', 'alert(1)']], 'refused', 'img'), []);
});

test('srcdoc is refused, whatever it holds', () => {
  assert.deepEqual(wrong([['srcdoc', '<p>hi</p>'], ['srcdoc', ''], ['SrcDoc', 'text']], 'refused', 'iframe'), []);
});

test('href, src, action and formaction take relative and http(s) URLs', () => {
  location.protocol = 'https:';
  const values = ['#sample=expired&step=validate', '../02-no-user-involved/index.html', 'search/chunk-1.js?v=3', '/course/', '?q=token', 'a b:c', 'https://example.org/course/', 'HTTP://127.0.0.1:8000/', ''];
  assert.deepEqual(wrong(URL_ATTRIBUTES.flatMap((name) => values.map((value) => [name, value])), 'set'), []);
});

test('href, src, action and formaction refuse every other scheme, however it is written', () => {
  location.protocol = 'https:';
  const values = ['javascript:alert(1)', 'JavaScript:alert(1)', ' javascript:alert(1)', '\u0000javascript:alert(1)', 'java\tscript:alert(1)', 'java\nscript:alert(1)', 'data:text/html,<script>alert(1)</script>', 'vbscript:msgbox(1)', 'blob:https://example.org/x', 'file:///etc/passwd'];
  assert.deepEqual(wrong(URL_ATTRIBUTES.flatMap((name) => values.map((value) => [name, value])), 'refused'), []);
});

test('file: URLs are taken only on a page opened from disk (its scripts and search results are file: URLs there)', () => {
  location.protocol = 'file:';
  try {
    assert.deepEqual(wrong([['src', 'file:///home/reader/site/js/search-core.js'], ['href', 'FILE:///home/reader/site/01-x/index.html#a']], 'set'), []);
    assert.deepEqual(wrong([['href', 'javascript:alert(1)'], ['src', 'data:text/javascript,alert(1)']], 'refused'), []);
  } finally {
    location.protocol = 'https:';
  }
});
