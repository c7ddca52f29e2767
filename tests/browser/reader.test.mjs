// What readers do besides reading: open the course navigation on a phone,
// move between lessons with ← and →, copy a link to a section, print (one
// lesson, or the whole course as a PDF) and share a link (previews).
//
//   cd tests/browser && node --test reader.test.mjs

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';

import { DESKTOP, lessonPaths, PHONE, SCREENSHOTS, useSite, withBrowserContext } from './site.mjs';

let lessons;
const course = useSite({
  setup: ({ dir }) => {
    lessons = lessonPaths(dir);
    assert.ok(lessons.length >= 3, `${dir} has ${lessons.length} lesson pages, the tests need 3`);
  },
});

const pathOf = (page) => new URL(page.url()).pathname.replace(course.server.base, '');

describe('course navigation on a phone (375 px)', () => {
  test('hides behind a header button that opens it, focuses the current lesson, and closes with Escape; the page never scrolls sideways', async () => {
    await withBrowserContext(course.browser, { viewport: PHONE }, async (context, problems) => {
      const page = await context.newPage();
      await page.goto(course.server.url + lessons[1], { waitUntil: 'load' });
      const toggle = page.locator('#nav-toggle');
      const nav = page.locator('#course-nav');
      assert.ok(await toggle.isVisible(), 'the Contents button is not visible at 375 px');
      assert.equal(await nav.isVisible(), false, 'the course navigation is visible before the button is pressed');
      assert.equal(await page.locator('.nav-jump').isVisible(), false, 'the no-script "Contents" jump link shows next to the button');
      assert.equal(await toggle.getAttribute('aria-expanded'), 'false');

      // Reading, the header scrolls away with the page (it is tall on a phone).
      await page.evaluate(() => window.scrollTo(0, 600));
      const scrolledHeader = await page.locator('.site-header').boundingBox();
      assert.ok(scrolledHeader.y + scrolledHeader.height <= 0, `the header stays on screen while reading (top ${scrolledHeader.y})`);
      // Its button is reached again by scrolling up; open the panel from there.
      await toggle.click();
      assert.ok(await nav.isVisible(), 'the navigation did not open');
      assert.equal(await toggle.getAttribute('aria-expanded'), 'true');
      const box = await nav.boundingBox();
      const header = await page.locator('.site-header').boundingBox();
      assert.ok(header.y >= -1 && header.y < 2, `the header scrolled away (top ${header.y}) with the navigation open`);
      assert.ok(Math.abs(box.y - (header.y + header.height)) <= 2, `the panel starts at ${box.y}, not under the header (bottom ${header.y + header.height})`);
      assert.ok(box.width >= PHONE.width - 1, `the panel is ${box.width} px wide at ${PHONE.width} px`);
      assert.ok(Math.abs(box.y + box.height - PHONE.height) <= 1, `the panel ends at ${box.y + box.height} px, not at the bottom of the ${PHONE.height} px screen: the lesson shows through below it`);
      const focused = await page.evaluate(() => document.activeElement?.getAttribute('aria-current'));
      assert.equal(focused, 'page', 'opening the navigation did not move focus to the current lesson');
      const scrollWidth = await page.evaluate(() => document.documentElement.scrollWidth);
      assert.ok(scrollWidth <= PHONE.width, `the page scrolls sideways (${scrollWidth} px) with the navigation open`);
      fs.mkdirSync(SCREENSHOTS, { recursive: true });
      await page.screenshot({ path: path.join(SCREENSHOTS, 'navigation-open-375.png') });

      await page.keyboard.press('Escape');
      assert.equal(await nav.isVisible(), false, 'Escape did not close the navigation');
      assert.equal(await page.evaluate(() => document.activeElement?.id), 'nav-toggle', 'after Escape, focus is not back on the button');

      // A lesson link in the panel opens that lesson.
      await toggle.click();
      const target = nav.locator(`a[href$="${lessons[2].split('/')[0]}/index.html"]`).first();
      await Promise.all([page.waitForURL(`**/${lessons[2]}`), target.click()]);
      assert.equal(pathOf(page), lessons[2]);
      assert.deepEqual(problems, []);
    });
  });

  test('without JavaScript the navigation is listed below the lesson and the header links to it', async () => {
    await withBrowserContext(course.browser, { viewport: PHONE, javaScriptEnabled: false }, async (context) => {
      const page = await context.newPage();
      await page.goto(course.server.url + lessons[1], { waitUntil: 'load' });
      assert.equal(await page.locator('#nav-toggle').isVisible(), false, 'the script-only button shows without JavaScript');
      const jump = page.locator('.nav-jump');
      assert.ok(await jump.isVisible(), 'the "Contents" link is not visible without JavaScript');
      assert.ok(await page.locator('#course-nav').isVisible(), 'the navigation is hidden without JavaScript');
      const navTop = (await page.locator('#course-nav').boundingBox()).y;
      const mainBottom = await page.locator('main').evaluate((m) => m.getBoundingClientRect().bottom);
      assert.ok(navTop >= mainBottom - 1, 'the navigation is not below the lesson');
    });
  });

  test('at desktop width the navigation is a sidebar and the button is hidden', async () => {
    await withBrowserContext(course.browser, { viewport: DESKTOP }, async (context) => {
      const page = await context.newPage();
      await page.goto(course.server.url + lessons[1], { waitUntil: 'load' });
      assert.equal(await page.locator('#nav-toggle').isVisible(), false);
      assert.ok(await page.locator('#course-nav').isVisible());
    });
  });
});

describe('keyboard', () => {
  test('→ opens the next lesson and ← the previous one; not while typing in a field or scrolling a diagram', async () => {
    await withBrowserContext(course.browser, { viewport: DESKTOP }, async (context, problems) => {
      const page = await context.newPage();
      await page.goto(course.server.url + lessons[1], { waitUntil: 'load' });
      await Promise.all([page.waitForURL(`**/${lessons[2]}`), page.keyboard.press('ArrowRight')]);
      assert.equal(pathOf(page), lessons[2], '→ did not open the next lesson');
      await Promise.all([page.waitForURL(`**/${lessons[1]}`), page.keyboard.press('ArrowLeft')]);
      assert.equal(pathOf(page), lessons[1], '← did not open the previous lesson');

      // In a field, the arrows move the caret.
      await page.evaluate(() => {
        const input = document.createElement('input');
        input.id = 'probe-field';
        input.value = 'abc';
        document.querySelector('main').prepend(input);
      });
      await page.focus('#probe-field');
      await page.keyboard.press('ArrowLeft');
      await page.keyboard.press('ArrowRight');
      await page.waitForTimeout(300);
      assert.equal(pathOf(page), lessons[1], 'an arrow key typed in a field changed the page');

      // In a scrolling box (a diagram or a table), the arrows scroll it.
      const scroller = page.locator('main .scroll[tabindex="0"]').first();
      if (await scroller.count()) {
        await scroller.focus();
        await page.keyboard.press('ArrowRight');
        await page.waitForTimeout(300);
        assert.equal(pathOf(page), lessons[1], 'an arrow key in a scrolling box changed the page');
      }

      // With a modifier (Alt+← is the browser's Back) nothing happens here.
      await page.locator('main h1').click();
      await page.keyboard.press('Shift+ArrowRight');
      await page.waitForTimeout(300);
      assert.equal(pathOf(page), lessons[1], 'Shift+→ changed the page');

      // The first lesson has no previous one: ← stays.
      await page.goto(course.server.url + lessons[0], { waitUntil: 'load' });
      await page.keyboard.press('ArrowLeft');
      await page.waitForTimeout(300);
      assert.equal(pathOf(page), lessons[0], '← on the first lesson went somewhere');
      assert.deepEqual(problems, []);
    });
  });
});

describe('copy link to a section', () => {
  test("every heading's button copies the section's canonical address and says so", async () => {
    await withBrowserContext(course.browser, { viewport: DESKTOP }, async (context, problems) => {
      await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: course.server.origin });
      const page = await context.newPage();
      await page.goto(course.server.url + lessons[1], { waitUntil: 'load' });
      const headings = await page.locator('main .heading > :is(h2, h3)[id]').count();
      const buttons = page.locator('main .heading:has(> :is(h2, h3)[id]) > button.copy-link');
      assert.equal(await buttons.count(), headings, 'not every section heading has a copy-link button');
      const canonical = await page.locator('link[rel="canonical"]').getAttribute('href');
      assert.match(canonical, /^https?:\/\//);

      const heading = page.locator('main .heading:has(> h2[id])').nth(1);
      const id = await heading.locator('h2').getAttribute('id');
      const button = heading.locator('button.copy-link');
      assert.match(await button.getAttribute('aria-label'), new RegExp(`^Copy link to the section `));
      await heading.hover();
      await button.click();
      const copied = await page.evaluate(() => navigator.clipboard.readText());
      assert.equal(decodeURIComponent(copied), `${canonical}#${id}`);
      await page.waitForFunction(() => document.querySelector('.copy-status')?.textContent.startsWith('Link copied'));
      assert.equal((await button.textContent()).trim(), 'Copied');
      assert.deepEqual(problems, []);
    });
  });

  test('without JavaScript, every heading still has its # link to the section', async () => {
    await withBrowserContext(course.browser, { viewport: DESKTOP, javaScriptEnabled: false }, async (context) => {
      const page = await context.newPage();
      await page.goto(course.server.url + lessons[1], { waitUntil: 'load' });
      const missing = await page.evaluate(() =>
        [...document.querySelectorAll('main :is(h2, h3, h4)[id]')]
          .filter((h) => h.parentElement.querySelector(':scope.heading > a.anchor')?.getAttribute('href') !== `#${h.id}`)
          .map((h) => h.id),
      );
      assert.deepEqual(missing, []);
      assert.equal(await page.locator('button.copy-link').count(), 0);
    });
  });
});

describe('screen readers', () => {
  test('a lesson reads as landmarks, a skip link first, headings named by their text in order, and answers behind buttons', async () => {
    await withBrowserContext(course.browser, { viewport: DESKTOP }, async (context) => {
      const page = await context.newPage();
      const withCheck = lessons.find((rel) => fs.readFileSync(path.join(course.dir, rel), 'utf8').includes('<ol class="check">'));
      await page.goto(course.server.url + withCheck, { waitUntil: 'load' });
      const tree = await page.locator('body').ariaSnapshot();
      const lines = tree.split('\n');
      assert.match(lines[0], /^- link "Skip to content"/, `the first thing read is not the skip link:\n${lines.slice(0, 3).join('\n')}`);
      for (const landmark of ['- banner:', '- main:', '- navigation "Course":', '- contentinfo:', 'navigation "Previous and next lesson"']) {
        assert.ok(tree.includes(landmark), `no ${landmark} in the accessibility tree`);
      }
      // Headings are named by their own text: the # link and the copy button sit beside them.
      const headings = [...tree.matchAll(/heading "((?:[^"\\]|\\.)*)" \[level=(\d)\]/g)].map((m) => [m[1], Number(m[2])]);
      const fromHtml = await page.evaluate(() =>
        [...document.querySelectorAll('main :is(h1, h2, h3, h4, h5, h6)')].map((h) => [h.textContent.trim(), Number(h.localName[1])]),
      );
      assert.deepEqual(headings, fromHtml, 'heading names or levels in the accessibility tree differ from the headings');
      assert.equal(headings[0][1], 1, 'the first heading is not the h1');
      for (let i = 1; i < headings.length; i++) {
        assert.ok(headings[i][1] <= headings[i - 1][1] + 1, `heading "${headings[i][0]}" skips a level after "${headings[i - 1][0]}"`);
      }
      // Each Beginner Check answer is behind a disclosure the reader opens.
      const answers = await page.locator('ol.check details').count();
      const summaries = await page.getByRole('group').count();
      assert.ok(answers > 0 && summaries >= answers, `${answers} answers, ${summaries} disclosure groups`);
      const first = page.locator('ol.check summary').first();
      await first.focus();
      await page.keyboard.press('Enter');
      assert.ok(await page.locator('ol.check .answer').first().isVisible(), 'Enter on the first "Show answer" did not show it');
    });
  });
});

describe('print', () => {
  test('a printed lesson has no navigation, shows every Beginner Check answer and the address after links out of the site', async () => {
    const withCheck = lessons.find((rel) => fs.readFileSync(path.join(course.dir, rel), 'utf8').includes('<ol class="check">'));
    assert.ok(withCheck, 'no lesson has a Beginner Check');
    for (const javaScriptEnabled of [true, false]) {
      await withBrowserContext(course.browser, { viewport: DESKTOP, javaScriptEnabled }, async (context) => {
        const page = await context.newPage();
        await page.goto(course.server.url + withCheck, { waitUntil: 'load' });
        await page.emulateMedia({ media: 'print' });
        const where = `${withCheck} printed (JavaScript ${javaScriptEnabled ? 'on' : 'off'})`;
        for (const selector of ['.site-header', '#course-nav', '.pager', '.site-footer', '.toc']) {
          assert.equal(await page.locator(selector).first().isVisible(), false, `${where}: ${selector} is printed`);
        }
        const hidden = await page.evaluate(() =>
          [...document.querySelectorAll('ol.check .answer')].filter((a) => a.getBoundingClientRect().height === 0).length,
        );
        const answers = await page.locator('ol.check .answer').count();
        assert.ok(answers > 0);
        assert.equal(hidden, 0, `${where}: ${hidden} of ${answers} answers are not printed`);
        const after = await page.evaluate(() => {
          const link = document.querySelector('main a[href^="https://"]');
          return link ? [link.href, getComputedStyle(link, '::after').content] : null;
        });
        if (after) assert.ok(after[1].includes(after[0].replace(/\/$/, '')), `${where}: the link to ${after[0]} prints ${after[1]} after it`);
        const relative = await page.evaluate(() => {
          const link = document.querySelector('main a[href^="../"]');
          return link ? getComputedStyle(link, '::after').content : null;
        });
        if (relative !== null) assert.ok(relative === 'none' || relative === 'normal', `${where}: a link inside the site prints ${relative} after it`);
      });
    }
  });

  test('the whole-course page prints every lesson, in order, as a PDF', async () => {
    const rel = 'print/index.html';
    assert.ok(fs.existsSync(path.join(course.dir, rel)), `${rel} is missing from the site`);
    await withBrowserContext(course.browser, { viewport: DESKTOP }, async (context, problems) => {
      const page = await context.newPage();
      await page.goto(course.server.url + rel, { waitUntil: 'load' });
      const titles = await page.locator('main article.chapter > .heading:first-child > h2').allTextContents();
      const expected = [];
      for (const lesson of lessons) {
        const html = fs.readFileSync(path.join(course.dir, lesson), 'utf8');
        // The lesson's title: the text of its h1, without the # anchor.
        const h1 = /<h1[^>]*>([\s\S]*?)<\/h1>/.exec(html)[1].replace(/<a class="anchor"[\s\S]*?<\/a>/, '').replace(/<[^>]+>/g, '');
        expected.push(h1.replace(/&amp;/g, '&').replace(/&#39;/g, "'").replace(/&quot;/g, '"').trim());
      }
      const lessonOrder = lessons.map((l) => l.split('/')[0]);
      const shown = titles.map((t) => t.trim());
      assert.deepEqual(shown.filter((t) => expected.includes(t)), expected, 'the whole-course page does not hold every lesson title in order');
      const ids = await page.evaluate(() => [...document.querySelectorAll('[id]')].map((e) => e.id));
      assert.equal(new Set(ids).size, ids.length, 'the whole-course page has duplicate ids');
      // Links between lessons stay inside the page, except those to a
      // playground state (`#sample=…`), which only the live page has.
      const outside = await page.evaluate((dirs) =>
        [...document.querySelectorAll('main a[href]')]
          .map((a) => a.getAttribute('href'))
          .filter((h) => dirs.some((d) => h.includes(`${d}/index.html`)) && !/#[^#]*=/.test(h)),
        lessonOrder,
      );
      assert.deepEqual(outside, [], 'links from one lesson to another leave the whole-course page');
      const broken = await page.evaluate(() =>
        [...document.querySelectorAll('main a[href^="#"]')].map((a) => a.getAttribute('href').slice(1)).filter((id) => !document.getElementById(decodeURIComponent(id))),
      );
      assert.deepEqual(broken, [], 'in-page links to missing ids');

      await page.emulateMedia({ media: 'print' });
      const pdf = await page.pdf({ format: 'A4', printBackground: false });
      fs.mkdirSync(SCREENSHOTS, { recursive: true });
      fs.writeFileSync(path.join(SCREENSHOTS, 'course.pdf'), pdf);
      const pages = (pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g) ?? []).length;
      assert.ok(pages >= lessons.length, `the printed course has ${pages} pages for ${lessons.length} lessons (each starts a page)`);
      assert.deepEqual(problems, []);
    });
  });
});

describe('link previews', () => {
  test('every page names its title, description, canonical address and the preview picture, which the site serves at 1200×630', async () => {
    await withBrowserContext(course.browser, { viewport: DESKTOP }, async (context) => {
      const page = await context.newPage();
      const images = new Set();
      for (const rel of ['index.html', ...lessons]) {
        await page.goto(course.server.url + rel, { waitUntil: 'domcontentloaded' });
        const meta = await page.evaluate(() => {
          const get = (selector) => document.querySelector(selector)?.getAttribute('content') ?? null;
          return {
            title: get('meta[property="og:title"]'),
            description: get('meta[property="og:description"]'),
            url: get('meta[property="og:url"]'),
            image: get('meta[property="og:image"]'),
            alt: get('meta[property="og:image:alt"]'),
            card: get('meta[name="twitter:card"]'),
            canonical: document.querySelector('link[rel="canonical"]')?.getAttribute('href'),
          };
        });
        for (const [key, value] of Object.entries(meta)) assert.ok(value, `${rel}: no ${key} in the link-preview tags`);
        assert.equal(meta.url, meta.canonical, `${rel}: og:url differs from the canonical address`);
        assert.match(meta.image, /^https?:\/\//, `${rel}: og:image must be absolute`);
        assert.equal(meta.card, 'summary_large_image');
        images.add(meta.image);
      }
      assert.equal(images.size, 1);
      // The picture is a file of the site: its path below the base URL.
      const [image] = images;
      const canonicalRoot = (await page.locator('link[rel="canonical"]').getAttribute('href')).replace(/[^/]*\/?$/, '');
      const rel = image.startsWith(canonicalRoot) ? image.slice(canonicalRoot.length) : null;
      assert.ok(rel, `${image} is not below the site's base URL ${canonicalRoot}`);
      const response = await page.request.get(course.server.url + rel);
      assert.equal(response.status(), 200, `${rel}: ${response.status()}`);
      const png = await response.body();
      assert.equal(png.subarray(1, 4).toString('latin1'), 'PNG', `${rel} is not a PNG`);
      assert.deepEqual([png.readUInt32BE(16), png.readUInt32BE(20)], [1200, 630], `${rel} is not 1200×630`);
    });
  });
});
