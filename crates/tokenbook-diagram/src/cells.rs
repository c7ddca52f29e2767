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
    clusters(body).map(move |(offset, text)| {
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

/// A character that forms a cluster of its own when a character of the
/// same kind follows: ASCII (but CR, which joins a following LF) and box
/// drawing. Nothing extends them, and a break always falls between two of
/// them (UAX #29: only CR × LF, Extend, ZWJ, SpacingMark and Prepend rules
/// join, and none of those characters is one of these).
fn is_plain(c: char) -> bool {
    (c.is_ascii() && c != '\r') || is_box_drawing(c)
}

/// `body`'s grapheme clusters with their byte offsets, the same as
/// `grapheme_indices(true)`, but cheap for the plain text diagrams are made
/// of: a plain character followed by another plain one is a cluster by
/// itself; only stretches around other characters go through the full
/// segmentation.
fn clusters(body: &str) -> impl Iterator<Item = (usize, &str)> {
    let mut pos = 0;
    let mut segment: Option<(usize, unicode_segmentation::GraphemeIndices<'_>)> = None;
    std::iter::from_fn(move || {
        loop {
            if let Some((base, inner)) = &mut segment {
                if let Some((offset, text)) = inner.next() {
                    return Some((*base + offset, text));
                }
                segment = None;
            }
            let rest = &body[pos..];
            let mut chars = rest.char_indices();
            let (_, first) = chars.next()?;
            let second = chars.next();
            if is_plain(first) && second.is_none_or(|(_, c)| is_plain(c)) {
                let start = pos;
                pos += first.len_utf8();
                return Some((start, &body[start..pos]));
            }
            // The stretch ends where two plain characters meet: a break is
            // certain between them.
            let mut end = rest.len();
            let mut previous_plain = is_plain(first);
            for (i, c) in rest.char_indices().skip(1) {
                let plain = is_plain(c);
                if plain && previous_plain {
                    end = i;
                    break;
                }
                previous_plain = plain;
            }
            segment = Some((pos, rest[..end].grapheme_indices(true)));
            pos += end;
        }
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

    use proptest::prelude::*;

    proptest! {
        /// The shortcut for plain text splits exactly as full segmentation.
        #[test]
        fn clusters_match_full_segmentation(pieces in proptest::collection::vec(prop_oneof![
            Just("a"), Just(" "), Just("─"), Just("│"), Just("┌"), Just("\n"), Just("\r"),
            Just("\r\n"), Just("\t"), Just("👤"), Just("\u{fe0f}"), Just("\u{200d}"),
            Just("💻"), Just("\u{301}"), Just("é"), Just("🇩"), Just("🇪"), Just("界"),
            Just("\u{600}"), Just("\u{1f3fd}"), Just("ᄀ"), Just("ᅡ"), Just("\u{903}"),
            Just("©"), Just("▶"), Just("█"),
        ], 0..40)) {
            let body: String = pieces.concat();
            let fast: Vec<(usize, &str)> = clusters(&body).collect();
            let full: Vec<(usize, &str)> = body.grapheme_indices(true).collect();
            prop_assert_eq!(fast, full, "{:?}", body);
        }
    }

    #[test]
    fn prepend_and_cr_lf_are_kept_whole() {
        for body in [
            "a\u{600}b│",
            "│\r\n─",
            "x\u{600}\u{600}yz",
            "ab\r\ncd",
            "\u{600}a",
        ] {
            let fast: Vec<_> = clusters(body).collect();
            let full: Vec<_> = body.grapheme_indices(true).collect();
            assert_eq!(fast, full, "{body:?}");
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
