// Page objects of the token playground for the browser tests: opening a
// page with one and waiting until it is ready, finding its parts (picker,
// token box, tabs, panels), driving its steps (pasting, the flow, the
// leak) and reading what each panel shows, each failing with a message
// that says what the page showed instead. playground.test.mjs holds the
// tests and what they expect.
//
// The course's samples, steps and checks come from the vectors the Rust
// side writes (tests/golden/playground.json), so the tests never repeat
// them.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';

import { lessonPaths, listing, repoRoot, settle, short as shortUrl, useSite, withContext as withSiteContext } from './site.mjs';

const GOLDEN = JSON.parse(fs.readFileSync(path.join(repoRoot, 'tests/golden/playground.json'), 'utf8'));

/** The course's samples, in the order the picker lists them. */
export const SAMPLE_IDS = GOLDEN.samples;
/** The validation checks, in the order they are reported. */
export const CHECK_NAMES = GOLDEN.checks;
/** The playground's steps, in tab order. */
export const STEPS = GOLDEN.steps;

/** The page that is all playground. */
export const PLAYGROUND = 'playground/index.html';
/** How long a playground may take to become ready. */
export const READY_TIMEOUT = 5_000;

/** Splits a request or response as shown in `pre.pg-http`. */
function parseHttp(text) {
  const blank = text.indexOf('\n\n');
  const head = blank === -1 ? text : text.slice(0, blank);
  const body = blank === -1 ? '' : text.slice(blank + 2);
  const [startLine, ...lines] = head.split('\n');
  const headers = new Map();
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  return { text, startLine, headers, body };
}

/**
 * The fixture of the playground's tests: the site under test, served
 * under /course/ (useSite: `course.dir`, `course.server`,
 * `course.browser`), which must have the playground page, and the page
 * objects, which find the site through it.
 */
export function usePlayground() {
  const course = useSite({
    setup: ({ dir }) => {
      assert.ok(fs.existsSync(path.join(dir, PLAYGROUND)), `${path.join(dir, PLAYGROUND)} does not exist: the site has no playground page`);
    },
  });

  /** site.mjs's withContext() and short() for this site. */
  const withContext = (options, fn) => withSiteContext(course, options, fn);
  const short = (url) => shortUrl(url, course);

  /** Text cut to `n` characters, for messages. */
  const clip = (text, n = 300) => {
    const s = String(text ?? '');
    return s.length > n ? `${s.slice(0, n)}… (${s.length} characters)` : s;
  };

  /**
   * Waits until the playground of `page` says it is ready
   * (`<html data-playground="ready">`); fails with what the page shows
   * instead.
   */
  async function waitReady(page, problems, timeout = READY_TIMEOUT) {
    try {
      await page.waitForFunction(() => document.documentElement.dataset.playground === 'ready', null, { timeout });
    } catch {
      const state = await page.evaluate(() => ({
        problem: document.querySelector('section.playground .pg-problem')?.textContent ?? null,
        live: Boolean(document.querySelector('section.playground .pg-live')),
      }));
      assert.fail(
        `${short(page.url())}: the playground did not become ready within ${timeout} ms (<html data-playground> is not "ready"; ` +
          `.pg-live ${state.live ? 'exists' : 'does not exist'}; .pg-problem: ${state.problem ? JSON.stringify(clip(state.problem)) : 'none'})\n` +
          listing('problems on the page', problems),
      );
    }
  }

  /** Opens `rel` (+ `hash`) of the served site and waits for the playground. */
  async function openPlayground(context, problems, { rel = PLAYGROUND, hash = '' } = {}) {
    const page = await context.newPage();
    const response = await page.goto(course.server.url + rel + hash, { waitUntil: 'load' });
    assert.equal(response.status(), 200, `${rel}: HTTP ${response.status()}, expected 200`);
    await waitReady(page, problems);
    return page;
  }

  /** Locators of the first playground of a page. */
  function pg(page) {
    const section = page.locator('section.playground').first();
    const live = section.locator('.pg-live');
    return {
      section,
      live,
      picker: live.locator('.pg-source select'),
      input: live.locator('.pg-source textarea.pg-input'),
      notice: live.locator('.pg-notice'),
      tab: (step) => live.locator(`[role="tab"][aria-controls$="-panel-${step}"]`),
      panel: (step) => live.locator(`[role="tabpanel"][id$="-panel-${step}"]`),
    };
  }

  /** Clicks the tab of `step` and checks it is the selected one. */
  async function selectTab(page, step) {
    const { tab, panel } = pg(page);
    assert.equal(await tab(step).count(), 1, `${short(page.url())}: expected one tab [role=tab][aria-controls$="-panel-${step}"], found ${await tab(step).count()}`);
    await tab(step).click();
    assert.equal(await tab(step).getAttribute('aria-selected'), 'true', `${short(page.url())}: after clicking the ${step} tab, its aria-selected is not "true"`);
    assert.equal(await panel(step).isVisible(), true, `${short(page.url())}: after clicking the ${step} tab, its panel is not visible`);
  }

  /** The JSON data the build put in the page for the playground. */
  async function pageData(page) {
    const text = await page.locator('section.playground template.pg-data').first().evaluate((t) => t.content.textContent);
    return JSON.parse(text);
  }

  /** Sets the token textarea as a paste would, without Playwright echoing huge values. */
  async function pasteToken(page, text) {
    if (text.length < 20_000) {
      await pg(page).input.fill(text);
      return null;
    }
    return page.evaluate((value) => {
      const input = document.querySelector('section.playground .pg-live textarea.pg-input');
      const start = performance.now();
      input.value = value;
      input.dispatchEvent(new Event('input', { bubbles: true }));
      return performance.now() - start;
    }, text);
  }

  /** Fails unless the page answers a trivial evaluate within `ms`. */
  async function assertResponsive(page, what, ms = 2_000) {
    const start = Date.now();
    let timer;
    const answer = await Promise.race([
      page.evaluate(() => 1),
      new Promise((resolve) => {
        timer = setTimeout(() => resolve('timeout'), ms);
      }),
    ]);
    clearTimeout(timer);
    assert.equal(answer, 1, `${short(page.url())}: after ${what}, the page did not answer page.evaluate(() => 1) within ${ms} ms: it is frozen`);
    return Date.now() - start;
  }

  /** What the visible Decode panel shows. */
  function readDecode(page) {
    return page.evaluate(() => {
      const panel = document.querySelector('section.playground .pg-live [role="tabpanel"]:not([hidden])');
      if (!panel) return { panel: null };
      const verdict = panel.querySelector('.pg-verdict');
      const tables = [...panel.querySelectorAll('table.pg-claims')].map((table) => ({
        caption: table.caption?.textContent.trim() ?? '',
        rows: [...(table.tBodies[0]?.rows ?? [])].map((row) => ({
          name: row.cells[0]?.textContent.trim() ?? '',
          value: row.cells[1]?.textContent.trim() ?? '',
          meaning: row.cells[2]?.textContent.trim() ?? '',
        })),
      }));
      return {
        panel: panel.id,
        verdictClass: verdict?.className ?? null,
        verdictTitle: verdict?.querySelector('.pg-verdict-title')?.textContent.trim() ?? null,
        reasons: [...(verdict?.querySelectorAll('li') ?? [])].map((li) => li.textContent.trim()),
        parts: panel.querySelector('.pg-token-parts')?.textContent ?? null,
        json: [...panel.querySelectorAll('pre.pg-json')].map((pre) => pre.textContent),
        tables,
        problem: panel.querySelector('.pg-problem')?.textContent ?? null,
      };
    });
  }

  /** What the visible Validate panel shows. */
  function readValidate(page) {
    return page.evaluate(() => {
      const panel = document.querySelector('section.playground .pg-live [role="tabpanel"]:not([hidden])');
      if (!panel) return { panel: null };
      return {
        panel: panel.id,
        ok: Boolean(panel.querySelector('.pg-ok')),
        bad: Boolean(panel.querySelector('.pg-bad')),
        keyKind: panel.querySelector('select[id$="-key-kind"]')?.value ?? null,
        checks: [...panel.querySelectorAll('ul.pg-checks > li')].map((li) => ({
          name: li.dataset.check ?? null,
          status: ['passed', 'failed', 'skipped'].find((s) => li.classList.contains(`pg-check-${s}`)) ?? `(classes: ${li.className})`,
          text: li.textContent.trim(),
        })),
        warnings: [...panel.querySelectorAll('.pg-warnings li')].map((li) => li.textContent.trim()),
        problem: panel.querySelector('.pg-problem')?.textContent ?? null,
      };
    });
  }

  /** One line per check, for messages. */
  const describeChecks = (report) => report.checks.map((c) => `${c.name}: ${c.status} — ${clip(c.text, 160)}`).join('\n  ');

  /** The `pre.pg-http` texts under `selector` in the visible panel. */
  function readHttp(page, selector) {
    return page.evaluate((sel) => {
      const panel = document.querySelector('section.playground .pg-live [role="tabpanel"]:not([hidden])');
      return [...(panel?.querySelectorAll(`${sel} pre.pg-http`) ?? [])].filter((pre) => !pre.querySelector('mark')).map((pre) => pre.textContent);
    }, selector);
  }

  /** Picks `scope` in the Flow tab and returns its four exchanges, parsed. */
  async function runFlow(page, scope) {
    const { panel } = pg(page);
    const select = panel('flow').locator('select');
    assert.equal(await select.count(), 1, `${short(page.url())}: the Flow panel has ${await select.count()} scope selects, expected 1`);
    await select.selectOption(scope);
    return (await readHttp(page, '.pg-flow')).map(parseHttp);
  }

  /**
   * Walks the Leak tab (which must be selected): looks inside the naive app's
   * script, picks `scope`, asks for a token. Returns what it showed.
   */
  async function runLeak(page, scope) {
    const where = short(page.url());
    const { panel } = pg(page);
    const leak = panel('leak');
    const look = leak.getByRole('button', { name: 'Look inside its JavaScript' });
    assert.equal(await look.count(), 1, `${where}: the Leak panel has no button "Look inside its JavaScript"`);
    await look.click();
    const out = leak.locator('.pg-leak');
    try {
      await out.locator('mark, .pg-problem').first().waitFor({ timeout: 5_000 });
    } catch {
      assert.fail(`${where}: 5 s after clicking "Look inside its JavaScript", .pg-leak shows neither a <mark> nor a .pg-problem: ${JSON.stringify(clip(await out.textContent()))}`);
    }
    const problem = out.locator('.pg-problem');
    if (await problem.count()) assert.fail(`${where}: looking inside the naive app's script failed: ${JSON.stringify(await problem.textContent())}`);
    const mark = await out.locator('mark').textContent();
    const line = await out.locator('pre.pg-http:has(mark)').textContent();
    const select = out.locator('select');
    assert.equal(await select.count(), 1, `${where}: after the secret was found, .pg-leak has ${await select.count()} scope selects, expected 1`);
    await select.selectOption(scope);
    const ask = out.getByRole('button', { name: 'Ask for a token with the stolen secret' });
    assert.equal(await ask.count(), 1, `${where}: .pg-leak has no button "Ask for a token with the stolen secret"`);
    await ask.click();
    const exchanges = (await readHttp(page, '.pg-leak')).map(parseHttp);
    const instead = out.locator('.pg-instead');
    return {
      mark,
      line,
      exchanges,
      insteadVisible: (await instead.count()) === 1 && (await instead.isVisible()),
      insteadText: (await instead.count()) ? await instead.textContent() : '',
      text: await out.textContent(),
    };
  }

  /** Pages of the site with an embedded playground, relative paths. */
  function pagesWithPlayground() {
    return lessonPaths(course.dir).filter((rel) => /<section\b[^>]*\bclass="playground"/.test(fs.readFileSync(path.join(course.dir, rel), 'utf8')));
  }

  return {
    course,
    withContext,
    short,
    settle,
    clip,
    waitReady,
    openPlayground,
    pg,
    selectTab,
    pageData,
    pasteToken,
    assertResponsive,
    readDecode,
    readValidate,
    describeChecks,
    runFlow,
    runLeak,
    pagesWithPlayground,
  };
}
