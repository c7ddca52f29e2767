// The search's JavaScript (static/js/search-core.js) against the vectors
// the Rust side writes (tests/golden/search.json, from
// crates/tokenbook-site/src/search/): folding, terms, heading ids, and the
// index's number and Rice codes must come out the same in the browser as
// in the build, or queries miss what the index holds.
//
//   npm run unit        (from the repository root)

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { golden, runClassicScript } from './support.mjs';

const vectors = golden('search.json');
const core = runClassicScript('static/js/search-core.js').tokenbookSearchCore;
/** What the manifest tells the browser about terms. */
const manifest = { maxTerm: vectors.max_term, stopWords: vectors.stop_words };

/** Every vector whose `actual(v)` differs from `expected(v)`, described. */
function mismatches(list, input, actual, expected) {
  return list.flatMap((v) => {
    let got;
    try {
      got = actual(v);
    } catch (error) {
      got = `throws ${error}`;
    }
    const want = expected(v);
    return JSON.stringify(got) === JSON.stringify(want) ? [] : [`${JSON.stringify(input(v))}: got ${JSON.stringify(got)}, want ${JSON.stringify(want)}`];
  });
}

function assertNone(found, what, count) {
  assert.ok(count > 0, `tests/golden/search.json has no ${what}`);
  assert.deepEqual(found, [], `${what}: ${found.length} of ${count} differ from the Rust side:\n  ${found.join('\n  ')}`);
}

test('text folds as the index folds it (NFKD, marks dropped, lowercase, final sigma)', () => {
  assertNone(mismatches(vectors.fold, (v) => v.input, (v) => core.fold(v.input), (v) => v.folded), 'folds', vectors.fold.length);
});

test('text is cut into the terms the index holds (words of 2 to max_term characters but stop words, CJK pairs)', () => {
  assertNone(mismatches(vectors.terms, (v) => v.input, (v) => core.terms(v.input, manifest), (v) => v.terms), 'term lists', vectors.terms.length);
});

test('a finished query looks up those terms, each once, at most 8', () => {
  const found = mismatches(
    vectors.terms,
    (v) => `${v.input} `,
    (v) => core.parseQuery(`${v.input} `, manifest).map((t) => (t.prefix ? `${t.text}*` : t.text)),
    (v) => [...new Set(v.terms)].slice(0, 8),
  );
  assertNone(found, 'queries', vectors.terms.length);
});

test('a heading gets the id the renderer gives it', () => {
  assertNone(mismatches(vectors.heading_ids, (v) => v.heading, (v) => core.headingId(v.heading), (v) => v.id), 'heading ids', vectors.heading_ids.length);
});

test('numbers decode from their 5-bit groups, up to u32::MAX', () => {
  assertNone(mismatches(vectors.numbers, (v) => v.encoded, (v) => core.readNumber(v.encoded, 0), (v) => [v.n, v.encoded.length]), 'numbers', vectors.numbers.length);
});

test('postings decode from their Rice codes: sections and counts', () => {
  const found = mismatches(
    vectors.postings,
    (v) => v.encoded,
    (v) => {
      const { docs, counts } = core.decodePostings(v.encoded);
      return Array.from(docs, (doc, i) => [doc, counts[i]]);
    },
    (v) => v.postings,
  );
  assertNone(found, 'postings', vectors.postings.length);
});
