//! Grapheme clusters with terminal column widths: the unit every diagram
//! operation works in.

use unicode_segmentation::UnicodeSegmentation;
use unicode_width::UnicodeWidthStr;

/// One grapheme cluster of a diagram and where it sits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cell<'a> {
    /// The cluster's text, exactly as in the source.
    pub text: &'a str,
    /// Zero-based line within the diagram.
    pub line: usize,
    /// Zero-based display column of the cluster's first cell.
    pub column: usize,
    /// Columns the cluster takes in a terminal: 0, 1 or 2.
    pub width: usize,
    /// Byte offset of the cluster in the diagram body.
    pub offset: usize,
}

impl Cell<'_> {
    /// True when the browser cannot be trusted to give this cluster exactly
    /// `width` monospace cells: anything wide, and any non-ASCII character
    /// other than box drawing and block elements.
    pub fn needs_box(&self) -> bool {
        if self.text == "\n" || self.text == "\r\n" || self.width == 0 {
            return false;
        }
        if self.width != 1 {
            return true;
        }
        let mut chars = self.text.chars();
        match (chars.next(), chars.next()) {
            (Some(c), None) => !(c.is_ascii() || is_box_drawing(c) || is_block_element(c)),
            _ => true,
        }
    }
}

/// Box drawing (U+2500–U+257F): the characters a monospace font draws to
/// join their neighbours.
pub fn is_box_drawing(c: char) -> bool {
    ('\u{2500}'..='\u{257f}').contains(&c)
}

fn is_block_element(c: char) -> bool {
    ('\u{2580}'..='\u{259f}').contains(&c)
}

/// The terminal width of a cluster: unicode-width's string width, which
/// knows emoji presentation (`⚠️`), ZWJ sequences (`👨‍💻`) and flags.
pub fn column_width(cluster: &str) -> usize {
    match cluster {
        "\t" => 1,
        "\n" | "\r\n" | "\r" => 0,
        _ => cluster.width(),
    }
}

/// Every grapheme cluster of `body`, line by line, with its column.
pub fn cells(body: &str) -> impl Iterator<Item = Cell<'_>> {
    let mut line = 0;
    let mut column = 0;
    body.grapheme_indices(true).map(move |(offset, text)| {
        let width = column_width(text);
        let cell = Cell {
            text,
            line,
            column,
            width,
            offset,
        };
        if text.ends_with('\n') {
            line += 1;
            column = 0;
        } else {
            column += width;
        }
        cell
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn widths(s: &str) -> Vec<(String, usize)> {
        cells(s).map(|c| (c.text.to_string(), c.width)).collect()
    }

    #[test]
    fn clusters_are_measured_whole() {
        let cases = [
            ("a", 1),
            ("─", 1),
            ("👤", 2),
            ("⚠\u{fe0f}", 2),
            ("⚠", 1),
            ("👨\u{200d}💻", 2),
            ("🇩🇪", 2),
            ("界", 2),
            ("é", 1),
            ("e\u{301}", 1),
        ];
        for (text, width) in cases {
            assert_eq!(widths(text), vec![(text.to_string(), width)], "{text:?}");
        }
    }

    #[test]
    fn columns_advance_by_width_and_reset_per_line() {
        let got: Vec<_> = cells("👤a\nb").map(|c| (c.line, c.column)).collect();
        assert_eq!(got, vec![(0, 0), (0, 2), (0, 3), (1, 0)]);
    }

    #[test]
    fn which_cells_get_a_box() {
        let needs = |s: &str| cells(s).next().unwrap().needs_box();
        assert!(!needs("a"));
        assert!(!needs("│"));
        assert!(!needs("█"));
        assert!(!needs("\n"));
        assert!(needs("👤"));
        assert!(needs("→"));
        assert!(needs("é"));
        assert!(needs("e\u{301}"));
    }
}
