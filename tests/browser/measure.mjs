// What the diagram tests measure in the page: run inside the browser with
// page.evaluate(measureDiagrams).

/**
 * In the page: for every `pre.diagram`, the right edge (px from the pre's
 * left) of the last character of each line that ends in a right-side box
 * character, with that character's column in the source text, plus the
 * selection check. Columns: a `span.w2` is 2 and a `span.w1` 1 (the widths
 * the generator gave them); a character outside such a span counts as a
 * terminal would count it (2 for emoji and East Asian wide characters, else
 * 1), so an emoji the generator failed to wrap still lands in the column of
 * the lines it should line up with, and shows up as misaligned.
 */
export function measureDiagrams() {
  const RIGHT_EDGES = new Set([...'│┐┘┤║╗╝']);
  const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });
  const WIDE = /[\u{1100}-\u{115F}\u{2E80}-\u{303E}\u{3041}-\u{33FF}\u{3400}-\u{4DBF}\u{4E00}-\u{9FFF}\u{A000}-\u{A4CF}\u{AC00}-\u{D7A3}\u{F900}-\u{FAFF}\u{FE30}-\u{FE4F}\u{FF00}-\u{FF60}\u{FFE0}-\u{FFE6}\u{20000}-\u{3FFFD}]/u;
  const width = (g) => (/\p{Emoji_Presentation}|\uFE0F/u.test(g) || WIDE.test(g) ? 2 : 1);
  return [...document.querySelectorAll('pre.diagram')].map((pre, index) => {
    const lines = [[]];
    let col = 0;
    const walk = (parent) => {
      for (const node of parent.childNodes) {
        if (node.nodeType === Node.TEXT_NODE) {
          for (const { segment, index: at } of segmenter.segment(node.data)) {
            if (segment === '\n' || segment === '\r\n') {
              lines.push([]);
              col = 0;
              continue;
            }
            lines.at(-1).push({ node, start: at, end: at + segment.length, text: segment, col });
            col += width(segment);
          }
        } else if (node.nodeType === Node.ELEMENT_NODE) {
          if (node.matches('span.w2, span.w1')) {
            lines.at(-1).push({ element: node, text: node.textContent, col });
            col += node.matches('.w2') ? 2 : 1;
          } else {
            walk(node);
          }
        }
      }
    };
    walk(pre);

    const left = pre.getBoundingClientRect().left;
    const edges = [];
    lines.forEach((cells, line) => {
      let last = cells.length - 1;
      while (last >= 0 && /^\s+$/.test(cells[last].text)) last--;
      if (last < 0 || !RIGHT_EDGES.has(cells[last].text)) return;
      const cell = cells[last];
      const range = document.createRange();
      if (cell.element) range.selectNode(cell.element);
      else {
        range.setStart(cell.node, cell.start);
        range.setEnd(cell.node, cell.end);
      }
      edges.push({
        line: line + 1,
        col: cell.col,
        char: cell.text,
        right: range.getBoundingClientRect().right - left,
        text: cells.map((c) => c.text).join(''),
      });
    });

    const selection = window.getSelection();
    const range = document.createRange();
    range.selectNodeContents(pre);
    selection.removeAllRanges();
    selection.addRange(range);
    const selected = selection.toString();
    selection.removeAllRanges();

    return {
      index: index + 1,
      label: pre.getAttribute('aria-label') ?? '',
      lines: lines.length,
      edges,
      text: pre.textContent,
      selected,
    };
  });
}

