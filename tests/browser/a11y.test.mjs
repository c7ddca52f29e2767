// Accessibility and validity of every page of a built site:
//
// - axe-core (injected into headless Chromium) finds no violation on the
//   index, every lesson, the playground page, the whole-course page and the
//   404 page, in the light and the dark theme, with the interactive
//   playground started;
// - the Nu HTML Checker (vnu.jar from npm `vnu-jar`, run on the machine's
//   Java) reports no error and no warning on any HTML file of the output,
//   fetched over HTTP like a reader would.
//
//   cd tests/browser && node --test a11y.test.mjs

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, test } from 'node:test';

import { DESKTOP, lessonPaths, listing, PHONE, useSite, withBrowserContext } from './site.mjs';

const require = createRequire(import.meta.url);
const AXE = require.resolve('axe-core/axe.min.js');
const VNU = String(require('vnu-jar'));

// Served under the base path the site was built for: the 404 page links to
// its stylesheet absolutely, from that path.
const course = useSite({
  serve: (dir) => {
    const notFound = fs.readFileSync(path.join(dir, '404.html'), 'utf8');
    const stylesheet = /<link rel="stylesheet" href="([^"]*)css\/site\.css">/.exec(notFound);
    assert.ok(stylesheet && stylesheet[1].startsWith('/'), `${dir}/404.html links to no absolute css/site.css`);
    return { base: stylesheet[1] };
  },
});

/** Every `.html` file of the built site, relative, `/`-separated, sorted. */
function htmlFiles(root) {
  const found = [];
  const walk = (dir) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith('.html')) found.push(path.relative(root, full).split(path.sep).join('/'));
    }
  };
  walk(root);
  return found.sort();
}

/** The pages axe checks: the index, every lesson, the 404 page and the whole-course page. */
function axePages() {
  const pages = ['index.html', ...lessonPaths(course.dir), '404.html'];
  if (fs.existsSync(path.join(course.dir, 'print/index.html'))) pages.push('print/index.html');
  return pages;
}

/** The page's URL on the test server; the 404 page is reached by a missing address, as readers reach it. */
function urlOf(rel) {
  return rel === '404.html' ? `${course.server.url}no-such-page/` : course.server.url + rel;
}

async function runAxe(page) {
  await page.addScriptTag({ path: AXE });
  return page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const result = await axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] },
      resultTypes: ['violations'],
    });
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.slice(0, 5).map((n) => `${n.target.join(' ')}: ${n.failureSummary.replace(/\s+/g, ' ')}`),
    }));
  });
}

describe('axe-core', () => {
  for (const colorScheme of ['light', 'dark']) {
    test(`no violations on the index, every lesson, the 404 page and the whole-course page (${colorScheme} theme)`, async () => {
      // bypassCSP lets axe's script in; the pages' own CSP is tested elsewhere.
      await withBrowserContext(course.browser, { viewport: DESKTOP, colorScheme, bypassCSP: true }, async (context) => {
        const failures = [];
        for (const rel of axePages()) {
          const page = await context.newPage();
          await page.goto(urlOf(rel), { waitUntil: 'load' });
          const theme = await page.evaluate(() => getComputedStyle(document.documentElement).colorScheme);
          assert.equal(theme, colorScheme, `${rel}: the page did not take the ${colorScheme} theme`);
          if (await page.locator('section.playground template.pg-data').count()) {
            await page.waitForSelector('section.playground.pg-ready', { timeout: 15000 });
          }
          for (const v of await runAxe(page)) failures.push(`${rel}: ${v.id} (${v.impact}) ${v.help}\n      ${v.nodes.join('\n      ')}`);
          await page.close();
        }
        assert.deepEqual(failures, [], listing(`axe violations (${colorScheme})`, failures));
      });
    });
  }

  test('no violations at 375 px with the course navigation opened, and in the playground on each of its steps', async () => {
    await withBrowserContext(course.browser, { viewport: PHONE, bypassCSP: true }, async (context) => {
      const failures = [];
      const page = await context.newPage();
      await page.goto(course.server.url + lessonPaths(course.dir)[0], { waitUntil: 'load' });
      const toggle = page.locator('button.nav-toggle');
      assert.ok(await toggle.isVisible(), 'the button that opens the course navigation is not visible at 375 px');
      await toggle.click();
      for (const v of await runAxe(page)) failures.push(`narrow, navigation open: ${v.id} ${v.help}\n      ${v.nodes.join('\n      ')}`);

      await page.setViewportSize({ width: 1280, height: 900 });
      await page.goto(course.server.url + 'playground/index.html', { waitUntil: 'load' });
      await page.waitForSelector('section.playground.pg-ready', { timeout: 15000 });
      const steps = page.locator('section.playground [role="tab"]');
      const count = await steps.count();
      assert.ok(count >= 3, `the playground shows ${count} step tabs, expected at least 3`);
      for (let i = 0; i < count; i++) {
        await steps.nth(i).click();
        const name = (await steps.nth(i).textContent()).trim();
        for (const v of await runAxe(page)) failures.push(`playground step "${name}": ${v.id} ${v.help}\n      ${v.nodes.join('\n      ')}`);
      }
      assert.deepEqual(failures, [], listing('axe violations', failures));
    });
  });
});

describe('Nu HTML Checker', () => {
  test('no errors and no warnings on any HTML file of the output, fetched over HTTP', async () => {
    const files = htmlFiles(course.dir);
    assert.ok(files.length >= 5, `only ${files.length} HTML files in ${course.dir}`);
    const urls = files.map((rel) => course.server.url + rel);
    const { stdout, stderr } = await new Promise((resolve, reject) => {
      execFile('java', ['-Dnu.validator.servlet.allow-forbidden-hosts=true', '-jar', VNU, '--format', 'json', '--exit-zero-always', ...urls], { maxBuffer: 64 << 20 }, (error, stdout, stderr) => {
        if (error) reject(new Error(`java -jar ${VNU} failed (is Java installed?): ${error.message}\n${stderr}`));
        else resolve({ stdout, stderr });
      });
    });
    // vnu prints its JSON report on stderr.
    const report = JSON.parse(stderr || stdout);
    const messages = report.messages.map((m) => {
      const where = m.url ? m.url.replace(course.server.url, '') : '(no file)';
      return `${where}:${m.lastLine ?? '?'}:${m.firstColumn ?? m.lastColumn ?? '?'}: ${m.type}${m.subType ? `/${m.subType}` : ''}: ${m.message}`;
    });
    assert.deepEqual(messages, [], listing(`Nu HTML Checker messages over ${files.length} files`, messages));
    // The checker did look at every file: each was requested from the server.
    const fetched = new Set(course.server.requests.filter((r) => r.status === 200).map((r) => r.path));
    const missing = files.filter((rel) => !fetched.has(course.server.base + rel));
    assert.deepEqual(missing, [], listing('HTML files the checker never fetched', missing));
  });
});
