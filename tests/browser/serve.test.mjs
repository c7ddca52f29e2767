// `cargo xtask serve` with a page open in Chromium: an edit reloads the page
// (keeping its scroll position), a broken lesson shows the error overlay
// while the last good page stays, and fixing it clears the overlay.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { after, before, test } from 'node:test';

import { makeTempDir, repoRoot, useBrowser } from './site.mjs';

const chromium = useBrowser();
let server;
let content;

/** Starts the server binary (`cargo xtask serve` runs it) on a free port; resolves to its URL. */
function startServe(contentDir, outDir) {
  const binary = path.join(repoRoot, 'target', 'debug', 'xtask-serve');
  const child = spawn(binary, ['--port', '0', '--content', contentDir, '--out', outDir], { stdio: ['ignore', 'pipe', 'ignore'] });
  return new Promise((resolve, reject) => {
    const lines = readline.createInterface({ input: child.stdout });
    const timer = setTimeout(() => reject(new Error('serve printed no address within 60 s')), 60_000);
    lines.once('line', (line) => {
      clearTimeout(timer);
      const match = /(http:\/\/127\.0\.0\.1:\d+\/)/.exec(line);
      if (!match) reject(new Error(`no address in ${JSON.stringify(line)}`));
      else resolve({ url: match[1], child });
    });
    child.once('error', reject);
  });
}

const lesson = (words) =>
  `# First\n\n${words}\n\n${Array.from({ length: 80 }, (_, i) => `Paragraph ${i} of filler so the page scrolls.`).join('\n\n')}\n\n[Second](./02_Second.md)\n`;

before(async () => {
  const dir = makeTempDir('tokenbook-serve-');
  content = path.join(dir, 'content');
  fs.mkdirSync(content);
  fs.writeFileSync(path.join(content, '01_First.md'), lesson('Hello.'));
  fs.writeFileSync(path.join(content, '02_Second.md'), '# Second\n\nWorld.\n');
  server = await startServe(content, path.join(dir, 'public'));
});

after(() => {
  server?.child.kill();
});

test('edit, break and fix a lesson with its page open: reload keeps the scroll, errors overlay the last good page', async () => {
  const page = await chromium.browser.newPage({ viewport: { width: 1000, height: 600 } });
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(`${server.url}01-first/`);
  await page.waitForFunction(() => document.body.textContent.includes('Hello.'));
  await page.evaluate(() => window.scrollTo(0, 900));
  // Let the event stream connect before the edit.
  await page.waitForTimeout(300);

  fs.writeFileSync(path.join(content, '01_First.md'), lesson('Hello again.'));
  await page.waitForFunction(() => document.body.textContent.includes('Hello again.'), null, { timeout: 10_000 });
  await page.waitForFunction(() => window.scrollY > 800, null, { timeout: 5_000 }).catch(() => {});
  const scrolled = await page.evaluate(() => window.scrollY);
  assert.ok(Math.abs(scrolled - 900) < 50, `after the reload the page is at scrollY ${scrolled}, expected about 900`);

  fs.writeFileSync(path.join(content, '01_First.md'), lesson('Broken.').replace('./02_Second.md', './02_Secnd.md'));
  const overlay = page.locator('#tokenbook-problems');
  await overlay.waitFor({ state: 'visible', timeout: 10_000 });
  const text = await overlay.textContent();
  assert.match(text, /01_First\.md:\d+:\d+: error\[link\/missing-target\]: link to a lesson that does not exist/, `overlay text: ${text}`);
  assert.ok((await page.content()).includes('Hello again.'), 'the last good page stays under the overlay');

  fs.writeFileSync(path.join(content, '01_First.md'), lesson('Fixed.'));
  await page.waitForFunction(() => document.body.textContent.includes('Fixed.'), null, { timeout: 10_000 });
  assert.equal(await page.locator('#tokenbook-problems').count(), 0, 'the overlay is gone after the fix');
  assert.deepEqual(errors, []);
  await page.close();
});
