// The playground's JavaScript (static/js/playground.js) against the
// tables the Rust side writes (tests/golden/playground.json, from
// crates/tokenbook-site/src/playground.rs): a step the build accepts in a
// fence must have its tab, and the checks the page looks for by name must
// be checks the validator reports. Also: what the playground writes into
// the address (never a pasted token).
//
//   npm run unit        (from the repository root)

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { golden, importPlayground } from './support.mjs';

const vectors = golden('playground.json');
const playground = await importPlayground();

test('the playground has a tab for every step the build accepts, in the same order, each labelled and drawn', () => {
  assert.deepEqual(
    playground.STEPS.map((step) => step.id),
    vectors.steps,
    'static/js/playground.js STEPS and tokenbook-site\'s playground STEPS differ',
  );
  for (const step of playground.STEPS) {
    assert.ok(typeof step.label === 'string' && step.label.length > 0, `the ${step.id} step has no label`);
    assert.equal(typeof step.render, 'function', `the ${step.id} step has nothing that draws its panel`);
  }
});

test('the check the simulated API answers 403 for is one the validator reports', () => {
  assert.ok(vectors.checks.includes(playground.SCOPE_CHECK), `${JSON.stringify(playground.SCOPE_CHECK)} is not one of the validator's checks ${JSON.stringify(vectors.checks)}`);
});

test('the address names a sample or a linked token, never a pasted one', () => {
  const { fragmentFor, parseFragment } = playground;
  // Shaped like a token, but no JWT (the repository's credential scan reads this file).
  const token = 'FAKE-pasted.token-text.x';
  const cases = [
    [{ sample: 'expired', token: null, tokenFromLink: false, step: 'validate' }, {}, '#sample=expired&step=validate'],
    [{ sample: 'expired', token, tokenFromLink: false, step: 'flow' }, {}, '#step=flow'],
    [{ sample: 'expired', token, tokenFromLink: true, step: 'flow' }, {}, `#token=${token}&step=flow`],
    [{ sample: 'expired', token, tokenFromLink: false, step: 'decode' }, { withToken: true }, `#token=${token}&step=decode`],
    [{ sample: 'app-token', token: null, tokenFromLink: false, step: 'decode' }, { withToken: true }, '#sample=app-token&step=decode'],
    // An empty token box holds no token: no `token=` in a link to it.
    [{ sample: 'expired', token: '', tokenFromLink: false, step: 'decode' }, { withToken: true }, '#step=decode'],
    [{ sample: 'expired', token: '', tokenFromLink: true, step: 'leak' }, {}, '#step=leak'],
  ];
  for (const [state, options, fragment] of cases) {
    assert.equal(fragmentFor(state, options), fragment, `${JSON.stringify(state)} ${JSON.stringify(options)}`);
  }
  assert.deepEqual({ ...parseFragment(`#token=${encodeURIComponent(token)}&step=validate`) }, { sample: null, token, step: 'validate' });
  assert.deepEqual({ ...parseFragment('#step=flow') }, { sample: null, token: null, step: 'flow' });
  assert.equal(parseFragment('#where-it-fits'), null, 'a heading\'s anchor is no playground state');
});
