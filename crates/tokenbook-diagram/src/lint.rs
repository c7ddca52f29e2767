//! Lints for diagrams that will not look right: boxes whose right border is
//! not under their corners, tabs, and symbols whose width depends on the font.

use crate::cells::{Cell, cells};

/// What a [`DiagramLint`] found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LintKind {
    /// A line of a box whose right border is not in the corners' column
    /// (both one-based display columns).
    RaggedBorder {
        /// Where the line's border is, if it has one near the corner column.
        found: Option<usize>,
        /// The column of the box's corners.
        expected: usize,
    },
    /// A tab, which every tool expands differently.
    Tab,
    /// A symbol drawn as text or as emoji depending on the font, written
    /// without U+FE0F.
    TextStyleSymbol(char),
}

/// One finding in a diagram, located by zero-based line and one-based
/// display column within the diagram.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiagramLint {
    /// Zero-based line within the diagram.
    pub line: usize,
    /// One-based display column.
    pub column: usize,
    /// Byte offset of the offending cluster in the diagram body.
    pub offset: usize,
    /// Byte length of the offending cluster.
    pub len: usize,
    /// How many consecutive lines of the same box share this finding.
    pub lines: usize,
    /// What was found.
    pub kind: LintKind,
}

impl DiagramLint {
    /// A one-line description for authors.
    pub fn message(&self) -> String {
        match &self.kind {
            LintKind::RaggedBorder {
                found: Some(found),
                expected,
            } if self.lines > 1 => format!(
                "ragged box: this line and the {} below it have their right border at column {found}, the box's corners are at column {expected}",
                self.lines - 1
            ),
            LintKind::RaggedBorder {
                found: Some(found),
                expected,
            } => format!(
                "ragged box: this line's right border is at column {found}, the box's corners are at column {expected}"
            ),
            LintKind::RaggedBorder {
                found: None,
                expected,
            } => format!(
                "ragged box: this line has no right border at column {expected}, where the box's corners are"
            ),
            LintKind::Tab => "tab inside a diagram".to_string(),
            LintKind::TextStyleSymbol(c) => format!(
                "`{c}` (U+{:04X}) is drawn one or two columns wide depending on the font",
                *c as u32
            ),
        }
    }

    /// A stable name for the kind of problem.
    pub fn code(&self) -> &'static str {
        match self.kind {
            LintKind::RaggedBorder { .. } => "diagram/ragged-box",
            LintKind::Tab => "diagram/tab",
            LintKind::TextStyleSymbol(_) => "diagram/font-dependent-symbol",
        }
    }

    /// How to fix it.
    pub fn hint(&self) -> String {
        match &self.kind {
            LintKind::RaggedBorder {
                found: Some(found),
                expected,
            } if found > expected => {
                format!(
                    "remove {} column(s) before the border, counting each emoji as two",
                    found - expected
                )
            }
            LintKind::RaggedBorder {
                found: Some(found),
                expected,
            } => {
                format!(
                    "add {} column(s) before the border, counting each emoji as two",
                    expected - found
                )
            }
            LintKind::RaggedBorder { found: None, .. } => {
                "close the line with `│` under the corner, counting each emoji as two columns"
                    .to_string()
            }
            LintKind::Tab => "replace the tab with spaces".to_string(),
            LintKind::TextStyleSymbol(c) => format!(
                "write `{c}\u{fe0f}` (add U+FE0F) for the two-column emoji, and widen the line by one"
            ),
        }
    }
}

/// Every finding in a diagram body, in source order.
pub fn lint(body: &str) -> Vec<DiagramLint> {
    let rows = grid(body);
    let mut found = Vec::new();
    for (line, row) in rows.iter().enumerate() {
        for cell in row {
            if cell.text.contains('\t') {
                found.push(DiagramLint {
                    line,
                    column: cell.column + 1,
                    offset: cell.offset,
                    len: 1,
                    lines: 1,
                    kind: LintKind::Tab,
                });
            }
            let mut chars = cell.text.chars();
            if let (Some(c), None) = (chars.next(), chars.next())
                && is_text_default_emoji(c)
            {
                found.push(DiagramLint {
                    line,
                    column: cell.column + 1,
                    offset: cell.offset,
                    len: cell.text.len(),
                    lines: 1,
                    kind: LintKind::TextStyleSymbol(c),
                });
            }
        }
    }
    found.extend(ragged_borders(&rows));
    found.sort_by_key(|l| (l.line, l.column));
    found.dedup();
    found
}

fn grid(body: &str) -> Vec<Vec<Cell<'_>>> {
    let mut rows: Vec<Vec<Cell<'_>>> = vec![Vec::new()];
    for cell in cells(body) {
        if cell.text.ends_with('\n') {
            rows.push(Vec::new());
        } else if let Some(row) = rows.last_mut() {
            row.push(cell);
        }
    }
    rows
}

/// The character starting at `column` (cells are in column order).
fn at(row: &[Cell<'_>], column: usize) -> Option<char> {
    let i = row.binary_search_by_key(&column, |c| c.column).ok()?;
    row[i].text.chars().next()
}

const TOP_LEFT: &[char] = &['┌', '╔', '╭', '┏'];
const TOP_RIGHT: &[char] = &['┐', '╗', '╮', '┓'];
const BOTTOM_LEFT: &[char] = &['└', '╚', '╰', '┗'];
const BOTTOM_RIGHT: &[char] = &['┘', '╝', '╯', '┛'];
const HORIZONTAL: &[char] = &['─', '═', '━', '┬', '╤', '┳', '┴', '┼', '╪', '┄', '┈', '╌'];
const LEFT_SIDE: &[char] = &['│', '├', '║', '╟', '╠', '┃', '┣', '┆', '┊', '╎'];
const RIGHT_SIDE: &[char] = &['│', '┤', '║', '╢', '╣', '┃', '┫', '┆', '┊', '╎'];

/// Finds each box by its top-left corner, follows the top edge to the
/// top-right corner, then checks every line down to the bottom-left corner.
fn ragged_borders(rows: &[Vec<Cell<'_>>]) -> Vec<DiagramLint> {
    let mut found = Vec::new();
    for (top, row) in rows.iter().enumerate() {
        for (i, corner) in row.iter().enumerate() {
            if !corner.text.starts_with(TOP_LEFT) || corner.text.chars().count() != 1 {
                continue;
            }
            let Some(right) = top_right_corner(&row[i + 1..]) else {
                continue;
            };
            let left = corner.column;
            let first_of_box = found.len();
            for (line, inner) in rows.iter().enumerate().skip(top + 1) {
                match at(inner, left) {
                    Some(c) if BOTTOM_LEFT.contains(&c) => {
                        if !at(inner, right).is_some_and(|c| BOTTOM_RIGHT.contains(&c)) {
                            found.push(ragged(inner, line, left, right, BOTTOM_RIGHT));
                        }
                        break;
                    }
                    Some(c) if LEFT_SIDE.contains(&c) => {
                        if !at(inner, right).is_some_and(|c| RIGHT_SIDE.contains(&c)) {
                            found.push(ragged(inner, line, left, right, RIGHT_SIDE));
                        }
                    }
                    _ => break,
                }
            }
            let of_box = found.split_off(first_of_box);
            found.extend(merge_runs(of_box));
        }
    }
    found
}

/// Joins findings on consecutive lines of one box that say the same thing,
/// so a box drawn one column too wide is one warning, not one per line.
fn merge_runs(lints: Vec<DiagramLint>) -> Vec<DiagramLint> {
    let mut merged: Vec<DiagramLint> = Vec::with_capacity(lints.len());
    for lint in lints {
        if let Some(last) = merged.last_mut()
            && last.kind == lint.kind
            && last.line + last.lines == lint.line
        {
            last.lines += 1;
            continue;
        }
        merged.push(lint);
    }
    merged
}

fn top_right_corner(rest: &[Cell<'_>]) -> Option<usize> {
    for cell in rest {
        let c = cell.text.chars().next()?;
        if TOP_RIGHT.contains(&c) {
            return Some(cell.column);
        }
        if !HORIZONTAL.contains(&c) {
            return None;
        }
    }
    None
}

/// The lint for a line whose border is missing at `right`: the border the
/// author most likely meant is the closest one to the right of the box's
/// left edge.
fn ragged(
    row: &[Cell<'_>],
    line: usize,
    left: usize,
    right: usize,
    border: &[char],
) -> DiagramLint {
    let candidate = row
        .iter()
        .filter(|c| c.column > left && c.text.starts_with(border))
        .min_by_key(|c| c.column.abs_diff(right))
        .filter(|c| c.column.abs_diff(right) <= 4);
    let anchor = candidate.or_else(|| row.last());
    DiagramLint {
        line,
        column: candidate.map_or(right, |c| c.column) + 1,
        offset: anchor.map_or(0, |c| c.offset),
        len: anchor.map_or(1, |c| c.text.len()),
        lines: 1,
        kind: LintKind::RaggedBorder {
            found: candidate.map(|c| c.column + 1),
            expected: right + 1,
        },
    }
}

/// The ranges of [`is_text_default_emoji`], sorted and disjoint.
const TEXT_DEFAULT_EMOJI: &[(u32, u32)] = &[
    (0x203C, 0x203C),
    (0x2049, 0x2049),
    (0x2122, 0x2122),
    (0x2139, 0x2139),
    (0x2194, 0x2199),
    (0x21A9, 0x21AA),
    (0x2328, 0x2328),
    (0x23CF, 0x23CF),
    (0x23ED, 0x23EF),
    (0x23F1, 0x23F2),
    (0x23F8, 0x23FA),
    (0x24C2, 0x24C2),
    (0x25AA, 0x25AB),
    (0x25B6, 0x25B6),
    (0x25C0, 0x25C0),
    (0x25FB, 0x25FC),
    (0x2600, 0x2604),
    (0x260E, 0x260E),
    (0x2611, 0x2611),
    (0x2618, 0x2618),
    (0x261D, 0x261D),
    (0x2620, 0x2620),
    (0x2622, 0x2623),
    (0x2626, 0x2626),
    (0x262A, 0x262A),
    (0x262E, 0x262F),
    (0x2638, 0x263A),
    (0x2640, 0x2640),
    (0x2642, 0x2642),
    (0x265F, 0x2660),
    (0x2663, 0x2663),
    (0x2665, 0x2666),
    (0x2668, 0x2668),
    (0x267B, 0x267B),
    (0x267E, 0x267E),
    (0x2692, 0x2692),
    (0x2694, 0x2697),
    (0x2699, 0x2699),
    (0x269B, 0x269C),
    (0x26A0, 0x26A0),
    (0x26A7, 0x26A7),
    (0x26B0, 0x26B1),
    (0x26C8, 0x26C8),
    (0x26CF, 0x26CF),
    (0x26D1, 0x26D1),
    (0x26D3, 0x26D3),
    (0x26E9, 0x26E9),
    (0x26F0, 0x26F1),
    (0x26F4, 0x26F4),
    (0x26F7, 0x26F9),
    (0x2702, 0x2702),
    (0x2708, 0x2709),
    (0x270C, 0x270D),
    (0x270F, 0x270F),
    (0x2712, 0x2712),
    (0x2714, 0x2714),
    (0x2716, 0x2716),
    (0x271D, 0x271D),
    (0x2721, 0x2721),
    (0x2733, 0x2734),
    (0x2744, 0x2744),
    (0x2747, 0x2747),
    (0x2763, 0x2764),
    (0x27A1, 0x27A1),
    (0x2934, 0x2935),
    (0x2B05, 0x2B07),
    (0x3030, 0x3030),
    (0x303D, 0x303D),
    (0x3297, 0x3297),
    (0x3299, 0x3299),
    (0x1F170, 0x1F171),
    (0x1F17E, 0x1F17F),
    (0x1F202, 0x1F202),
    (0x1F237, 0x1F237),
    (0x1F321, 0x1F321),
    (0x1F324, 0x1F32C),
    (0x1F336, 0x1F336),
    (0x1F37D, 0x1F37D),
    (0x1F396, 0x1F397),
    (0x1F399, 0x1F39B),
    (0x1F39E, 0x1F39F),
    (0x1F3CB, 0x1F3CE),
    (0x1F3D4, 0x1F3DF),
    (0x1F3F3, 0x1F3F3),
    (0x1F3F5, 0x1F3F5),
    (0x1F3F7, 0x1F3F7),
    (0x1F43F, 0x1F43F),
    (0x1F441, 0x1F441),
    (0x1F4FD, 0x1F4FD),
    (0x1F549, 0x1F54A),
    (0x1F56F, 0x1F570),
    (0x1F573, 0x1F579),
    (0x1F587, 0x1F587),
    (0x1F58A, 0x1F58D),
    (0x1F590, 0x1F590),
    (0x1F5A5, 0x1F5A5),
    (0x1F5A8, 0x1F5A8),
    (0x1F5B1, 0x1F5B2),
    (0x1F5BC, 0x1F5BC),
    (0x1F5C2, 0x1F5C4),
    (0x1F5D1, 0x1F5D3),
    (0x1F5DC, 0x1F5DE),
    (0x1F5E1, 0x1F5E1),
    (0x1F5E3, 0x1F5E3),
    (0x1F5E8, 0x1F5E8),
    (0x1F5EF, 0x1F5EF),
    (0x1F5F3, 0x1F5F3),
    (0x1F5FA, 0x1F5FA),
    (0x1F6CB, 0x1F6CB),
    (0x1F6CD, 0x1F6CF),
    (0x1F6E0, 0x1F6E5),
    (0x1F6E9, 0x1F6E9),
    (0x1F6F0, 0x1F6F0),
    (0x1F6F3, 0x1F6F3),
];

/// Emoji whose default presentation is text (Emoji=Yes,
/// Emoji_Presentation=No in Unicode's emoji data), outside ASCII: fonts
/// disagree on whether they take one column or two.
fn is_text_default_emoji(c: char) -> bool {
    let c = c as u32;
    if c < TEXT_DEFAULT_EMOJI[0].0 {
        return false; // ASCII and the rest of the Latin and punctuation blocks
    }
    // The last range starting at or before c.
    let i = TEXT_DEFAULT_EMOJI.partition_point(|&(lo, _)| lo <= c);
    i > 0 && c <= TEXT_DEFAULT_EMOJI[i - 1].1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_default_emoji_lookup_matches_every_range_edge() {
        for c in [
            '\u{203C}',
            '\u{2194}',
            '\u{2199}',
            '\u{26A0}',
            '\u{1F6F3}',
            '\u{2B05}',
        ] {
            assert!(is_text_default_emoji(c), "{c:?}");
        }
        for c in [
            'a',
            '─',
            '\u{203B}',
            '\u{219A}',
            '\u{26A1}',
            '\u{1F6F4}',
            '👤',
            '\u{2B08}',
        ] {
            assert!(!is_text_default_emoji(c), "{c:?}");
        }
    }

    fn kinds(body: &str) -> Vec<(usize, usize, LintKind)> {
        lint(body)
            .into_iter()
            .map(|l| (l.line, l.column, l.kind))
            .collect()
    }

    #[test]
    fn a_closed_box_with_emoji_is_clean() {
        assert_eq!(kinds("┌────┐\n│ 👤 │\n├────┤\n│ ok │\n└────┘"), vec![]);
    }

    #[test]
    fn a_line_one_column_too_wide_is_ragged() {
        let body = "┌───┐\n│ab  │\n└───┘";
        assert_eq!(
            kinds(body),
            vec![(
                1,
                6,
                LintKind::RaggedBorder {
                    found: Some(6),
                    expected: 5
                }
            )]
        );
    }

    #[test]
    fn an_emoji_counted_as_one_column_makes_the_border_drift() {
        // The author counted the emoji as one column and padded one too many.
        let body = "┌────┐\n│ 👤  │\n└────┘";
        assert_eq!(
            kinds(body),
            vec![(
                1,
                7,
                LintKind::RaggedBorder {
                    found: Some(7),
                    expected: 6
                }
            )]
        );
    }

    #[test]
    fn consecutive_ragged_lines_of_a_box_are_one_finding() {
        let body = "┌───┐\n│ab  │\n│cd  │\n│ef  │\n└───┘";
        let found = lint(body);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!((found[0].line, found[0].lines), (1, 3));
        assert!(
            found[0].message().contains("this line and the 2 below it"),
            "{}",
            found[0].message()
        );
    }

    #[test]
    fn a_short_bottom_edge_is_ragged() {
        let body = "┌───┐\n│   │\n└──┘";
        assert_eq!(
            kinds(body),
            vec![(
                2,
                4,
                LintKind::RaggedBorder {
                    found: Some(4),
                    expected: 5
                }
            )]
        );
    }

    #[test]
    fn nested_boxes_are_checked_each_on_its_own() {
        let body = "┌────────┐\n│ ┌──┐   │\n│ │x │   │\n│ └──┘   │\n└────────┘";
        assert_eq!(kinds(body), vec![]);
        let broken = "┌────────┐\n│ ┌──┐   │\n│ │x  │  │\n│ └──┘   │\n└────────┘";
        assert_eq!(
            kinds(broken),
            vec![(
                2,
                7,
                LintKind::RaggedBorder {
                    found: Some(7),
                    expected: 6
                }
            )]
        );
    }

    #[test]
    fn tabs_and_text_style_symbols_are_reported() {
        assert_eq!(kinds("a\tb"), vec![(0, 2, LintKind::Tab)]);
        assert_eq!(kinds("x ⚠ y"), vec![(0, 3, LintKind::TextStyleSymbol('⚠'))]);
        assert_eq!(kinds("x ⚠\u{fe0f} y"), vec![]);
        for c in ['ℹ', '⏱', '✔', '☁', '❤'] {
            assert_eq!(
                kinds(&c.to_string()),
                vec![(0, 1, LintKind::TextStyleSymbol(c))]
            );
        }
    }

    #[test]
    fn messages_name_both_columns_and_hint_the_fix() {
        let l = &lint("┌───┐\n│ab  │\n└───┘")[0];
        assert!(l.message().contains("column 6") && l.message().contains("column 5"));
        assert!(l.hint().starts_with("remove 1 column"));
    }
}
