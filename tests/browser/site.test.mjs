// Browser tests of a site built by `cargo xtask build`.
//
//   cd tests/browser && npm test                      # builds a site first
//   TOKENBOOK_SITE=/abs/path/public npm test          # tests that site
//
// Each test opens its own browser context, so none depends on another; the
// browser and the HTTP server of the site under test are shared fixtures.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';

import {
  BASE_PATH,
  fileUrl,
  lessonPaths,
  listing,
  luminance,
  PHONE,
  SCREENSHOTS,
  settle,
  short,
  siteWithBaseUrl,
  useSite,
  withContext,
} from './site.mjs';
import { measureDiagrams } from './measure.mjs';

let lessons; // the lesson pages of the site under test, relative paths
/** The site under test: `dir`, and `server` publishing it under /course/. */
const course = useSite({
  setup: ({ dir }) => {
    lessons = lessonPaths(dir);
    assert.ok(lessons.length > 0, `no lesson pages (DIR/index.html with <article class="lesson">) in ${dir}`);
  },
});

// ---------------------------------------------------------------------------

describe('opened from the file system (file://)', () => {
  test('clicking the first lesson on index.html opens it with its stylesheet and scripts working, without errors or CSP violations', async () => {
    await withContext(course, {}, async (context, problems) => {
      const page = await context.newPage();
      const indexUrl = fileUrl(course.dir, 'index.html');
      await page.goto(indexUrl, { waitUntil: 'load' });

      const link = page.locator('main a.lesson-link').first();
      assert.ok((await link.count()) > 0, `${indexUrl}: no lesson link (main a.lesson-link) to click`);
      const linkText = (await link.textContent()).trim();
      const href = await link.evaluate((a) => a.href);
      const expected = fileUrl(course.dir, lessons[0]);
      assert.equal(href, expected, `${indexUrl}: the first lesson link "${linkText}" points to ${href}, expected the first lesson ${expected}`);

      await Promise.all([page.waitForURL(href, { waitUntil: 'load', timeout: 10_000 }), link.click()]);
      const lessonUrl = page.url();

      const title = await page.title();
      assert.ok(title.includes(linkText), `${lessonUrl}: <title> "${title}" does not contain the link text "${linkText}"`);

      // The stylesheet is applied: only css/site.css makes these true.
      const styles = await page.evaluate(() => {
        const mono = document.querySelector('pre.diagram') ?? document.querySelector('pre, code');
        const header = document.querySelector('.site-header');
        return {
          monoSelector: mono ? (mono.matches('pre.diagram') ? 'pre.diagram' : mono.localName) : null,
          monoFont: mono ? getComputedStyle(mono).fontFamily : null,
          headerDisplay: header ? getComputedStyle(header).display : null,
          bodyMargin: getComputedStyle(document.body).margin,
          sheets: [...document.styleSheets].map((s) => s.href),
        };
      });
      assert.ok(styles.monoSelector, `${lessonUrl}: no pre or code element to check the stylesheet on`);
      assert.match(
        styles.monoFont,
        /DejaVu Sans Mono/,
        `${lessonUrl}: computed font-family of ${styles.monoSelector} is ${styles.monoFont}, so css/site.css was not applied (stylesheets: ${styles.sheets.join(', ') || 'none'})`,
      );
      assert.equal(styles.headerDisplay, 'flex', `${lessonUrl}: computed display of .site-header is ${styles.headerDisplay}, expected flex from css/site.css`);
      assert.equal(styles.bodyMargin, '0px', `${lessonUrl}: computed margin of body is ${styles.bodyMargin}, expected 0px from css/site.css`);

      // js/site.js unhides the theme button; it only runs if the CSP lets it.
      const toggle = page.locator('#theme-toggle');
      assert.equal(await toggle.count(), 1, `${lessonUrl}: expected one #theme-toggle, found ${await toggle.count()}`);
      try {
        await toggle.waitFor({ state: 'visible', timeout: 5_000 });
      } catch {
        const hidden = await toggle.evaluate((b) => b.hidden);
        assert.fail(`${lessonUrl}: #theme-toggle is still not visible (hidden=${hidden}) 5 s after load: js/site.js did not run`);
      }

      await settle(page);
      assert.deepEqual(problems, [], listing(`problems while opening ${indexUrl} and clicking through to ${lessonUrl}`, problems));
    });
  });
});

// ---------------------------------------------------------------------------
// Crawling over HTTP

/** Status, content type and redirect target of a URL, fetched by Node. */
async function fetchStatus(url) {
  try {
    const res = await fetch(url, { redirect: 'manual' });
    const body = await res.text();
    return { status: res.status, type: res.headers.get('content-type') ?? '', location: res.headers.get('location'), body };
  } catch (error) {
    return { status: 0, type: '', location: null, body: '', error: error.message };
  }
}

/**
 * Visits every same-origin page reachable through `<a href>` from the
 * start URLs, checks every same-origin `<a href>`, `<link href>`,
 * `<script src>` and `<img src>` answers 200 (start URLs answer their given
 * status) and that every `#fragment` names an element on its target page.
 * `site` is the useSite() fixture the URLs belong to (for messages).
 * Returns `{ broken, pages, external }`.
 */
async function crawl(site, context, starts, problems) {
  const origin = new URL(starts[0].url).origin;
  const page = await context.newPage();
  const expectedStatus = new Map(starts.map((s) => [s.url, s.status ?? 200]));
  const targets = new Map(); // URL without fragment -> { status, type, location, ids, refs: [] }
  const queue = [];
  const fragments = []; // { from, raw, target, fragment }
  const external = new Set();

  const target = (url) => {
    if (!targets.has(url)) targets.set(url, { refs: [], checked: false });
    return targets.get(url);
  };
  for (const s of starts) {
    target(s.url).refs.push('(start)');
    queue.push(s.url);
  }

  const check = async (url, entry) => {
    if (entry.checked) return;
    entry.checked = true;
    Object.assign(entry, await fetchStatus(url));
  };

  while (queue.length) {
    const url = queue.shift();
    const entry = target(url);
    if (entry.visited) continue;
    entry.visited = true;
    await check(url, entry);
    if (!entry.type.startsWith('text/html') || entry.status !== (expectedStatus.get(url) ?? 200)) continue;
    const response = await page.goto(url, { waitUntil: 'load' });
    if (response.status() !== entry.status) {
      entry.browserStatus = response.status();
    }
    const found = await page.evaluate(() => ({
      ids: [
        ...[...document.querySelectorAll('[id]')].map((e) => e.id),
        ...[...document.querySelectorAll('a[name]')].map((a) => a.name),
      ],
      refs: [
        ...[...document.querySelectorAll('a[href]')].map((e) => ({ kind: 'a', raw: e.getAttribute('href'), abs: e.href })),
        ...[...document.querySelectorAll('link[href]')].map((e) => ({
          kind: `link rel=${e.getAttribute('rel')}`,
          raw: e.getAttribute('href'),
          abs: e.href,
        })),
        ...[...document.querySelectorAll('script[src]')].map((e) => ({ kind: 'script', raw: e.getAttribute('src'), abs: e.src })),
        ...[...document.querySelectorAll('img[src]')].map((e) => ({ kind: 'img', raw: e.getAttribute('src'), abs: e.src })),
      ],
    }));
    entry.ids = new Set(found.ids);
    for (const ref of found.refs) {
      let u;
      try {
        u = new URL(ref.abs);
      } catch {
        target(ref.abs).refs.push(`${short(url, site)} <${ref.kind} "${ref.raw}"> (not a URL)`);
        continue;
      }
      if (u.origin !== origin) {
        if (u.protocol === 'http:' || u.protocol === 'https:') external.add(u.href);
        continue;
      }
      const hash = u.hash;
      u.hash = '';
      const to = u.href;
      target(to).refs.push(`${short(url, site)} <${ref.kind} "${ref.raw}">`);
      if (ref.kind === 'a') queue.push(to);
      if (hash.length > 1) {
        let fragment;
        try {
          fragment = decodeURIComponent(hash.slice(1));
        } catch {
          fragment = hash.slice(1);
        }
        // `#sample=…&step=…` is the playground's state, not an anchor.
        if (!fragment.includes('=')) fragments.push({ from: url, raw: ref.raw, kind: ref.kind, target: to, fragment });
      }
    }
  }

  const broken = [];
  for (const [url, entry] of targets) {
    await check(url, entry);
    const want = expectedStatus.get(url) ?? 200;
    if (entry.status !== want) {
      const why = entry.error ? `request failed: ${entry.error}` : `HTTP ${entry.status}${entry.location ? ` → ${entry.location}` : ''}`;
      const from = entry.refs.slice(0, 5).join('; ') + (entry.refs.length > 5 ? `; and ${entry.refs.length - 5} more` : '');
      broken.push(`${short(url, site)}: ${why}, expected ${want}; referenced from ${from}`);
    }
    if (entry.browserStatus !== undefined) {
      broken.push(`${short(url, site)}: the browser got HTTP ${entry.browserStatus} where Node got ${entry.status}`);
    }
  }
  for (const f of fragments) {
    const entry = targets.get(f.target);
    if (!entry.ids) {
      if (entry.status === 200) broken.push(`${short(f.from, site)} <${f.kind} "${f.raw}">: #${f.fragment} points into ${short(f.target, site)}, which is not an HTML page (${entry.type})`);
      continue; // a broken target is already reported
    }
    if (!entry.ids.has(f.fragment)) {
      broken.push(`${short(f.from, site)} <${f.kind} "${f.raw}">: no element with id="${f.fragment}" on ${short(f.target, site)}`);
    }
  }
  await settle(page);
  broken.push(...problems);
  return { broken, targets, external };
}

/** Whether a watched problem is just the 404 of `url` itself, which is meant. */
function isExpected404(problem, url) {
  return (
    // The response can arrive while the page's URL is still the previous one.
    /^HTTP 404 on \S+: /.test(problem) && problem.endsWith(`: ${url}`) ||
    (problem.startsWith(`console error on ${url}: Failed to load resource: the server responded with a status of 404`) && problem.includes(`(at ${url}:`))
  );
}

describe(`served over HTTP under ${BASE_PATH}`, () => {
  test(`every page reachable from ${BASE_PATH}index.html and every link, stylesheet, script, image and #fragment on them resolves`, async (t) => {
    await withContext(course, {}, async (context, problems) => {
      const start = `${course.server.url}index.html`;
      const { broken, targets, external } = await crawl(course, context, [{ url: start }], problems);
      const pages = [...targets.entries()].filter(([, e]) => e.ids).map(([u]) => u);
      t.diagnostic(`crawled ${pages.length} pages, checked ${targets.size} same-origin URLs, skipped ${external.size} external links`);

      const unreached = lessons.filter((rel) => !targets.has(course.server.url + rel));
      for (const rel of unreached) broken.push(`${BASE_PATH}${rel}: a lesson page of the site that no link reachable from ${BASE_PATH}index.html leads to`);

      assert.deepEqual(
        broken,
        [],
        listing(`broken references found crawling ${pages.length} pages from ${short(start, course)} (${targets.size} same-origin URLs checked, ${external.size} external links not followed)`, broken),
      );
      assert.ok(pages.length >= lessons.length + 1, `only ${pages.length} HTML pages were reached from ${short(start, course)}; the site has ${lessons.length} lessons`);
    });
  });

  describe('with the site built for base_url https://example.org/course/', () => {
    const published = useSite({ build: () => siteWithBaseUrl('https://example.org/course/'), browser: false, serve: { base: '/course/' } });

    test("a missing path answers 404 with the site's 404.html", async () => {
      const expected = fs.readFileSync(path.join(published.dir, '404.html'), 'utf8');
      const failures = [];
      for (const missing of ['no-such-lesson/index.html', 'no-such-page.html', '01-no-such-lesson/', 'css/missing.css']) {
        const url = published.server.url + missing;
        const res = await fetchStatus(url);
        if (res.status !== 404) failures.push(`${short(url, published)}: HTTP ${res.status}, expected 404`);
        else if (!res.type.startsWith('text/html')) failures.push(`${short(url, published)}: Content-Type ${res.type}, expected text/html`);
        else if (res.body !== expected) failures.push(`${short(url, published)}: the body (${res.body.length} chars) is not ${published.dir}/404.html (${expected.length} chars)`);
      }
      assert.deepEqual(failures, [], listing('missing paths not answered with the 404 page', failures));
      assert.match(expected, /<title>[^<]*not found/i, `${published.dir}/404.html has no <title> saying "not found"`);
    });

    test('the 404 page served at a deep missing path (/course/a/b/c/) has its stylesheet, scripts and working links', async () => {
      await withContext(course, {}, async (context, problems) => {
        const page = await context.newPage();
        const deep = `${published.server.url}a/b/c/`;
        const response = await page.goto(deep, { waitUntil: 'load' });
        assert.equal(response.status(), 404, `${short(deep, published)}: HTTP ${response.status()}, expected 404`);

        const state = await page.evaluate(() => {
          const sheets = [...document.styleSheets].map((s) => {
            let rules = -1;
            try {
              rules = s.cssRules.length;
            } catch {
              // not readable
            }
            return { href: s.href, rules };
          });
          const header = document.querySelector('.site-header');
          return {
            title: document.title,
            sheets,
            links: [...document.querySelectorAll('link[rel~="stylesheet"]')].map((l) => l.getAttribute('href')),
            headerDisplay: header ? getComputedStyle(header).display : null,
            bodyMargin: getComputedStyle(document.body).margin,
          };
        });
        assert.match(state.title, /not found/i, `${short(deep, published)}: the title is "${state.title}", expected the 404 page`);
        const loaded = state.sheets.filter((s) => s.rules > 0);
        assert.ok(
          loaded.length > 0 && state.headerDisplay === 'flex' && state.bodyMargin === '0px',
          `${short(deep, published)}: the stylesheet is not applied: <link rel=stylesheet href=${JSON.stringify(state.links)}>, ` +
            `style sheets ${JSON.stringify(state.sheets)}, .site-header display ${state.headerDisplay}, body margin ${state.bodyMargin}`,
        );
        try {
          await page.locator('#theme-toggle').waitFor({ state: 'visible', timeout: 5_000 });
        } catch {
          assert.fail(`${short(deep, published)}: #theme-toggle is still hidden 5 s after load: js/site.js did not run on the 404 page`);
        }
        await settle(page);
        const others = problems.filter((p) => !isExpected404(p, deep));
        assert.deepEqual(others, [], listing(`problems on ${short(deep, published)}`, others));
      });

      await withContext(course, {}, async (context, problems) => {
        const deep = `${published.server.url}a/b/c/`;
        const { broken, targets } = await crawl(published, context, [{ url: deep, status: 404 }], []);
        const relevant = broken.concat(problems.filter((p) => !isExpected404(p, deep)));
        assert.deepEqual(relevant, [], listing(`broken references reached from the 404 page at ${short(deep, published)} (${targets.size} URLs checked)`, relevant));
      });
    });
  });
});

// ---------------------------------------------------------------------------
// Theme

/** Snapshots of the theme while a page loads; installed with addInitScript. */
function recordThemeWhileLoading() {
  const record = (window.__tokenbookThemeRecord = {});
  const snap = (when) => {
    if (record[when]) return;
    const root = document.documentElement;
    const toggle = document.getElementById('theme-toggle');
    record[when] = {
      theme: root ? (root.dataset.theme ?? null) : null,
      // The page's background, var(--bg) resolved for the colour scheme in force.
      bg: root ? getComputedStyle(root).backgroundColor : null,
      toggleHidden: toggle ? toggle.hidden : null,
      readyState: document.readyState,
    };
  };
  // When <body> appears: nothing can have been painted yet.
  const observer = new MutationObserver(() => {
    if (document.body) {
      snap('body');
      observer.disconnect();
    }
  });
  observer.observe(document, { childList: true, subtree: true });
  // "interactive" is set after parsing and before deferred scripts run.
  document.addEventListener('readystatechange', () => {
    if (document.readyState === 'interactive') snap('interactive');
  });
  // The first animation frame runs just before the first paint.
  requestAnimationFrame(() => snap('firstFrame'));
  document.addEventListener('DOMContentLoaded', () => snap('DOMContentLoaded'));
}

async function pageColors(page) {
  return page.evaluate(() => ({
    bg: getComputedStyle(document.documentElement).backgroundColor,
    body: getComputedStyle(document.body).backgroundColor,
    theme: document.documentElement.dataset.theme ?? null,
    storage: Object.fromEntries(Object.keys(localStorage).map((k) => [k, localStorage.getItem(k)])),
    label: document.getElementById('theme-toggle')?.textContent ?? null,
  }));
}

function isDark(cssColor) {
  return luminance(cssColor) < 0.2;
}

async function themeRoundTrip(scheme) {
  const other = scheme === 'dark' ? 'light' : 'dark';
  const url = course.server.url + lessons[0];

  // What each theme looks like with nothing stored.
  const reference = {};
  for (const s of ['light', 'dark']) {
    reference[s] = await withContext(course, { colorScheme: s }, async (context) => {
      const page = await context.newPage();
      await page.goto(url, { waitUntil: 'load' });
      return pageColors(page);
    });
  }
  assert.notEqual(reference.light.bg, reference.dark.bg, `${short(url, course)}: the page background (var(--bg)) is ${reference.light.bg} in both the light and the dark color scheme`);
  assert.ok(!isDark(reference.light.body), `${short(url, course)}: with colorScheme light and nothing stored, body background-color is ${reference.light.body} (luminance ${luminance(reference.light.body).toFixed(3)}), expected light`);

  await withContext(course, { colorScheme: scheme }, async (context, problems) => {
    const page = await context.newPage();
    await page.goto(url, { waitUntil: 'load' });
    const initial = await pageColors(page);
    assert.deepEqual(initial.storage, {}, `${short(url, course)}: a fresh context has something stored: ${JSON.stringify(initial.storage)}`);
    assert.equal(
      isDark(initial.body),
      scheme === 'dark',
      `${short(url, course)}: with colorScheme ${scheme} and nothing stored, body background-color is ${initial.body} (luminance ${luminance(initial.body).toFixed(3)}), expected ${scheme}`,
    );

    const toggle = page.locator('#theme-toggle');
    try {
      await toggle.waitFor({ state: 'visible', timeout: 5_000 });
    } catch {
      assert.fail(`${short(url, course)}: #theme-toggle never became visible`);
    }
    await toggle.click();
    const switched = await pageColors(page);
    assert.equal(
      isDark(switched.body),
      other === 'dark',
      `${short(url, course)}: after clicking #theme-toggle ("${initial.label}") in colorScheme ${scheme}, body background-color is ${switched.body}, expected ${other}`,
    );
    assert.equal(switched.theme, other, `${short(url, course)}: after the click <html data-theme> is ${switched.theme}, expected ${other}`);
    assert.ok(
      Object.values(switched.storage).includes(other),
      `${short(url, course)}: after the click the choice "${other}" was not stored; localStorage is ${JSON.stringify(switched.storage)}`,
    );

    await page.addInitScript(recordThemeWhileLoading);
    await page.reload({ waitUntil: 'load' });
    const record = await page.evaluate(() => window.__tokenbookThemeRecord);
    const want = reference[other].bg;
    const failures = [];
    const moments = {
      body: 'when <body> was inserted (before deferred scripts)',
      interactive: 'at readyState "interactive" (before deferred scripts)',
      firstFrame: 'at the first animation frame (before the first paint)',
      DOMContentLoaded: 'at DOMContentLoaded',
    };
    for (const [when, moment] of Object.entries(moments)) {
      const r = record?.[when];
      if (!r) {
        failures.push(`${moment}: no snapshot was taken`);
        continue;
      }
      if (r.theme !== other) {
        failures.push(`${moment}: <html data-theme> is ${JSON.stringify(r.theme)}, expected "${other}" (set by the blocking js/theme.js in <head>)`);
      }
      if (r.bg !== want) failures.push(`${moment}: the page background (var(--bg)) is ${JSON.stringify(r.bg)}, expected the ${other} theme's ${JSON.stringify(want)}`);
    }
    assert.deepEqual(failures, [], listing(`${short(url, course)} after reload with "${other}" stored, in colorScheme ${scheme}: the ${other} theme is not applied from the first paint`, failures));
    const reloaded = await pageColors(page);
    assert.equal(isDark(reloaded.body), other === 'dark', `${short(url, course)}: after reload, body background-color is ${reloaded.body}, expected ${other}`);

    await settle(page);
    assert.deepEqual(problems, [], listing(`problems on ${short(url, course)}`, problems));
  });
}

describe('theme switch', () => {
  test('dark system preference: starts dark, the button switches to light and stores it, a reload is light from the first paint', () =>
    themeRoundTrip('dark'));
  test('light system preference: starts light, the button switches to dark and stores it, a reload is dark from the first paint', () =>
    themeRoundTrip('light'));
});

// ---------------------------------------------------------------------------
// Beginner Check

async function beginnerChecks(javaScriptEnabled) {
  await withContext(course, { javaScriptEnabled }, async (context, problems) => {
    const page = await context.newPage();
    const failures = [];
    let answersSeen = 0;
    for (const rel of lessons) {
      const url = course.server.url + rel;
      await page.goto(url, { waitUntil: 'load' });
      const info = await page.evaluate(() => {
        const heading = [...document.querySelectorAll('h2, h3, h4')].find((h) => /beginner check/i.test(h.textContent));
        if (!heading) return null;
        // A heading sits in a div.heading beside its # link; the section is what follows that.
        const block = heading.parentElement.matches('.heading') ? heading.parentElement : heading;
        const isHeading = (n) => /^H[1-6]$/.test(n.tagName) || n.matches('.heading');
        const section = [];
        for (let n = block.nextElementSibling; n && !isHeading(n); n = n.nextElementSibling) section.push(n);
        const label = section.find((n) => n.matches('p') && /^\s*answers?:?\s*$/i.test(n.textContent));
        // Mark this section's folded answers for the locator below.
        for (const n of section) for (const d of n.querySelectorAll('details')) if (d.querySelector('.answer')) d.dataset.testCheck = '';
        return {
          heading: heading.id,
          details: section.reduce((k, n) => k + n.querySelectorAll('details').length, 0),
          answers: section.reduce((k, n) => k + n.querySelectorAll('details .answer').length, 0),
          label: label ? label.outerHTML : null,
          lists: section.filter((n) => n.matches('ol, ul')).map((n) => `<${n.localName}${n.className ? ` class="${n.className}"` : ''}> of ${n.children.length} items`),
        };
      });
      if (!info) continue; // this lesson has no Beginner Check
      const where = `${short(url, course)} #${info.heading}`;
      if (info.answers === 0) {
        failures.push(
          `${where}: no answer folded in a <details> (details .answer: 0, details: ${info.details}); the section has ${info.lists.join(', ') || 'no lists'}` +
            (info.label ? ` and a visible ${info.label}, so the answers are shown under the questions` : ''),
        );
        continue;
      }
      const details = page.locator('details[data-test-check]');
      const count = await details.count();
      for (let i = 0; i < count; i++) {
        const d = details.nth(i);
        const answer = d.locator('.answer').first();
        const n = `details #${i + 1} of ${count}`;
        if (await d.evaluate((e) => e.open)) failures.push(`${where}: ${n} is open before any click`);
        if (await answer.isVisible()) failures.push(`${where}: ${n}: .answer is visible before its summary is clicked`);
        await d.locator('summary').first().click();
        if (!(await d.evaluate((e) => e.open))) failures.push(`${where}: ${n} did not open when its summary was clicked`);
        if (!(await answer.isVisible())) failures.push(`${where}: ${n}: .answer is still not visible after clicking its summary`);
        answersSeen++;
      }
    }
    assert.deepEqual(failures, [], listing(`Beginner Check problems with JavaScript ${javaScriptEnabled ? 'enabled' : 'disabled'}`, failures));
    assert.ok(answersSeen > 0, `no Beginner Check answers found on any of the ${lessons.length} lesson pages`);
    assert.deepEqual(problems, [], listing('problems while loading the lessons', problems));
  });
}

describe('Beginner Check', () => {
  test('answers are hidden in closed <details> and shown by clicking the summary, on every lesson (JavaScript enabled)', () => beginnerChecks(true));
  test('answers are hidden in closed <details> and shown by clicking the summary, on every lesson (JavaScript disabled)', () => beginnerChecks(false));
});

// ---------------------------------------------------------------------------
// Diagrams

/** Where two strings first differ, for a message. */
function firstDifference(a, b) {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  const line = a.slice(0, i).split('\n').length;
  const spaces = (s) => (s.match(/ /g) ?? []).length;
  return (
    `first difference at character ${i} (line ${line}): textContent has ${JSON.stringify(a.slice(i, i + 20))}, the selection ${JSON.stringify(b.slice(i, i + 20))}; ` +
    `lengths ${a.length} vs ${b.length}, spaces ${spaces(a)} vs ${spaces(b)}, newlines ${a.split('\n').length - 1} vs ${b.split('\n').length - 1}`
  );
}

describe('diagrams', () => {
  test('in every pre.diagram the right edges of box characters in the same column line up within 0.5 px, and selecting the diagram copies exactly its text', async (t) => {
    await withContext(course, {}, async (context, problems) => {
      const page = await context.newPage();
      const failures = [];
      let diagrams = 0;
      let measured = 0;
      for (const rel of lessons) {
        const url = course.server.url + rel;
        await page.goto(url, { waitUntil: 'load' });
        await page.evaluate(() => document.fonts.ready);
        for (const d of await page.evaluate(measureDiagrams)) {
          diagrams++;
          const where = `${short(url, course)} pre.diagram #${d.index} ("${d.label.slice(0, 60)}${d.label.length > 60 ? '…' : ''}")`;
          const groups = new Map();
          for (const e of d.edges) {
            if (!groups.has(e.col)) groups.set(e.col, []);
            groups.get(e.col).push(e);
          }
          for (const [col, edges] of [...groups].sort((a, b) => a[0] - b[0])) {
            measured += edges.length;
            const xs = edges.map((e) => e.right);
            const min = Math.min(...xs);
            const max = Math.max(...xs);
            if (max - min > 0.5) {
              // Name the lines away from the most common position.
              const counts = new Map();
              for (const x of xs) counts.set(x.toFixed(1), (counts.get(x.toFixed(1)) ?? 0) + 1);
              const common = Number([...counts].sort((a, b) => b[1] - a[1])[0][0]);
              const off = edges
                .filter((e) => Math.abs(e.right - common) > 0.5)
                .map((e) => `line ${e.line} at ${e.right.toFixed(2)} px (${(e.right - common).toFixed(2)}): ${JSON.stringify(e.text.trimEnd())}`);
              failures.push(
                `${where}: column ${col}: right edges of ${edges.length} lines range ${min.toFixed(2)}..${max.toFixed(2)} px (spread ${(max - min).toFixed(2)} px, most at ${common.toFixed(2)} px); off: ${off.join('; ')}`,
              );
            }
          }
          if (d.selected !== d.text) failures.push(`${where}: selecting the whole diagram does not give its text: ${firstDifference(d.text, d.selected)}`);
        }
      }
      t.diagnostic(`${diagrams} diagrams on ${lessons.length} lessons, ${measured} line ends measured`);
      assert.deepEqual(failures, [], listing(`diagram problems in ${diagrams} diagrams on ${lessons.length} lessons`, failures));
      assert.ok(measured > 0, `no line ending in a box character (│┐┘┤║╗╝) was found in ${diagrams} pre.diagram on ${lessons.length} lessons`);
      assert.deepEqual(problems, [], listing('problems while loading the lessons', problems));
    });
  });
});

// ---------------------------------------------------------------------------
// Screenshots and narrow screens

/** The width and height of a PNG file, from its IHDR chunk. */
function pngSize(file) {
  const b = fs.readFileSync(file);
  assert.equal(b.toString('latin1', 1, 4), 'PNG', `${file} is not a PNG`);
  return { width: b.readUInt32BE(16), height: b.readUInt32BE(20) };
}

/** In the page: the outermost elements that stick out to the right of the viewport. */
function overflowingElements() {
  const width = document.documentElement.clientWidth;
  const scrolls = (e) => ['auto', 'scroll', 'hidden', 'clip'].includes(getComputedStyle(e).overflowX);
  const describe = (e) => {
    let s = e.localName;
    if (e.id) s += `#${e.id}`;
    if (e.classList.length) s += `.${[...e.classList].join('.')}`;
    const parent = e.parentElement;
    return parent && parent !== document.body && parent !== document.documentElement ? `${describe(parent)} > ${s}` : s;
  };
  const out = [];
  const visit = (e) => {
    if (!e.checkVisibility()) return; // e.g. inside a closed <details>
    const r = e.getBoundingClientRect();
    if (r.right > width + 0.5 && r.width > 0) {
      const text = e.textContent.trim().replace(/\s+/g, ' ');
      out.push(
        `${describe(e)} "${text.length > 70 ? `${text.slice(0, 70)}…` : text}" (left ${r.left.toFixed(0)}, right ${r.right.toFixed(0)}, width ${r.width.toFixed(0)} px)`,
      );
      return;
    }
    if (scrolls(e)) return; // its content scrolls inside it
    for (const child of e.children) visit(child);
  };
  for (const child of document.body.children) visit(child);
  return out;
}

describe('screenshots and narrow screens', () => {
  test('lesson 02: full-page screenshots at 1280 px (light, dark) and 375 px into target/screenshots/, with no sideways scrolling at 375 px', async () => {
    const lesson = lessons.find((rel) => rel.startsWith('02-'));
    assert.ok(lesson, `no lesson directory starting with 02- in ${course.dir} (lessons: ${lessons.join(', ')})`);
    const url = course.server.url + lesson;
    fs.mkdirSync(SCREENSHOTS, { recursive: true });

    const shots = [
      { file: 'lesson-02-light-1280.png', width: 1280, colorScheme: 'light' },
      { file: 'lesson-02-dark-1280.png', width: 1280, colorScheme: 'dark' },
      { file: 'lesson-02-light-375.png', width: PHONE.width, colorScheme: 'light' },
    ];
    for (const shot of shots) {
      const file = path.join(SCREENSHOTS, shot.file);
      fs.rmSync(file, { force: true });
      await withContext(course, { viewport: { width: shot.width, height: 900 }, colorScheme: shot.colorScheme }, async (context, problems) => {
        const page = await context.newPage();
        await page.goto(url, { waitUntil: 'load' });
        await page.evaluate(() => document.fonts.ready);
        const layout = await page.evaluate(() => ({
          scrollWidth: document.documentElement.scrollWidth,
          body: getComputedStyle(document.body).backgroundColor,
        }));
        const overflow = layout.scrollWidth > shot.width ? await page.evaluate(overflowingElements) : [];
        await page.screenshot({ path: file, fullPage: true });

        const size = pngSize(file);
        assert.equal(isDark(layout.body), shot.colorScheme === 'dark', `${short(url, course)} at ${shot.width} px in ${shot.colorScheme}: body background-color is ${layout.body}`);
        assert.ok(
          layout.scrollWidth <= shot.width,
          `${short(url, course)} at ${shot.width} px: document.documentElement.scrollWidth is ${layout.scrollWidth} px, so the page scrolls sideways (screenshot ${size.width} px wide: ${file}); ` +
            listing('elements sticking out', overflow),
        );
        assert.equal(size.width, shot.width, `${file} is ${size.width} px wide, expected ${shot.width}`);
        await settle(page);
        assert.deepEqual(problems, [], listing(`problems on ${short(url, course)}`, problems));
      });
    }
  });

  test(`no page scrolls sideways at ${PHONE.width} px (index, every lesson, 404)`, async () => {
    await withContext(course, { viewport: { width: PHONE.width, height: 800 } }, async (context) => {
      const page = await context.newPage();
      const failures = [];
      for (const rel of ['index.html', ...lessons, '404.html']) {
        const url = course.server.url + rel;
        await page.goto(url, { waitUntil: 'load' });
        const scrollWidth = await page.evaluate(() => document.documentElement.scrollWidth);
        if (scrollWidth > PHONE.width) {
          failures.push(`${short(url, course)}: scrollWidth ${scrollWidth} px; ${(await page.evaluate(overflowingElements)).join('; ') || 'no single element found'}`);
        }
      }
      assert.deepEqual(failures, [], listing(`pages wider than ${PHONE.width} px`, failures));
    });
  });
});
