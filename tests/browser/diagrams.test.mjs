// Diagrams the course did not write: emoji, U+FE0F and ZWJ sequences,
// flags and CJK text in boxes (fixtures/diagrams; xtask's tests check the
// fixture is free of ragged-box warnings, so its columns are right), built
// and measured in Chromium: every right border lines up within 0.5 px and
// copying a diagram gives back exactly its source.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';

import { buildSite, DESKTOP, fileUrl, makeTempDir, repoRoot, useSite, withBrowserContext } from './site.mjs';
import { measureDiagrams } from './measure.mjs';

const FIXTURE = path.join(repoRoot, 'tests', 'browser', 'fixtures', 'diagrams');

/** The bodies of the fixture's diagram fences, in order. */
function sourceDiagrams() {
  const markdown = fs.readFileSync(path.join(FIXTURE, '01_Diagrams.md'), 'utf8');
  return [...markdown.matchAll(/^```text[^\n]*\n([\s\S]*?)\n```$/gm)].map((m) => m[1]);
}

/** The fixture, built, opened from file://. */
const diagrams = useSite({ build: () => buildSite({ out: path.join(makeTempDir(), 'public'), content: FIXTURE }), serve: false });

for (const fontScale of [1, 1.7]) {
  test(`wide clusters keep every right border within 0.5 px and copy back as their source (font size x${fontScale})`, async () => {
    await withBrowserContext(diagrams.browser, { viewport: DESKTOP }, async (context) => {
      const page = await context.newPage();
      await page.goto(fileUrl(diagrams.dir, '01-diagrams/index.html'));
      await page.evaluate((scale) => {
        document.querySelectorAll('pre.diagram').forEach((pre) => {
          pre.style.fontSize = `${0.85 * scale}rem`;
        });
        return document.fonts.ready;
      }, fontScale);
      const measured = await page.evaluate(measureDiagrams);
      const sources = sourceDiagrams();
      assert.equal(measured.length, sources.length, 'one pre.diagram per fence');
      const failures = [];
      measured.forEach((d, i) => {
        const byColumn = new Map();
        for (const e of d.edges) byColumn.set(e.col, [...(byColumn.get(e.col) ?? []), e]);
        for (const [col, edges] of byColumn) {
          const xs = edges.map((e) => e.right);
          const spread = Math.max(...xs) - Math.min(...xs);
          if (spread > 0.5) {
            failures.push(`diagram ${i + 1}, column ${col}: right borders spread over ${spread.toFixed(2)} px: ${edges.map((e) => `line ${e.line} at ${e.right.toFixed(2)}`).join(', ')}`);
          }
        }
        if (d.edges.length < 6) failures.push(`diagram ${i + 1}: only ${d.edges.length} right borders measured`);
        if (d.selected !== sources[i]) failures.push(`diagram ${i + 1}: the selection differs from the source:\n${d.selected}\n---\n${sources[i]}`);
      });
      assert.deepEqual(failures, []);
    });
  });
}
