// Browser tests of the site's search (static/js/search.js and
// search-engine.js over the index crates/tokenbook-site/src/search.rs
// writes into search/).
//
//   cd tests/browser && node --test search.test.mjs
//   TOKENBOOK_SITE=/abs/path/public node --test search.test.mjs
//
// Two sites are used: the course (built by siteDir() or given), and a small
// generated fixture course with accents, Japanese, hostile text, a typo
// target and 300 filler lessons, built here into a temporary directory.
// Both are served under the sub-path /course/; each test opens its own
// browser context, and fails on any console error, CSP violation or failed
// request (watchProblems).

import assert from 'node:assert/strict';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import vm from 'node:vm';
import zlib from 'node:zlib';
import { after, before, describe, test } from 'node:test';

import {
  buildSite,
  closeBrowser,
  fileUrl,
  launchBrowser,
  lessonPaths,
  listing,
  luminance,
  makeTempDir,
  repoRoot,
  serveSite,
  siteDir,
  siteWithBaseUrl,
  withBrowserContext,
} from './site.mjs';

const DESKTOP = { width: 1280, height: 900 };
const PHONE = { width: 375, height: 740 };
const SCREENSHOTS = path.join(repoRoot, 'target', 'screenshots');
const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

let site; // the course, built
let lessons; // its lesson pages
let fixture; // the fixture course, built
let browser;
let server; // the course under /course/
let fixtureServer; // the fixture under /course/

before(async () => {
  [site, fixture] = await Promise.all([siteDir(), buildFixture()]);
  lessons = lessonPaths(site);
  assert.ok(lessons.length > 0, `no lesson pages in ${site}`);
  browser = await launchBrowser();
  server = await serveSite(site);
  fixtureServer = await serveSite(fixture);
});

after(async () => {
  await closeBrowser(browser);
  await server?.close();
  await fixtureServer?.close();
});

// ---------------------------------------------------------------------------
// Fixtures and helpers

/** The fixture course: its lessons' markdown by file name. */
function fixtureLessons() {
  const files = {
    '01_Accents.md': '# Café Crème\n\nThe opening of the accents lesson.\n\n## Ça Marche\n\nLe résumé du café naïf, with a Über-long word.\n',
    '02_Japanese.md': '# 認証の基本\n\n## トークンの検証\n\n認証サーバーがアクセストークンを発行します。\n',
    '03_Hostile.md': '# Hostile Text\n\n## Markup In Code\n\nThe snippet must show `<img src=x onerror=alert(1)>` as text, zebrafish.\n',
    '04_Introspection.md': '# Asking The Server\n\n## The Introspection Endpoint\n\nAn opaque token is checked at the introspection endpoint; its constructor has a valueOf.\n',
  };
  const words = 'service token request server client scope cache header answer lifetime signature key audience claim endpoint retry clock network'.split(' ');
  for (let i = 0; i < 300; i++) {
    const n = String(i + 10).padStart(3, '0');
    let body = `# Filler ${n}\n\nFiller lesson number ${n} about fillerword${n}.\n\n`;
    for (let s = 0; s < 3; s++) {
      body += `## Part ${s} Of ${n}\n\n`;
      for (let k = 0; k < 12; k++) body += `The ${words[(i + s + k) % words.length]} ${words[(i * 7 + k) % words.length]}s the ${words[(s + k * 3) % words.length]}. `;
      body += '\n\n';
    }
    files[`${n}_Filler.md`] = body;
  }
  return files;
}

async function buildFixture() {
  const tmp = makeTempDir('tokenbook-search-');
  const content = path.join(tmp, 'content');
  fs.mkdirSync(content);
  fs.writeFileSync(path.join(content, 'site.toml'), 'title = "Search Fixtures"\nbase_url = "https://example.org/search-fixtures/"\nlanguage = "en"\n');
  for (const [name, text] of Object.entries(fixtureLessons())) fs.writeFileSync(path.join(content, name), text);
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

/** How many sections a term's encoded postings list (each posting: two numbers). */
function documentCount(encoded) {
  const letters = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_';
  return [...encoded].filter((c) => letters.indexOf(c) < 32).length / 2;
}

/** Runs `fn(context, problems)` in a new browser context, always closed. */
function withContext(options, fn) {
  return withBrowserContext(browser, { viewport: DESKTOP, ...options }, fn);
}

/** Lets queued events (CSP reports, console messages) arrive. */
const settle = (page) => page.waitForTimeout(150);

/**
 * Focuses the search box with "/" (or, when it has the focus already,
 * empties it) and types `query`; resolves once the list shows the answer.
 */
async function search(page, query) {
  if ((await page.evaluate(() => document.activeElement?.id)) === 'search-input') {
    await page.fill('#search-input', '');
  } else {
    await page.keyboard.press('/');
  }
  await page.keyboard.type(query, { delay: 25 });
  await waitForAnswer(page, query);
}

async function waitForAnswer(page, query) {
  try {
    await page.waitForFunction(
      (q) => {
        const input = document.getElementById('search-input');
        const list = document.getElementById('search-results');
        const note = document.getElementById('search-note');
        return input.value === q && input.getAttribute('aria-expanded') === 'true' && (list.children.length > 0 || !note.hidden) && note.textContent !== 'Searching…';
      },
      query,
      { timeout: 10_000 },
    );
    // Answers to earlier prefixes may still be replaced by the last one.
    await page.waitForTimeout(250);
  } catch {
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
      selected: o.getAttribute('aria-selected'),
    })),
  );
}

function describeResults(list) {
  return list.map((r) => `${r.lesson ?? '(opening)'} › ${r.heading} — ${r.snippet.slice(0, 80)} [${r.marks.join(', ')}]`);
}

/** The path of a lesson page's `<title>` and its h2 headings with their ids. */
function lessonHeadings(root, rel) {
  const html = fs.readFileSync(path.join(root, rel), 'utf8');
  const title = /<h1 id="[^"]*">([\s\S]*?)<a class="anchor"/.exec(html)?.[1]?.replace(/<[^>]+>/g, '').trim();
  const headings = [...html.matchAll(/<h2 id="([^"]+)">([\s\S]*?)<a class="anchor"/g)].map((m) => ({
    id: m[1],
    text: m[2].replace(/<[^>]+>/g, '').replace(/&amp;/g, '&').replace(/&#39;/g, "'").replace(/&quot;/g, '"').trim(),
  }));
  return { title, headings };
}

/**
 * A word of one of the course's h2 headings that few sections contain, with
 * its lesson and heading: a search for it must list that section.
 */
function distinctiveHeadingWord() {
  const index = readIndex(site);
  const df = new Map();
  for (const [name, part] of Object.entries(index)) {
    if (!name.startsWith('t')) continue;
    part.terms.forEach((term, i) => df.set(term, documentCount(part.postings[i])));
  }
  let best = null;
  for (const rel of lessons) {
    const { title, headings } = lessonHeadings(site, rel);
    for (const heading of headings) {
      for (const word of heading.text.match(/[A-Za-z]{6,}/g) ?? []) {
        const count = df.get(word.toLowerCase());
        if (count && (!best || count < best.count)) best = { word, count, rel, title, heading };
      }
    }
  }
  assert.ok(best, `no h2 heading word of 6+ letters found in the index of ${site}`);
  return best;
}

/** The WCAG contrast ratio of two CSS colors. */
function contrast(a, b) {
  const [l1, l2] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (l1 + 0.05) / (l2 + 0.05);
}

// ---------------------------------------------------------------------------

describe('search results', () => {
  test('typing a heading word of a lesson lists that section with its lesson, heading and a snippet with the word marked', async () => {
    const target = distinctiveHeadingWord();
    await withContext({}, async (context, problems) => {
      const page = await context.newPage();
      await page.goto(server.url + lessons[lessons.length - 1]);
      await search(page, target.word.toLowerCase());
      const list = await results(page);
      const hit = list.find((r) => r.heading === target.heading.text);
      assert.ok(hit, `searching "${target.word}" (in ${target.count} section(s)) did not list "${target.heading.text}" of ${target.rel}:\n${describeResults(list).join('\n')}`);
      assert.equal(hit.lesson, target.title, `the result for "${target.heading.text}" names the lesson ${JSON.stringify(hit.lesson)}, expected ${JSON.stringify(target.title)}`);
      assert.ok(hit.snippet.length > 20, `the result for "${target.heading.text}" has no snippet: ${JSON.stringify(hit.snippet)}`);
      assert.ok(
        hit.marks.some((m) => m.toLowerCase().startsWith(target.word.toLowerCase())),
        `no <mark> holds "${target.word}" in the result: marks ${JSON.stringify(hit.marks)}`,
      );
      const status = await page.locator('#search-live').textContent();
      assert.match(status, /\d+ results?/, `the live region says ${JSON.stringify(status)}`);
      await settle(page);
      assert.deepEqual(problems, [], listing('problems while searching', problems));
    });
  });

  test('a prefix, a typo, accents and Japanese text all find their sections', async () => {
    await withContext({}, async (context, problems) => {
      const page = await context.newPage();
      await page.goto(fixtureServer.url + 'index.html');
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

  test('a typo in a short word is not corrected, and a word in no lesson says so', async () => {
    await withContext({}, async (context, problems) => {
      const page = await context.newPage();
      await page.goto(fixtureServer.url + 'index.html');
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

  test('text from the index is shown as text, never as HTML', async () => {
    await withContext({}, async (context, problems) => {
      const page = await context.newPage();
      let dialogs = 0;
      page.on('dialog', (d) => {
        dialogs++;
        d.dismiss();
      });
      await page.goto(fixtureServer.url + 'index.html');
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
    await withContext({}, async (context, problems) => {
      const page = await context.newPage();
      await page.goto(fixtureServer.url + '010-filler/index.html');
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
    await withContext({}, async (context, problems) => {
      const page = await context.newPage();
      await page.goto(server.url + 'index.html');
      await search(page, target.word.toLowerCase());
      const list = await results(page);
      const position = list.findIndex((r) => r.heading === target.heading.text);
      assert.ok(position >= 0, `"${target.word}" did not list "${target.heading.text}":\n${describeResults(list).join('\n')}`);
      for (let i = 0; i <= position; i++) await page.keyboard.press('ArrowDown');
      const expected = `${server.url}${target.rel}#${target.heading.id}`;
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
  test('a query downloads the manifest and a small fraction of the index', async () => {
    const dir = path.join(fixture, 'search');
    const files = fs.readdirSync(dir);
    const gz = (file) => zlib.gzipSync(fs.readFileSync(path.join(dir, file))).length;
    const total = files.reduce((sum, f) => sum + gz(f), 0);
    await withContext({}, async (context, problems) => {
      const page = await context.newPage();
      const start = fixtureServer.requests.length;
      await page.goto(fixtureServer.url + 'index.html');
      await settle(page);
      const before = fixtureServer.requests.length;
      const early = fixtureServer.requests.slice(start).map((r) => r.path).filter((p) => p.startsWith('/course/search/') || p.includes('search-engine'));
      assert.deepEqual(early, [], 'nothing but js/search.js is loaded before the box is used');
      await search(page, 'fillerword077');
      const list = await results(page);
      assert.equal(list[0]?.heading, 'Filler 077', `"fillerword077" should find its lesson first:\n${describeResults(list).join('\n')}`);
      const requested = [...new Set(fixtureServer.requests.slice(before).map((r) => r.path.split('?')[0]).filter((p) => p.startsWith('/course/search/')))].map((p) => p.slice('/course/search/'.length));
      assert.ok(requested.includes('manifest.js'), `the manifest was not loaded: ${requested.join(', ')}`);
      const bytes = requested.reduce((sum, f) => sum + gz(f), 0);
      assert.ok(
        requested.length <= files.length / 8 && bytes <= total / 8,
        `the query loaded ${requested.length} of ${files.length} index files, ${bytes} of ${total} gzipped bytes: ${requested.join(', ')}`,
      );
      await settle(page);
      assert.deepEqual(problems, [], listing('problems while searching', problems));
    });
  });

  test('from file:// the index loads as scripts and Enter opens the section', async () => {
    await withContext({}, async (context, problems) => {
      const page = await context.newPage();
      await page.goto(fileUrl(fixture, '010-filler/index.html'));
      await search(page, 'introspection');
      const list = await results(page);
      const position = list.findIndex((r) => r.heading === 'The Introspection Endpoint');
      assert.ok(position >= 0, `no result from file://:\n${describeResults(list).join('\n')}`);
      for (let i = 0; i <= position; i++) await page.keyboard.press('ArrowDown');
      const expected = fileUrl(fixture, '04-introspection/index.html') + '#the-introspection-endpoint';
      await Promise.all([page.waitForURL(expected, { timeout: 10_000 }), page.keyboard.press('Enter')]);
      await settle(page);
      assert.deepEqual(problems, [], listing('problems while searching from file://', problems));
    });
  });

  test('at 375 px the box and its results fit the screen', async () => {
    await withContext({ viewport: PHONE }, async (context, problems) => {
      const page = await context.newPage();
      await page.goto(server.url + lessons[0]);
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

  test('on the 404 page of a site published under a sub-path, results open under that path', async () => {
    const published = await siteWithBaseUrl('https://example.org/course/');
    const served = await serveSite(published);
    try {
      await withContext({}, async (context, problems) => {
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
    } finally {
      await served.close();
    }
  });

  test('without JavaScript the search box is not shown', async () => {
    await withContext({ javaScriptEnabled: false }, async (context) => {
      const page = await context.newPage();
      await page.goto(server.url + lessons[0]);
      assert.equal(await page.locator('#search').isHidden(), true, 'the search box is hidden without JavaScript');
      assert.equal(await page.locator('.site-title').isVisible(), true);
    });
  });
});

describe('search accessibility', () => {
  for (const theme of ['light', 'dark']) {
    test(`results, marks and notes have WCAG AA contrast in the ${theme} theme`, async () => {
      await withContext({ colorScheme: theme }, async (context, problems) => {
        const page = await context.newPage();
        await page.goto(server.url + lessons[0]);
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
      await withContext({ colorScheme, bypassCSP: true }, async (context) => {
        const page = await context.newPage();
        await page.goto(server.url + lessons[0]);
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
