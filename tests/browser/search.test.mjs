// Browser tests of the site's search (static/js/search.js, search-core.js
// and search-engine.js over the index crates/tokenbook-site/src/search/
// writes into search/; snippets come from the lesson pages).
//
//   cd tests/browser && node --test search.test.mjs
//   TOKENBOOK_SITE=/abs/path/public node --test search.test.mjs
//
// The sites used: the course (built by siteDir() or given), and a
// generated fixture course with accents, Japanese, hostile text, a typo
// target and 1000 filler lessons (about the size of the benchmark course,
// so what a query downloads is measured at scale), built here into a
// temporary directory; and for the 404 page under a sub-path, the course
// built for base_url https://example.org/course/. All are served under the
// sub-path /course/; each
// test opens its own browser context, and fails on any console error, CSP
// violation or failed request (watchProblems).

import assert from 'node:assert/strict';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import vm from 'node:vm';
import zlib from 'node:zlib';
import { describe, test } from 'node:test';

import { runClassicScript } from '../unit/support.mjs';
import {
  buildSite,
  fileUrl,
  lessonPaths,
  listing,
  luminance,
  makeTempDir,
  PHONE,
  SCREENSHOTS,
  settle,
  siteWithBaseUrl,
  useSite,
  withContext,
} from './site.mjs';

const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

let lessons; // the course's lesson pages
/** The course (`dir`), served under /course/ (`server`), and the browser. */
const course = useSite({
  setup: ({ dir }) => {
    lessons = lessonPaths(dir);
    assert.ok(lessons.length > 0, `no lesson pages in ${dir}`);
  },
});
/** The fixture course (below), built and served under /course/. */
const fixtures = useSite({ build: buildFixture, browser: false });

// ---------------------------------------------------------------------------
// Fixtures and helpers

/** The fixture course: its lessons' markdown by file name. */
function fixtureLessons() {
  const files = new Map(Object.entries({
    '01_Accents.md': '# Café Crème\n\nThe opening of the accents lesson.\n\n## Ça Marche\n\nLe résumé du café naïf, with a Über-long word.\n',
    '02_Japanese.md': '# 認証の基本\n\n## トークンの検証\n\n認証サーバーがアクセストークンを発行します。\n',
    '03_Hostile.md': '# Hostile Text\n\n## Markup In Code\n\nThe snippet must show `<img src=x onerror=alert(1)>` as text, zebrafish.\n',
    '04_Introspection.md': '# Asking The Server\n\n## The Introspection Endpoint\n\nAn opaque token is checked at the introspection endpoint; its constructor has a valueOf.\n',
    '05_Check.md': '# Checking In\n\nWhat a quokkaword is, asked.\n\n```text alt="A box"\n┌────────────┐\n│ quokkaword │\n└────────────┘\n```\n\n## 🤔 Beginner Check\n\n1. What is a quokkaword?\n\nAnswers:\n\n1. A quokkaword is a word for tests.\n',
  }));
  const words = 'service token request server client scope cache header answer lifetime signature key audience claim endpoint retry clock network'.split(' ');
  const title = (w) => w[0].toUpperCase() + w.slice(1);
  for (let i = 0; i < 1000; i++) {
    const n = String(i + 10).padStart(3, '0');
    // "spreadword" is in 8 lessons across the course: its results sit in
    // as many document chunks, the most a query loads.
    const spread = i % 125 === 60 ? ' and spreadword' : '';
    let body = `# Filler ${n}\n\nFiller lesson number ${n} about fillerword${n}${spread}.\n\n`;
    for (let s = 0; s < 8; s++) {
      const w = (k) => words[(i * 7 + s * 5 + k * 3) % words.length];
      body += `## ${title(w(0))} ${title(w(1))} and ${title(w(2))} ${s}\n\n`;
      for (let k = 0; k < 3; k++) body += `The ${words[(i + s + k) % words.length]} ${words[(i * 7 + k) % words.length]}s the ${words[(s + k * 3) % words.length]}. `;
      body += '\n\n';
    }
    files.set(`${n}_Filler.md`, body);
  }
  return files;
}

async function buildFixture() {
  const tmp = makeTempDir('tokenbook-search-');
  const content = path.join(tmp, 'content');
  fs.mkdirSync(content);
  fs.writeFileSync(path.join(content, 'site.toml'), 'title = "Search Fixtures"\nbase_url = "https://example.org/search-fixtures/"\nlanguage = "en"\n');
  for (const [name, text] of fixtureLessons()) fs.writeFileSync(path.join(content, name), text);
  return buildSite({ out: path.join(tmp, 'public'), content });
}

/** The index files of a built site, evaluated as the browser would. */
function readIndex(root) {
  const parts = {};
  const dir = path.join(root, 'search');
  for (const file of fs.readdirSync(dir)) {
    vm.runInNewContext(fs.readFileSync(path.join(dir, file), 'utf8'), {
      tokenbookSearch: { load: (name, data) => (parts[name] = data) },
    });
  }
  return parts;
}

/** The browser's search core (static/js/search-core.js), to read the index as the page does. */
const core = runClassicScript('static/js/search-core.js').tokenbookSearchCore;

/** How many sections a term's encoded postings list: the number they start with. */
const documentCount = (encoded) => core.readNumber(encoded, 0)[0];

/**
 * Focuses the search box with "/" (or, when it has the focus already,
 * empties it) and types `query`; resolves once the list shows the answer.
 */
async function search(page, query, { snippets = true } = {}) {
  if ((await page.evaluate(() => document.activeElement?.id)) === 'search-input') {
    await page.fill('#search-input', '');
  } else {
    await page.keyboard.press('/');
  }
  await page.keyboard.type(query, { delay: 25 });
  await waitForAnswer(page, query, { snippets });
}

/**
 * Types `query` into the search box the way `search()` does, 25 ms a key,
 * but on the page's own clock, so the machine's load cannot stretch the
 * pauses: the page's clock (installed with page.clock.install() before the
 * page was opened) stands still while a key is typed and moves on 25 ms
 * after each, so the search's 60 ms debounce sees one burst of typing and
 * only the whole query runs, as for a fast typist; then it runs freely
 * again. The search is loaded first ("/" focuses the box), so no prefix
 * typed while it loads is searched either. Resolves once the answer is
 * shown.
 */
async function searchAtTypingSpeed(page, query) {
  await page.keyboard.press('/');
  await page.waitForFunction(() => window.tokenbookSearch !== undefined, null, { timeout: 10_000 });
  // Ahead of the page's time even if this process is slow to get there.
  await page.clock.pauseAt((await page.evaluate(() => Date.now())) + 10_000);
  for (const key of query) {
    await page.keyboard.type(key);
    await page.clock.runFor(25);
  }
  await page.clock.resume();
  await waitForAnswer(page, query);
}

/**
 * Waits until every shown result's page was fetched and its snippet is in
 * (the list's data-snippets says "done"; "none" from file://).
 */
async function waitForSnippets(page) {
  try {
    await page.waitForFunction(() => ['done', 'none'].includes(document.getElementById('search-results').dataset.snippets), null, { timeout: 10_000 });
  } catch {
    assert.fail(`${page.url()}: the snippets did not arrive within 10 s: ${await page.evaluate(() => document.getElementById('search-results').dataset.snippets)}`);
  }
}

async function waitForAnswer(page, query, { snippets = true } = {}) {
  try {
    await page.waitForFunction(
      (q) => {
        const input = document.getElementById('search-input');
        const list = document.getElementById('search-results');
        const note = document.getElementById('search-note');
        // The list says which query it answers (data-query).
        return input.value === q && input.getAttribute('aria-expanded') === 'true' && list.dataset.query === q && note.textContent !== 'Searching…';
      },
      query,
      { timeout: 10_000 },
    );
    // Answers to earlier prefixes may still be replaced by the last one.
    await page.waitForTimeout(250);
    if (snippets) await waitForSnippets(page);
  } catch (error) {
    if (error instanceof assert.AssertionError) throw error;
    const state = await page.evaluate(() => ({
      value: document.getElementById('search-input')?.value,
      expanded: document.getElementById('search-input')?.getAttribute('aria-expanded'),
      note: document.getElementById('search-note')?.textContent,
      visible: !document.getElementById('search')?.hidden,
    }));
    assert.fail(`${page.url()}: no search answer for ${JSON.stringify(query)} within 10 s: ${JSON.stringify(state)}`);
  }
}

/** The options of the result list: lesson, heading, snippet, marked words, selection. */
function results(page) {
  return page.evaluate(() =>
    [...document.querySelectorAll('#search-results [role=option]')].map((o) => ({
      id: o.id,
      lesson: o.querySelector('.search-lesson')?.textContent ?? null,
      heading: o.querySelector('.search-heading')?.textContent ?? '',
      snippet: o.querySelector('.search-snippet')?.textContent ?? '',
      marks: [...o.querySelectorAll('mark')].map((m) => m.textContent),
      snippetMarks: [...o.querySelectorAll('.search-snippet mark')].map((m) => m.textContent),
      selected: o.getAttribute('aria-selected'),
    })),
  );
}

function describeResults(list) {
  return list.map((r) => `${r.lesson ?? '(opening)'} › ${r.heading} — ${r.snippet.slice(0, 80)} [${r.marks.join(', ')}]`);
}

/** The text a reader sees in a piece of a page's HTML, whitespace collapsed. */
function pageText(html) {
  return html
    .replace(/<(template|script|style)\b[\s\S]*?<\/\1>/g, ' ')
    .replace(/<section class="playground"[\s\S]*?<\/section>/g, ' ')
    .replace(/<(nav|summary)\b[\s\S]*?<\/\1>/g, ' ')
    .replace(/<span class="visually-hidden">[^<]*<\/span>/g, ' ')
    .replace(/<a class="anchor"[^>]*>#<\/a>/g, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/[\u2190-\u21ff\u2500-\u25ff]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/**
 * A lesson page's title and its h2 headings: id, text, and the text of the
 * section up to the next heading.
 */
function lessonHeadings(root, rel) {
  const html = fs.readFileSync(path.join(root, rel), 'utf8');
  const title = /<h1 id="[^"]*">([\s\S]*?)<\/h1>/.exec(html)?.[1]?.replace(/<[^>]+>/g, '').trim();
  const headings = [...html.matchAll(/<h2 id="([^"]+)">([\s\S]*?)<\/h2>/g)].map((m) => {
    const from = m.index + m[0].length;
    const next = html.slice(from).search(/<div class="heading">|<\/article>/);
    return {
      id: m[1],
      text: pageText(m[2]),
      body: pageText(html.slice(from, next < 0 ? undefined : from + next)),
    };
  });
  return { title, headings };
}

/**
 * A word of one of the course's h2 headings that few sections contain and
 * its section's text has too, with its lesson and heading: a search for it
 * must list that section, with the word marked in a snippet of that text.
 */
function distinctiveHeadingWord() {
  const index = readIndex(course.dir);
  const df = new Map();
  for (const [name, part] of Object.entries(index)) {
    if (!name.startsWith('t')) continue;
    part.terms.forEach((term, i) => df.set(term, documentCount(part.postings[i])));
  }
  let best = null;
  for (const rel of lessons) {
    const { title, headings } = lessonHeadings(course.dir, rel);
    for (const heading of headings) {
      for (const word of heading.text.match(/[A-Za-z]{6,}/g) ?? []) {
        const count = df.get(word.toLowerCase());
        const inText = new RegExp(`\\b${word}\\b`, 'i').test(heading.body);
        if (count && inText && (!best || count < best.count)) best = { word, count, rel, title, heading };
      }
    }
  }
  assert.ok(best, `no h2 heading word of 6+ letters that its section's text repeats found in the index of ${course.dir}`);
  return best;
}

/** Text compared without whitespace and the snippet's ellipses. */
const squash = (text) => text.replace(/…/g, '').replace(/\s+/g, '');

/** The WCAG contrast ratio of two CSS colors. */
function contrast(a, b) {
  const [l1, l2] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (l1 + 0.05) / (l2 + 0.05);
}

// ---------------------------------------------------------------------------

describe('search results', () => {
  test('typing a heading word of a lesson lists that section with its lesson and heading, and a snippet from its page with the word marked', async () => {
    const target = distinctiveHeadingWord();
    await withContext(course, {}, async (context, problems) => {
      const page = await context.newPage();
      await page.goto(course.server.url + lessons[lessons.length - 1]);
      await search(page, target.word.toLowerCase());
      const list = await results(page);
      const hit = list.find((r) => r.heading === target.heading.text);
      assert.ok(hit, `searching "${target.word}" (in ${target.count} section(s)) did not list "${target.heading.text}" of ${target.rel}:\n${describeResults(list).join('\n')}`);
      assert.equal(hit.lesson, target.title, `the result for "${target.heading.text}" names the lesson ${JSON.stringify(hit.lesson)}, expected ${JSON.stringify(target.title)}`);
      assert.ok(hit.snippet.length > 20, `the result for "${target.heading.text}" has no snippet: ${JSON.stringify(hit.snippet)}`);
      assert.ok(
        squash(target.heading.body).includes(squash(hit.snippet)),
        `the snippet is not text of the section "${target.heading.text}" in ${target.rel}:\n  snippet: ${hit.snippet}\n  section: ${target.heading.body.slice(0, 400)}`,
      );
      assert.ok(
        hit.snippetMarks.some((m) => m.toLowerCase().startsWith(target.word.toLowerCase())),
        `no <mark> in the snippet holds "${target.word}": marks ${JSON.stringify(hit.snippetMarks)} in ${JSON.stringify(hit.snippet)}`,
      );
      const status = await page.locator('#search-live').textContent();
      assert.match(status, /\d+ results?/, `the live region says ${JSON.stringify(status)}`);
      await settle(page);
      assert.deepEqual(problems, [], listing('problems while searching', problems));
    });
  });

  test('snippets: each page is fetched once, stale fetches are aborted, and the live region announces only the count', async () => {
    await withContext(course, {}, async (context, problems) => {
      // Lesson pages answer slowly, so a newer query overtakes their fetches.
      await context.route(/\/course\/\d+-filler\/index\.html$/, async (route) => {
        await new Promise((resolve) => setTimeout(resolve, 800));
        await route.continue().catch(() => {});
      });
      const page = await context.newPage();
      const aborted = [];
      page.on('requestfailed', (r) => {
        if (r.failure()?.errorText === 'net::ERR_ABORTED') aborted.push(r.url());
      });
      await page.goto(fixtures.server.url + 'index.html');
      const pageRequests = () => fixtures.server.requests.filter((r) => /-filler\/index\.html$/.test(r.path)).map((r) => r.path);

      await search(page, 'signature', { snippets: false });
      const first = await results(page);
      assert.ok(first.length >= 3, `results for "signature": ${describeResults(first).join('\n')}`);
      await page.waitForTimeout(150); // the reader paused: the pages are being fetched
      await search(page, 'fillerword077');
      const second = await results(page);
      const hit = second.find((r) => r.heading === 'Filler 077');
      assert.ok(hit, `"fillerword077" did not find its lesson:\n${describeResults(second).join('\n')}`);
      assert.ok(hit.snippetMarks.includes('fillerword077'), `the snippet of "Filler 077" does not mark the word: ${JSON.stringify(hit)}`);
      assert.ok(aborted.length > 0, 'the fetches of the first query were not aborted by the second');
      const unmarked = second.filter((r) => r.snippet && !r.snippetMarks.length);
      assert.deepEqual(unmarked.map((r) => r.heading), [], 'snippets without the word: of the first query?');
      const status = await page.locator('#search-live').textContent();
      assert.match(status, /^1 result\.$|^\d+ results/, `the live region says ${JSON.stringify(status)}`);

      // The same query again: its page comes from the session's cache.
      const before = pageRequests();
      await search(page, 'fillerword07');
      await search(page, 'fillerword077');
      assert.deepEqual(pageRequests().slice(before.length).filter((p) => p.includes('077-filler')), [], 'the page of "Filler 077" was fetched again');
      assert.equal(await page.locator('#search-live').textContent(), status, 'the live region changed after the snippets came');
      await settle(page);
      const unexpected = problems.filter((p) => !p.includes('ERR_ABORTED'));
      assert.deepEqual(unexpected, [], listing('problems while searching', unexpected));
    });
  });

  test('a prefix, a typo, accents and Japanese text all find their sections', async () => {
    await withContext(course, {}, async (context, problems) => {
      const page = await context.newPage();
      await page.goto(fixtures.server.url + 'index.html');
      const cases = [
        { query: 'introsp', heading: 'The Introspection Endpoint', mark: 'introspection', why: 'prefix of "introspection"' },
        { query: 'constructor valueof', heading: 'The Introspection Endpoint', mark: 'constructor', why: 'words that are names of Object.prototype' },
        { query: 'introspectoin endpoint', heading: 'The Introspection Endpoint', mark: 'introspection', why: 'two letters swapped' },
        { query: 'instrospection', heading: 'The Introspection Endpoint', mark: 'introspection', why: 'one letter too many' },
        { query: 'cafe naif', heading: 'Ça Marche', mark: 'café', why: 'no accents typed' },
        { query: 'CAFÉ', heading: 'Café Crème', mark: 'café', why: 'capitals and an accent' },
        { query: 'ca marche', heading: 'Ça Marche', mark: 'ça', why: 'cedilla folded' },
        { query: '認証サーバー', heading: 'トークンの検証', mark: '認証サーバー', why: 'Japanese in pairs of characters' },
        { query: 'トークン', heading: 'トークンの検証', mark: 'トークン', why: 'katakana in a heading' },
      ];
      const failures = [];
      for (const c of cases) {
        await search(page, c.query);
        const list = await results(page);
        const hit = list.find((r) => r.heading === c.heading);
        if (!hit) {
          failures.push(`"${c.query}" (${c.why}) did not list "${c.heading}":\n    ${describeResults(list).join('\n    ') || '(no results)'}`);
        } else if (!hit.marks.some((m) => m.toLowerCase() === c.mark.toLowerCase())) {
          failures.push(`"${c.query}" (${c.why}) listed "${c.heading}" without marking "${c.mark}": marks ${JSON.stringify(hit.marks)}`);
        }
      }
      assert.deepEqual(failures, [], listing('searches that failed', failures));
      await settle(page);
      assert.deepEqual(problems, [], listing('problems while searching', problems));
    });
  });

  test('a snippet holds the section\'s own text: no permalink, "Show answer", pager, or diagram lines', async () => {
    await withContext(course, {}, async (context, problems) => {
      const page = await context.newPage();
      await page.goto(fixtures.server.url + 'index.html');
      await search(page, 'quokkaword');
      const list = await results(page);
      const check = list.find((r) => r.heading === '🤔 Beginner Check');
      const opening = list.find((r) => r.heading === 'Checking In');
      assert.ok(check && opening, `"quokkaword" did not list both sections of "Checking In":\n${describeResults(list).join('\n')}`);
      assert.equal(check.snippet, 'What is a quokkaword? A quokkaword is a word for tests.');
      assert.deepEqual(check.snippetMarks, ['quokkaword', 'quokkaword']);
      assert.equal(opening.snippet, 'What a quokkaword is, asked. quokkaword', 'the opening: its text and the diagram\'s words, no contents, no lines');
      await settle(page);
      assert.deepEqual(problems, [], listing('problems while searching', problems));
    });
  });

  test('a typo in a short word is not corrected, and a word in no lesson says so', async () => {
    await withContext(course, {}, async (context, problems) => {
      const page = await context.newPage();
      await page.goto(fixtures.server.url + 'index.html');
      await search(page, 'qwertyuiop ');
      assert.equal((await results(page)).length, 0);
      assert.match(await page.locator('#search-note').textContent(), /No results/);
      assert.equal(await page.locator('#search-results').isHidden(), true, 'an empty listbox is hidden');
      await search(page, 'cafx ');
      assert.equal((await results(page)).length, 0, '"cafx" is 4 letters: too short for typo tolerance');
      await settle(page);
      assert.deepEqual(problems, [], listing('problems while searching', problems));
    });
  });

  test('a huge paste into the box is cut at 256 characters and the page stays responsive', async () => {
    await withContext(course, {}, async (context, problems) => {
      const page = await context.newPage();
      await page.goto(fixtures.server.url + 'index.html');
      await page.locator('#search-input').focus();
      const start = Date.now();
      await page.keyboard.insertText('token '.repeat(100_000));
      assert.equal((await page.locator('#search-input').inputValue()).length, 256, 'the box took a 600,000-character paste whole');
      await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(resolve)));
      assert.ok(Date.now() - start < 2_000, `the page took ${Date.now() - start} ms to draw again after the paste`);
      await settle(page);
      assert.deepEqual(problems, [], listing('problems while pasting into the search box', problems));
    });
  });

  test('text from the index and the pages is shown as text, never as HTML', async () => {
    await withContext(course, {}, async (context, problems) => {
      const page = await context.newPage();
      let dialogs = 0;
      page.on('dialog', (d) => {
        dialogs++;
        d.dismiss();
      });
      await page.goto(fixtures.server.url + 'index.html');
      await search(page, 'onerror');
      const list = await results(page);
      const hit = list.find((r) => r.heading === 'Markup In Code');
      assert.ok(hit, `"onerror" did not find the hostile lesson:\n${describeResults(list).join('\n')}`);
      assert.match(hit.snippet, /<img src=x onerror=alert\(1\)>/, 'the markup is shown literally');
      const elements = await page.evaluate(() => [...document.querySelectorAll('#search-panel *')].map((e) => e.localName));
      assert.deepEqual([...new Set(elements)].sort(), ['li', 'mark', 'p', 'span', 'ul'], 'only the elements the script creates are in the panel');
      assert.equal(dialogs, 0);
      await settle(page);
      assert.deepEqual(problems, [], listing('problems while searching', problems));
    });
  });
});

describe('search by keyboard', () => {
  test('"/" focuses the box (not while typing elsewhere), arrows move through results, Tab reaches the list, Escape closes then clears', async () => {
    await withContext(course, {}, async (context, problems) => {
      const page = await context.newPage();
      await page.goto(fixtures.server.url + '010-filler/index.html');
      assert.equal(await page.locator('#search-input').isVisible(), true, 'the search box is shown');

      // "/" typed into another field stays there.
      await page.evaluate(() => {
        const field = document.createElement('textarea');
        field.id = 'other-field';
        document.querySelector('main').prepend(field);
      });
      await page.focus('#other-field');
      await page.keyboard.press('/');
      assert.equal(await page.inputValue('#other-field'), '/');
      assert.notEqual(await page.evaluate(() => document.activeElement.id), 'search-input');
      await page.evaluate(() => document.activeElement.blur());

      await search(page, 'filler');
      assert.equal(await page.evaluate(() => document.activeElement.id), 'search-input', '"/" focused the search box');
      const list = await results(page);
      assert.ok(list.length >= 3, `expected several results for "filler", got ${list.length}`);
      const state = () =>
        page.evaluate(() => ({
          active: document.getElementById('search-input').getAttribute('aria-activedescendant'),
          selected: [...document.querySelectorAll('#search-results [aria-selected=true]')].map((o) => o.id),
          expanded: document.getElementById('search-input').getAttribute('aria-expanded'),
          panelHidden: document.getElementById('search-panel').hidden,
          focus: document.activeElement.id,
        }));

      await page.keyboard.press('ArrowDown');
      assert.deepEqual(await state(), { active: list[0].id, selected: [list[0].id], expanded: 'true', panelHidden: false, focus: 'search-input' });
      await page.keyboard.press('ArrowDown');
      await page.keyboard.press('ArrowDown');
      assert.deepEqual((await state()).selected, [list[2].id], 'two more ArrowDowns select the third result');
      await page.keyboard.press('ArrowUp');
      assert.deepEqual((await state()).active, list[1].id, 'ArrowUp goes back one');

      // The focus is visible: the box has an outline, the active option a border.
      const look = await page.evaluate(() => {
        const input = getComputedStyle(document.getElementById('search-input'));
        const option = getComputedStyle(document.querySelector('#search-results [aria-selected=true]'));
        return { outline: input.outlineStyle, outlineWidth: input.outlineWidth, border: option.borderTopColor, borderWidth: option.borderTopWidth };
      });
      assert.notEqual(look.outline, 'none', `the focused search box shows no outline: ${JSON.stringify(look)}`);
      assert.ok(parseFloat(look.borderWidth) >= 2 && !/rgba\(0, 0, 0, 0\)|transparent/.test(look.border), `the active option has no visible border: ${JSON.stringify(look)}`);

      // Tab reaches the list's panel (to scroll a long list); Escape there
      // returns to the box.
      await page.keyboard.press('Tab');
      const inPanel = await state();
      assert.deepEqual({ focus: inPanel.focus, expanded: inPanel.expanded }, { focus: 'search-panel', expanded: 'true' }, 'Tab moves into the open list');
      await page.keyboard.press('Escape');
      assert.deepEqual(
        { focus: (await state()).focus, expanded: (await state()).expanded },
        { focus: 'search-input', expanded: 'false' },
        'Escape in the list closes it and returns to the box',
      );
      await page.keyboard.press('ArrowDown');
      assert.equal((await state()).expanded, 'true', 'ArrowDown opens the list again');

      await page.keyboard.press('Escape');
      const closed = await state();
      assert.deepEqual(
        { expanded: closed.expanded, panelHidden: closed.panelHidden, active: closed.active, focus: closed.focus },
        { expanded: 'false', panelHidden: true, active: null, focus: 'search-input' },
        'Escape closes the list and keeps the focus in the box',
      );
      assert.equal(await page.inputValue('#search-input'), 'filler');
      await page.keyboard.press('ArrowDown');
      assert.equal((await state()).expanded, 'true', 'ArrowDown opens the list again');
      await page.keyboard.press('Escape');
      await page.keyboard.press('Escape');
      assert.equal(await page.inputValue('#search-input'), '', 'a second Escape clears the box');
      await settle(page);
      assert.deepEqual(problems, [], listing('problems while using the keyboard', problems));
    });
  });

  test('Enter opens the chosen section at its heading, under the sub-path', async () => {
    const target = distinctiveHeadingWord();
    await withContext(course, {}, async (context, problems) => {
      const page = await context.newPage();
      await page.goto(course.server.url + 'index.html');
      await search(page, target.word.toLowerCase());
      const list = await results(page);
      const position = list.findIndex((r) => r.heading === target.heading.text);
      assert.ok(position >= 0, `"${target.word}" did not list "${target.heading.text}":\n${describeResults(list).join('\n')}`);
      for (let i = 0; i <= position; i++) await page.keyboard.press('ArrowDown');
      const expected = `${course.server.url}${target.rel}#${target.heading.id}`;
      await Promise.all([page.waitForURL(expected, { timeout: 10_000 }), page.keyboard.press('Enter')]);
      const inView = await page.evaluate((id) => {
        const r = document.getElementById(id)?.getBoundingClientRect();
        return r ? r.top >= 0 && r.top < innerHeight : null;
      }, target.heading.id);
      assert.equal(inView, true, `${expected}: #${target.heading.id} is not on screen after opening the result`);
      await settle(page);
      assert.deepEqual(problems, [], listing('problems while opening a result', problems));
    });
  });
});

describe('search at scale and in odd places', () => {
  test('a query downloads the manifest and a small fraction of the index, and the pages of the results shown', async () => {
    const dir = path.join(fixtures.dir, 'search');
    const files = fs.readdirSync(dir);
    const raw = (file) => fs.statSync(path.join(dir, file)).size;
    const gz = (file) => zlib.gzipSync(fs.readFileSync(path.join(dir, file))).length;
    const total = { files: files.length, raw: files.reduce((sum, f) => sum + raw(f), 0), gz: files.reduce((sum, f) => sum + gz(f), 0) };
    const report = [];
    // A query's words, its first result, and the most of the index's files
    // and bytes (raw and gzipped) it may load: results from 8 lessons across
    // the course need 8 document chunks.
    const queries = [
      ['fillerword077', 'Filler 077', 1 / 10],
      ['signature', null, 1 / 10],
      ['spreadword', 'Filler 070', 1 / 6],
    ];
    for (const [query, first, limit] of queries) {
      await withContext(course, {}, async (context, problems) => {
        const page = await context.newPage();
        await page.clock.install();
        const start = fixtures.server.requests.length;
        await page.goto(fixtures.server.url + 'index.html');
        await settle(page);
        const before = fixtures.server.requests.length;
        const early = fixtures.server.requests.slice(start).map((r) => r.path).filter((p) => p.startsWith('/course/search/') || /search-(core|engine)/.test(p));
        assert.deepEqual(early, [], 'nothing but js/search.js is loaded before the box is used');
        await searchAtTypingSpeed(page, query);
        const list = await results(page);
        if (first) assert.equal(list[0]?.heading, first, `"${query}" should find its lesson first:\n${describeResults(list).join('\n')}`);
        assert.ok(list.length > 0 && list.every((r) => r.snippet), `"${query}": every result has a snippet:\n${describeResults(list).join('\n')}`);
        const paths = fixtures.server.requests.slice(before).map((r) => r.path.split('?')[0]);
        const requested = [...new Set(paths.filter((p) => p.startsWith('/course/search/')))].map((p) => p.slice('/course/search/'.length));
        assert.ok(requested.includes('manifest.js') && requested.includes('lengths.js'), `the manifest or the lengths were not loaded: ${requested.join(', ')}`);
        const got = { files: requested.length, raw: requested.reduce((sum, f) => sum + raw(f), 0), gz: requested.reduce((sum, f) => sum + gz(f), 0) };
        report.push(`"${query}": ${got.files} of ${total.files} files, ${got.raw} of ${total.raw} bytes (${got.gz} of ${total.gz} gzipped): ${requested.join(' ')}`);
        assert.ok(got.files <= total.files * limit && got.raw <= total.raw * limit && got.gz <= total.gz * limit, `more than ${limit.toFixed(2)} of the index: ${report.at(-1)}`);
        // Pages: those of the results shown, each once, nothing else.
        const pages = paths.filter((p) => p.endsWith('.html'));
        const expected = [...new Set(await page.evaluate(() => [...document.querySelectorAll('#search-results [role=option]')].map((o) => o.dataset.page)))];
        assert.deepEqual([...pages].sort(), expected.map((p) => new URL(p).pathname).sort(), 'the pages fetched for snippets');
        await settle(page);
        assert.deepEqual(problems, [], listing('problems while searching', problems));
      });
    }
    console.log(report.join('\n'));
  });

  test('from file:// the index loads as scripts, results have no snippet and say why, and Enter opens the section', async () => {
    await withContext(course, {}, async (context, problems) => {
      const page = await context.newPage();
      await page.goto(fileUrl(fixtures.dir, '010-filler/index.html'));
      await search(page, 'introspection');
      const list = await results(page);
      const position = list.findIndex((r) => r.heading === 'The Introspection Endpoint');
      assert.ok(position >= 0, `no result from file://:\n${describeResults(list).join('\n')}`);
      assert.equal(list[position].lesson, 'Asking The Server', 'the result names its lesson');
      assert.deepEqual(list.map((r) => r.snippet).filter(Boolean), [], 'results from file:// have no snippet');
      const note = page.locator('#search-offline');
      assert.equal(await note.isVisible(), true, 'the panel says why there are no snippets');
      assert.match(await note.textContent(), /served over HTTP/);
      assert.equal((await note.boundingBox()).height < 40, true, 'the note is one line');
      for (let i = 0; i <= position; i++) await page.keyboard.press('ArrowDown');
      const expected = fileUrl(fixtures.dir, '04-introspection/index.html') + '#the-introspection-endpoint';
      await Promise.all([page.waitForURL(expected, { timeout: 10_000 }), page.keyboard.press('Enter')]);
      await settle(page);
      assert.deepEqual(problems, [], listing('problems while searching from file://', problems));
    });
  });

  test('at 375 px the box and its results fit the screen', async () => {
    await withContext(course, { viewport: PHONE }, async (context, problems) => {
      const page = await context.newPage();
      await page.goto(course.server.url + lessons[0]);
      await search(page, 'token');
      assert.ok((await results(page)).length > 0, 'results for "token"');
      await page.keyboard.press('ArrowDown');
      const boxes = await page.evaluate(() => {
        const rect = (id) => {
          const r = document.getElementById(id).getBoundingClientRect();
          return { left: Math.round(r.left), right: Math.round(r.right), width: Math.round(r.width) };
        };
        return { input: rect('search-input'), panel: rect('search-panel'), scrollWidth: document.documentElement.scrollWidth };
      });
      fs.mkdirSync(SCREENSHOTS, { recursive: true });
      const shot = path.join(SCREENSHOTS, 'search-375.png');
      await page.screenshot({ path: shot });
      for (const [name, box] of Object.entries({ input: boxes.input, panel: boxes.panel })) {
        assert.ok(box.left >= 0 && box.right <= PHONE.width, `at 375 px the ${name} spans ${box.left}..${box.right} px (${shot})`);
      }
      assert.ok(boxes.input.width >= 200, `at 375 px the search box is only ${boxes.input.width} px wide (${shot})`);
      assert.ok(boxes.scrollWidth <= PHONE.width, `at 375 px the page scrolls sideways: scrollWidth ${boxes.scrollWidth} (${shot})`);
      await settle(page);
      assert.deepEqual(problems, [], listing('problems at 375 px', problems));
    });
  });

  describe('with the site built for base_url https://example.org/course/', () => {
    const published = useSite({ build: () => siteWithBaseUrl('https://example.org/course/'), browser: false, serve: { base: '/course/' } });

    test('on the 404 page of a site published under a sub-path, results open under that path', async () => {
      const served = published.server;
      await withContext(course, {}, async (context, problems) => {
        const page = await context.newPage();
        const response = await page.goto(served.url + 'no/such/page/');
        assert.equal(response.status(), 404);
        await search(page, 'token');
        await page.keyboard.press('ArrowDown');
        await Promise.all([page.waitForURL((u) => u.href.startsWith(served.url) && /\/index\.html(#.*)?$/.test(u.pathname + u.hash), { timeout: 10_000 }), page.keyboard.press('Enter')]);
        assert.ok(page.url().startsWith(served.url), `opened ${page.url()}, outside ${served.url}`);
        await settle(page);
        const unexpected = problems.filter((p) => !p.includes('/no/such/page/'));
        assert.deepEqual(unexpected, [], listing('problems on the 404 page', unexpected));
      });
    });
  });

  test('without JavaScript there is no search box: search.js builds it', async () => {
    const html = fs.readFileSync(path.join(course.dir, lessons[0]), 'utf8');
    assert.doesNotMatch(html, /search-input|id="search"/, 'the page carries no search box markup');
    await withContext(course, { javaScriptEnabled: false }, async (context) => {
      const page = await context.newPage();
      await page.goto(course.server.url + lessons[0]);
      assert.equal(await page.locator('#search, #search-input').count(), 0, 'a search box without JavaScript');
      assert.equal(await page.locator('.site-title').isVisible(), true);
    });
    await withContext(course, {}, async (context, problems) => {
      const page = await context.newPage();
      await page.goto(course.server.url + lessons[0]);
      const order = await page.evaluate(() => [...document.querySelector('.site-header').children].filter((e) => !e.hidden && e.localName !== 'script').map((e) => e.id || e.className));
      assert.deepEqual(order.slice(-2), ['search', 'theme-toggle'], `the box sits before the theme button: ${order.join(', ')}`);
      await settle(page);
      assert.deepEqual(problems, [], listing('problems', problems));
    });
  });
});

describe('search accessibility', () => {
  for (const theme of ['light', 'dark']) {
    test(`results, marks and notes have WCAG AA contrast in the ${theme} theme`, async () => {
      await withContext(course, { colorScheme: theme }, async (context, problems) => {
        const page = await context.newPage();
        await page.goto(course.server.url + lessons[0]);
        await search(page, 'client secret');
        await page.keyboard.press('ArrowDown');
        await page.mouse.move(0, 0);
        const samples = await page.evaluate(() => {
          const background = (el) => {
            for (let e = el; e; e = e.parentElement) {
              const bg = getComputedStyle(e).backgroundColor;
              if (!/rgba\(\d+, \d+, \d+, 0\)|transparent/.test(bg)) return bg;
            }
            return getComputedStyle(document.documentElement).backgroundColor;
          };
          const out = [];
          const seen = new Set();
          for (const el of document.querySelectorAll('#search-panel *, #search-input')) {
            const hasText = el.localName === 'input' || [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim());
            if (!hasText || el.closest('[hidden]')) continue;
            const s = getComputedStyle(el);
            const key = `${el.className}|${el.localName}|${s.color}|${background(el)}`;
            if (seen.has(key)) continue;
            seen.add(key);
            out.push({ what: `${el.localName}.${el.className || ''}${el.closest('[aria-selected=true]') ? ' (selected)' : ''}`, color: s.color, background: background(el) });
          }
          return { out, theme: getComputedStyle(document.body).backgroundColor };
        });
        assert.equal(luminance(samples.theme) < 0.2, theme === 'dark', `the page is not in the ${theme} theme: body ${samples.theme}`);
        const low = samples.out
          .map((s) => ({ ...s, ratio: contrast(s.color, s.background) }))
          .filter((s) => s.ratio < 4.5)
          .map((s) => `${s.what}: ${s.color} on ${s.background} = ${s.ratio.toFixed(2)}:1`);
        assert.ok(samples.out.length >= 4, `too few text samples: ${JSON.stringify(samples.out)}`);
        assert.ok(samples.out.some((s) => s.what.startsWith('mark')), 'a <mark> was checked');
        assert.deepEqual(low, [], listing(`text below 4.5:1 in the ${theme} theme`, low));
        await settle(page);
        assert.deepEqual(problems, [], listing('problems while searching', problems));
      });
    });
  }

  test('axe-core finds no violation with results listed and one chosen, in both themes', async () => {
    const failures = [];
    for (const colorScheme of ['light', 'dark']) {
      // bypassCSP lets axe's script in; the CSP is enforced in the other tests.
      await withContext(course, { colorScheme, bypassCSP: true }, async (context) => {
        const page = await context.newPage();
        await page.goto(course.server.url + lessons[0]);
        await search(page, 'token');
        await page.keyboard.press('ArrowDown');
        await page.addScriptTag({ path: AXE });
        const violations = await page.evaluate(async () => {
          // eslint-disable-next-line no-undef
          const result = await axe.run(document, {
            runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] },
            resultTypes: ['violations'],
          });
          return result.violations.map((v) => `${v.id}: ${v.help} at ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join('; ')}`);
        });
        failures.push(...violations.map((v) => `${colorScheme}: ${v}`));
      });
    }
    assert.deepEqual(failures, [], listing('axe violations with the search open', failures));
  });
});
