// ESLint for every JavaScript file of the repository: `npm run lint` at
// the root (cargo xtask test runs it). ESLint's recommended rules, plus the
// rules the site's scripts keep (ARCHITECTURE.md, "static/js"):
//
// - Untrusted text (tokens, index and page text) never becomes HTML: no
//   innerHTML, outerHTML, insertAdjacentHTML or document.write, no eval or
//   its cousins.
// - No method looked up by a string built at run time (`this[`x_${y}`]()`):
//   a table of functions says what exists.
//
// The scripts of lesson pages are classic scripts (pages must work from
// file://, where browsers load no modules); the playground and the lab are
// modules.

import js from '@eslint/js';
import globals from 'globals';

const NO_HTML = 'untrusted text never becomes HTML: build elements with site.js\'s el() and text nodes';

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
      ],
      'no-restricted-syntax': [
        'error',
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
    // The browser tests hand functions to page.evaluate(), which run in the
    // page; reading what a hostile token injected (outerHTML) and pasting
    // javascript: URLs is what they are for.
    files: ['tests/browser/**/*.mjs'],
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    rules: { 'no-restricted-properties': 'off', 'no-script-url': 'off' },
  },
];
