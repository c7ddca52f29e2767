// ESLint for every JavaScript file of the repository: `npm run lint` at
// the root (cargo xtask test runs it). ESLint's recommended rules, plus the
// rules the site's scripts keep (ARCHITECTURE.md, "static/js"):
//
// - Untrusted text (tokens, index and page text) never becomes HTML: no
//   innerHTML, outerHTML, insertAdjacentHTML, setHTMLUnsafe,
//   createContextualFragment, srcdoc or document.write(ln), no eval or its
//   cousins, no javascript: URLs.
// - No property looked up by a string built at run time (a template literal,
//   or a sum with a string in it, in `obj[…]`, read, written or called:
//   `this[`x_${y}`]()`, `node["inner" + kind] = …`; `a[i + 1]` is fine):
//   a table says what exists. Such a lookup could reach any name above.
//   site.js's el() refuses, as the page runs, what no lint sees: srcdoc and
//   URLs whose scheme is not http(s) (ARCHITECTURE.md, static/js).
//
// The scripts of lesson pages are classic scripts (pages must work from
// file://, where browsers load no modules); the playground and the lab are
// modules.

import js from '@eslint/js';
import globals from 'globals';

const NO_HTML = 'untrusted text never becomes HTML: build elements with site.js\'s el() and text nodes';
const BUILT_NAME = 'no property looked up by a name built from strings (obj[`inner${x}`], obj["on" + y]): name it, or keep a table';

export default [
  {
    ignores: ['**/node_modules/**', 'target/**', 'target-*/**', 'public/**', 'public.*/**', '.public.tokenbook-*/**'],
  },
  js.configs.recommended,
  {
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      eqeqeq: ['error', 'always'],
      'no-eval': 'error',
      'no-implied-eval': 'error',
      'no-new-func': 'error',
      'no-script-url': 'error',
      'no-restricted-properties': [
        'error',
        { property: 'innerHTML', message: NO_HTML },
        { property: 'outerHTML', message: NO_HTML },
        { property: 'insertAdjacentHTML', message: NO_HTML },
        { object: 'document', property: 'write', message: NO_HTML },
        { object: 'document', property: 'writeln', message: NO_HTML },
        { property: 'setHTMLUnsafe', message: NO_HTML },
        { property: 'createContextualFragment', message: NO_HTML },
        { property: 'srcdoc', message: NO_HTML },
      ],
      'no-restricted-syntax': [
        'error',
        {
          selector: 'MemberExpression[computed=true] > TemplateLiteral.property',
          message: BUILT_NAME,
        },
        {
          selector: "MemberExpression[computed=true] > BinaryExpression.property[operator='+']:has(:matches(Literal[value=type(string)], TemplateLiteral))",
          message: BUILT_NAME,
        },
        {
          selector: 'CallExpression > MemberExpression.callee[computed=true] > :matches(TemplateLiteral, BinaryExpression).property',
          message: 'no method looked up by a built string: keep a table of the functions',
        },
      ],
    },
  },
  {
    // Scripts for the browser: every page's (static/js), the dev server's
    // live reload, the course's naive app.
    files: ['static/js/**/*.js', 'xtask/serve/src/live.js', 'content/**/*.js'],
    languageOptions: { sourceType: 'script', globals: globals.browser },
  },
  {
    files: ['static/js/playground.js', 'static/js/lab.js'],
    languageOptions: { sourceType: 'module' },
  },
  {
    files: ['eslint.config.js', 'tests/**/*.mjs'],
    languageOptions: { sourceType: 'module', globals: globals.node },
  },
  {
    // el()'s unit tests hand it javascript: URLs: that it refuses them is
    // what they check.
    files: ['tests/unit/site.test.mjs'],
    rules: { 'no-script-url': 'off' },
  },
  {
    // The browser tests hand functions to page.evaluate(), which run in the
    // page; reading what a hostile token injected (outerHTML) and pasting
    // javascript: URLs is what they are for.
    files: ['tests/browser/**/*.mjs'],
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    rules: { 'no-restricted-properties': 'off', 'no-script-url': 'off' },
  },
];
