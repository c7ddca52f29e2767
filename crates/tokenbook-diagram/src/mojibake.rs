//! Mojibake: UTF-8 text that was decoded as a Windows code page (or
//! Latin-1) and saved again as UTF-8, so `📌` reads `ğŸ“Œ` and `┌` reads
//! `â”Œ`. Windows drops the bytes its code page leaves undefined, so some
//! characters lose a byte on the way.
//!
//! [`repair`] maps every character back to the byte it came from, decodes
//! the runs that form UTF-8 again, and restores each intact sequence
//! exactly. Where a byte was lost it infers the character only on strong
//! evidence — a U+FE0F after an emoji, a box-drawing character that must
//! join its neighbours, the only emoji that fits — and otherwise writes
//! U+FFFD. It never takes a neighbouring character (a following space is a
//! space, not byte 0xA0).

use std::collections::HashMap;
use std::sync::OnceLock;

use crate::box_arms::{Arms, Family, arms_of, family_of};
use crate::cells::column_width;

/// A code page that UTF-8 text can be misread through.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CodePage {
    /// Turkish Windows; drops 0x81 0x8D 0x8E 0x8F 0x90 0x9D 0x9E.
    Windows1254,
    /// Western Windows; drops 0x81 0x8D 0x8F 0x90 0x9D.
    Windows1252,
    /// ISO-8859-1: every byte survives, 0x80–0x9F as control characters.
    Latin1,
}

impl CodePage {
    const ALL: [CodePage; 3] = [
        CodePage::Windows1254,
        CodePage::Windows1252,
        CodePage::Latin1,
    ];

    /// The name authors know it by.
    pub fn name(self) -> &'static str {
        match self {
            CodePage::Windows1254 => "Windows-1254",
            CodePage::Windows1252 => "Windows-1252",
            CodePage::Latin1 => "Latin-1",
        }
    }

    /// Bytes this code page leaves undefined: Windows drops them.
    fn undefined(self) -> &'static [u8] {
        match self {
            CodePage::Windows1254 => &[0x81, 0x8D, 0x8E, 0x8F, 0x90, 0x9D, 0x9E],
            CodePage::Windows1252 => &[0x81, 0x8D, 0x8F, 0x90, 0x9D],
            CodePage::Latin1 => &[],
        }
    }

    /// Non-ASCII character -> the byte it decodes from.
    fn table(self) -> &'static HashMap<char, u8> {
        static TABLES: OnceLock<[HashMap<char, u8>; 3]> = OnceLock::new();
        let tables = TABLES.get_or_init(|| {
            CodePage::ALL.map(|page| {
                let mut table = HashMap::new();
                for byte in 0x80..=0xFFu8 {
                    if page.undefined().contains(&byte) {
                        continue;
                    }
                    let c = match page {
                        CodePage::Latin1 => char::from(byte),
                        CodePage::Windows1254 => decode_one(encoding_rs::WINDOWS_1254, byte),
                        CodePage::Windows1252 => decode_one(encoding_rs::WINDOWS_1252, byte),
                    };
                    table.insert(c, byte);
                }
                table
            })
        });
        &tables[self as usize]
    }

    fn byte(self, c: char) -> Option<u8> {
        // Every code page character is below U+2200 (™ is U+2122): box
        // drawing and emoji are skipped without a lookup.
        if c.is_ascii() || c > '\u{2122}' {
            None
        } else {
            self.table().get(&c).copied()
        }
    }
}

fn decode_one(encoding: &'static encoding_rs::Encoding, byte: u8) -> char {
    let bytes = [byte];
    let (text, _) = encoding.decode_without_bom_handling(&bytes);
    text.chars().next().unwrap_or('\u{FFFD}')
}

/// What one stretch of mojibake becomes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Replacement {
    /// Every byte survived: the original character, exactly.
    Exact(String),
    /// A byte was lost; the character follows from the evidence named.
    Inferred {
        /// The character.
        text: String,
        /// Why it must be this one.
        reason: &'static str,
    },
    /// Bytes were lost and nothing tells which character it was: U+FFFD.
    Lost {
        /// How many bytes were lost.
        bytes: usize,
    },
}

impl Replacement {
    /// The text written in place of the mojibake.
    pub fn text(&self) -> &str {
        match self {
            Replacement::Exact(text) | Replacement::Inferred { text, .. } => text,
            Replacement::Lost { .. } => "\u{FFFD}",
        }
    }
}

/// One stretch of mojibake in the input and its replacement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// Byte range in the input.
    pub start: usize,
    /// End of the byte range in the input.
    pub end: usize,
    /// The mojibake as it stands in the input.
    pub found: String,
    /// Byte offset of the replacement in the repaired text.
    pub at: usize,
    /// What it becomes.
    pub replacement: Replacement,
}

/// A repaired text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Repair {
    /// The code page the text was misread through.
    pub code_page: CodePage,
    /// The repaired text.
    pub text: String,
    /// Every stretch replaced, in order.
    pub findings: Vec<Finding>,
}

impl Repair {
    /// Findings whose byte was lost: inferred or replaced by U+FFFD.
    pub fn losses(&self) -> impl Iterator<Item = &Finding> {
        self.findings
            .iter()
            .filter(|f| !matches!(f.replacement, Replacement::Exact(_)))
    }
}

/// Repairs `text`, or returns `None` when it holds no mojibake.
pub fn repair(text: &str) -> Option<Repair> {
    let mut best: Option<(CodePage, Vec<Pending>)> = None;
    for page in CodePage::ALL {
        let found = scan(text, page, false);
        let intact = found.iter().filter(|p| p.lost == 0).count();
        let best_intact = best
            .as_ref()
            .map_or(0, |(_, b)| b.iter().filter(|p| p.lost == 0).count());
        if intact > best_intact {
            best = Some((page, found));
        }
    }
    let (page, first) = best?;
    // In a text that is mojibake through and through, a lone lead byte can
    // only be a character whose every continuation byte was lost.
    let pending = if first.len() >= 3 {
        scan(text, page, true)
    } else {
        first
    };
    Some(resolve(text, page, pending))
}

/// A stretch found by the scan, before lost bytes are resolved.
#[derive(Debug, Clone)]
struct Pending {
    start: usize,
    end: usize,
    bytes: Vec<u8>,
    /// How many bytes of the sequence are missing.
    lost: usize,
}

fn utf8_len(lead: u8) -> usize {
    match lead {
        0xC2..=0xDF => 2,
        0xE0..=0xEF => 3,
        0xF0..=0xF4 => 4,
        _ => 0,
    }
}

fn is_continuation(byte: u8) -> bool {
    (0x80..=0xBF).contains(&byte)
}

/// The first UTF-8 byte of every character a code page decodes a UTF-8
/// lead byte (0xC2–0xF4) to: they all lie in U+00C2..=U+015F (Latin-1
/// letters, and Turkish Ğ İ Ş ğ ı ş). Only these bytes can start mojibake,
/// so the scan jumps from one to the next instead of reading every
/// character of a long, clean lesson.
const LEAD_CHAR_FIRST_BYTES: [u8; 3] = [0xC3, 0xC4, 0xC5];

fn scan(text: &str, page: CodePage, lone_leads: bool) -> Vec<Pending> {
    let mut found = Vec::new();
    let mut from = 0;
    // These bytes are never UTF-8 continuation bytes: each starts a char.
    let [a, b, c] = LEAD_CHAR_FIRST_BYTES;
    while let Some(offset) = memchr::memchr3(a, b, c, &text.as_bytes()[from..]) {
        let start = from + offset;
        let mut chars = text[start..].char_indices();
        let Some((_, c)) = chars.next() else { break };
        let after_lead = start + c.len_utf8();
        let Some(lead) = page.byte(c).filter(|&b| utf8_len(b) > 0) else {
            from = after_lead;
            continue;
        };
        let len = utf8_len(lead);
        let mut bytes = vec![lead];
        let mut end = after_lead;
        for (at, next) in chars {
            if bytes.len() == len {
                break;
            }
            match page.byte(next) {
                Some(b) if is_continuation(b) => {
                    bytes.push(b);
                    end = start + at + next.len_utf8();
                }
                _ => break,
            }
        }
        let lost = len - bytes.len();
        let whole = lost == 0 && std::str::from_utf8(&bytes).is_ok();
        if whole || (lost > 0 && (bytes.len() >= 2 || lone_leads)) {
            found.push(Pending {
                start,
                end,
                bytes,
                lost,
            });
            from = end;
        } else {
            from = after_lead;
        }
    }
    found
}

/// Decides every pending stretch and writes the repaired text.
fn resolve(text: &str, page: CodePage, pending: Vec<Pending>) -> Repair {
    // First pass: every intact sequence restored, each loss a placeholder,
    // so the neighbours of a loss can be looked at in the repaired text.
    let mut draft = String::with_capacity(text.len());
    let mut last = 0;
    let mut draft_at = Vec::with_capacity(pending.len());
    for p in &pending {
        draft.push_str(&text[last..p.start]);
        draft_at.push(draft.len());
        match std::str::from_utf8(&p.bytes) {
            Ok(s) if p.lost == 0 => draft.push_str(s),
            _ => draft.push('\u{FFFD}'),
        }
        last = p.end;
    }
    draft.push_str(&text[last..]);

    let mut repaired = String::with_capacity(text.len());
    let mut findings = Vec::with_capacity(pending.len());
    let mut last = 0;
    for (p, &at) in pending.iter().zip(&draft_at) {
        repaired.push_str(&text[last..p.start]);
        let replacement = match std::str::from_utf8(&p.bytes) {
            Ok(s) if p.lost == 0 => Replacement::Exact(s.to_string()),
            _ => infer(p, page, &draft, at, &repaired),
        };
        let at = repaired.len();
        repaired.push_str(replacement.text());
        findings.push(Finding {
            start: p.start,
            end: p.end,
            found: text[p.start..p.end].to_string(),
            at,
            replacement,
        });
        last = p.end;
    }
    repaired.push_str(&text[last..]);
    Repair {
        code_page: page,
        text: repaired,
        findings,
    }
}

/// Every character the surviving bytes could have come from, with one
/// undefined byte put back at any position after the lead.
fn candidates(p: &Pending, page: CodePage) -> Vec<char> {
    let mut found = Vec::new();
    if p.lost != 1 {
        return found;
    }
    for position in 1..=p.bytes.len() {
        for &byte in page.undefined() {
            let mut bytes = p.bytes.clone();
            bytes.insert(position, byte);
            if let Some(c) = std::str::from_utf8(&bytes)
                .ok()
                .and_then(|s| s.chars().next())
                && !found.contains(&c)
            {
                found.push(c);
            }
        }
    }
    found
}

/// Decides a stretch with lost bytes. `draft` is the text with every
/// intact sequence restored (losses as U+FFFD, the stretch itself at
/// `at`); `before` is the repaired text up to the stretch.
fn infer(p: &Pending, page: CodePage, draft: &str, at: usize, before: &str) -> Replacement {
    let previous = before.chars().next_back();
    let lost = Replacement::Lost { bytes: p.lost };
    let options = candidates(p, page);
    if options.is_empty() {
        return lost;
    }
    if options.contains(&'\u{FE0F}') && previous.is_some_and(is_emoji_base) {
        return Replacement::Inferred {
            text: "\u{FE0F}".into(),
            reason: "a U+FE0F after an emoji",
        };
    }
    let boxes: Vec<char> = options
        .iter()
        .copied()
        .filter(|c| arms_of(*c).is_some())
        .collect();
    if !boxes.is_empty() {
        let fitting = joining(&boxes, draft, at);
        if let [only] = fitting.as_slice() {
            return Replacement::Inferred {
                text: only.to_string(),
                reason: "the only box-drawing character that joins its neighbours",
            };
        }
        // Inside a drawing, a character that joins nothing is no evidence
        // for an emoji either.
        let beside = [draft[..at].chars().next_back(), draft[at..].chars().nth(1)];
        if beside.iter().flatten().any(|c| arms_of(*c).is_some()) {
            return lost;
        }
    }
    if options.contains(&'\u{201D}') && closes_a_quote(before) {
        return Replacement::Inferred {
            text: "\u{201D}".into(),
            reason: "it closes the “ opened before it on the line",
        };
    }
    let emoji: Vec<char> = options
        .iter()
        .copied()
        .filter(|c| is_wide_emoji(*c))
        .collect();
    if let [only] = emoji.as_slice() {
        return Replacement::Inferred {
            text: only.to_string(),
            reason: "the only emoji those bytes can make",
        };
    }
    lost
}

/// The box candidates whose arms agree with every box-drawing neighbour
/// (and reach nowhere that is blank); among several, those of the
/// neighbours' line style.
fn joining(boxes: &[char], draft: &str, at: usize) -> Vec<char> {
    let line_start = draft[..at].rfind('\n').map_or(0, |i| i + 1);
    let line_end = draft[at..].find('\n').map_or(draft.len(), |i| at + i);
    let column: usize = draft[line_start..at]
        .chars()
        .map(|c| column_width(c.encode_utf8(&mut [0; 4])))
        .sum();
    let left = draft[line_start..at].chars().next_back();
    let right = draft[at..line_end].chars().nth(1);
    let above = line_start.checked_sub(1).and_then(|end| {
        let start = draft[..end].rfind('\n').map_or(0, |i| i + 1);
        char_at_column(&draft[start..end], column)
    });
    let below = (line_end < draft.len()).then(|| {
        let start = line_end + 1;
        let end = draft[start..].find('\n').map_or(draft.len(), |i| start + i);
        char_at_column(&draft[start..end], column)
    });
    let below = below.flatten();
    // (neighbour, does the neighbour reach back, does the candidate reach out)
    type Reach = fn(Arms) -> bool;
    let neighbours: [(Option<char>, Reach, Reach); 4] = [
        (left, |a| a.right, |a| a.left),
        (right, |a| a.left, |a| a.right),
        (above, |a| a.down, |a| a.up),
        (below, |a| a.up, |a| a.down),
    ];
    // Strictly: every box neighbour is joined, and no arm reaches into a
    // blank. A ragged box puts a blank where the border should be, so when
    // nothing fits strictly only the box neighbours are asked.
    let fits = |candidate: char, strict: bool| {
        let Some(arms) = arms_of(candidate) else {
            return false;
        };
        neighbours
            .iter()
            .all(
                |(neighbour, reaches_back, reaches_out)| match neighbour.and_then(arms_of) {
                    Some(n_arms) => reaches_back(n_arms) == reaches_out(arms),
                    None if !strict => true,
                    None => neighbour.is_some_and(|n| !n.is_whitespace()) || !reaches_out(arms),
                },
            )
    };
    let mut fitting: Vec<char> = boxes.iter().copied().filter(|c| fits(*c, true)).collect();
    if fitting.is_empty() {
        fitting = boxes.iter().copied().filter(|c| fits(*c, false)).collect();
    }
    if fitting.len() <= 1 {
        return fitting;
    }
    let families: Vec<Family> = [left, right, above, below]
        .into_iter()
        .flatten()
        .filter_map(family_of)
        .collect();
    let Some(&family) = families.first() else {
        return fitting;
    };
    if families.iter().any(|f| *f != family) {
        return fitting;
    }
    fitting
        .into_iter()
        .filter(|c| family_of(*c) == Some(family))
        .collect()
}

/// True when the last line of `before` has more “ than ”.
fn closes_a_quote(before: &str) -> bool {
    let line = &before[before.rfind('\n').map_or(0, |i| i + 1)..];
    line.matches('\u{201C}').count() > line.matches('\u{201D}').count()
}

fn char_at_column(line: &str, column: usize) -> Option<char> {
    let mut at = 0;
    for c in line.chars() {
        if at == column {
            return Some(c);
        }
        at += column_width(c.encode_utf8(&mut [0; 4]));
        if at > column {
            return None;
        }
    }
    None
}

/// Characters that take U+FE0F: pictographs, dingbats, arrows, symbols.
fn is_emoji_base(c: char) -> bool {
    matches!(c as u32, 0x203C | 0x2049 | 0x2122 | 0x2139 | 0x2194..=0x21AA | 0x231A..=0x23FF | 0x24C2 | 0x25AA..=0x25FE | 0x2600..=0x27BF | 0x2934 | 0x2935 | 0x2B05..=0x2B55 | 0x3030 | 0x303D | 0x3297 | 0x3299 | 0x1F000..=0x1FAFF)
}

/// A character drawn as a two-column emoji by default.
fn is_wide_emoji(c: char) -> bool {
    is_emoji_base(c) && column_width(c.encode_utf8(&mut [0; 4])) == 2
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Makes mojibake the way it happens: UTF-8 bytes read through a code
    /// page, undefined bytes dropped, written back as UTF-8.
    fn garble(text: &str, page: CodePage) -> String {
        let reverse: HashMap<u8, char> = page.table().iter().map(|(c, b)| (*b, *c)).collect();
        text.bytes()
            .filter_map(|b| {
                if b.is_ascii() {
                    Some(char::from(b))
                } else {
                    reverse.get(&b).copied()
                }
            })
            .collect()
    }

    /// The scan as first written: every character collected and looked
    /// at. The jumping scan must find exactly the same stretches.
    fn scan_every_char(
        text: &str,
        page: CodePage,
        lone_leads: bool,
    ) -> Vec<(usize, usize, Vec<u8>, usize)> {
        let chars: Vec<(usize, char)> = text.char_indices().collect();
        let mut found = Vec::new();
        let mut i = 0;
        while i < chars.len() {
            let (start, c) = chars[i];
            let len = page.byte(c).map_or(0, utf8_len);
            if len == 0 {
                i += 1;
                continue;
            }
            let mut bytes = vec![page.byte(c).unwrap_or_default()];
            let mut j = i + 1;
            while bytes.len() < len {
                match chars.get(j).and_then(|&(_, c)| page.byte(c)) {
                    Some(b) if is_continuation(b) => {
                        bytes.push(b);
                        j += 1;
                    }
                    _ => break,
                }
            }
            let end = chars.get(j).map_or(text.len(), |&(at, _)| at);
            let lost = len - bytes.len();
            let whole = lost == 0 && std::str::from_utf8(&bytes).is_ok();
            if whole || (lost > 0 && (bytes.len() >= 2 || lone_leads)) {
                found.push((start, end, bytes, lost));
                i = j;
            } else {
                i += 1;
            }
        }
        found
    }

    #[test]
    fn every_lead_character_starts_with_a_byte_the_scan_jumps_to() {
        for page in CodePage::ALL {
            for (&c, &byte) in page.table() {
                if utf8_len(byte) > 0 {
                    let mut utf8 = [0; 4];
                    let first = c.encode_utf8(&mut utf8).as_bytes()[0];
                    assert!(
                        LEAD_CHAR_FIRST_BYTES.contains(&first),
                        "{}: {c:?} (byte {byte:#x}) starts with {first:#x}",
                        page.name()
                    );
                }
            }
        }
    }

    proptest::proptest! {
        #[test]
        fn the_jumping_scan_finds_what_reading_every_char_finds(
            // ހ (U+0780) is DE 80 in UTF-8: through Windows-1254 its lead
            // reads Ş, one of the few lead characters starting with 0xC5.
            text in "[a-zé ┌─│📌✅→ığşހ\n]{0,12}",
            page_index in 0..3usize,
            lone_leads: bool,
        ) {
            let page = CodePage::ALL[page_index];
            // Garbled through every page, so stretches of all kinds occur.
            for input in [text.clone(), garble(&text, CodePage::Windows1254), garble(&text, CodePage::Windows1252), garble(&text, CodePage::Latin1)] {
                let jumping: Vec<_> = scan(&input, page, lone_leads)
                    .into_iter()
                    .map(|p| (p.start, p.end, p.bytes, p.lost))
                    .collect();
                proptest::prop_assert_eq!(jumping, scan_every_char(&input, page, lone_leads));
            }
        }
    }

    const SAMPLE: &str =
        "┌──────────────┐\n│ 📌 Note ✅ ok │\n│ café → naïve │\n└──────────────┘\n";

    #[test]
    fn intact_sequences_are_restored_exactly_through_every_code_page() {
        for page in [
            CodePage::Windows1254,
            CodePage::Windows1252,
            CodePage::Latin1,
        ] {
            let text = "📌 Pin → ok — “quoted” café ü ß 日本\n";
            let garbled = garble(text, page);
            if page.undefined().is_empty() || !text.bytes().any(|b| page.undefined().contains(&b)) {
                let repaired = repair(&garbled)
                    .unwrap_or_else(|| panic!("{page:?}: nothing found in {garbled}"));
                assert_eq!(repaired.text, text, "{page:?}");
            }
        }
        assert_eq!(
            repair(&garble(SAMPLE, CodePage::Latin1)).unwrap().text,
            SAMPLE
        );
    }

    #[test]
    fn the_seed_lessons_examples() {
        assert_eq!(
            repair("ğŸ“Œ pin\nâ”Œâ”€â”\nâ”‚ â”‚").unwrap().text,
            "📌 pin\n┌─┐\n│ │"
        );
        // A ragged box: the border below is one column off, yet the corner
        // is the only light character that joins the line on its left.
        assert_eq!(
            repair("ğŸ“Œ pin\nâ”Œâ”€â”\nâ”‚  â”‚").unwrap().text,
            "📌 pin\n┌─┐\n│  │"
        );
    }

    #[test]
    fn a_lost_byte_in_a_box_corner_is_inferred_from_its_neighbours() {
        // ┐ is E2 94 90; Windows-1254 drops 0x90.
        let text = "┌───┐\n│ a │\n└───┘\n";
        let garbled = garble(text, CodePage::Windows1254);
        assert!(garbled.contains("â”€â”\n"), "{garbled}");
        let repaired = repair(&garbled).unwrap();
        assert_eq!(repaired.text, text);
        let inferred: Vec<_> = repaired.losses().map(|f| f.replacement.clone()).collect();
        assert_eq!(
            inferred,
            vec![Replacement::Inferred {
                text: "┐".into(),
                reason: "the only box-drawing character that joins its neighbours"
            }]
        );
    }

    #[test]
    fn a_lost_variation_selector_after_an_emoji_is_inferred() {
        let text = "Warning: ⚠️ careful ⚠️ twice\n";
        let repaired = repair(&garble(text, CodePage::Windows1254)).unwrap();
        assert_eq!(repaired.text, text);
    }

    #[test]
    fn a_unique_emoji_is_inferred_and_an_ambiguous_one_is_replaced() {
        // ❌ is E2 9D 8C: only one emoji fits when 0x9D is lost.
        let repaired = repair(&garble("a ❌ b ✅ c 📌 d\n", CodePage::Windows1254)).unwrap();
        assert_eq!(repaired.text, "a ❌ b ✅ c 📌 d\n");
        // 🔐 is F0 9F 94 90: 🔁 🔍 🔎 🔏 🔐 🔝 🔞 all fit when 0x90 is lost.
        let repaired = repair(&garble("a 🔐 b ✅ c 📌 d\n", CodePage::Windows1254)).unwrap();
        assert_eq!(repaired.text, "a \u{FFFD} b ✅ c 📌 d\n");
        assert_eq!(repaired.losses().count(), 1);
    }

    #[test]
    fn neighbours_are_never_swallowed_and_widths_kept() {
        let text = "│ ✅ yes    │\n│ ❌ no     │\n│ → then    │\n";
        let garbled = garble(text, CodePage::Windows1254);
        let repaired = repair(&garbled).unwrap();
        assert_eq!(repaired.text, text);
        for (a, b) in repaired.text.lines().zip(text.lines()) {
            assert_eq!(a.chars().count(), b.chars().count());
        }
    }

    #[test]
    fn a_character_that_lost_every_continuation_byte_becomes_u_fffd() {
        // ➝ is E2 9E 9D: Windows-1254 drops both continuation bytes.
        let text = "✅ one ✅ two ✅ three ➝ arrow\n";
        let garbled = garble(text, CodePage::Windows1254);
        let repaired = repair(&garbled).unwrap();
        assert_eq!(repaired.text, "✅ one ✅ two ✅ three \u{FFFD} arrow\n");
    }

    #[test]
    fn a_closing_quote_is_inferred_from_its_opening_one() {
        // ” is E2 80 9D; Windows-1254 drops 0x9D.
        let text = "✅ He said “hello” — twice, ✅ and „no” once\n";
        let repaired = repair(&garble(text, CodePage::Windows1254)).unwrap();
        // „ (E2 80 9E) loses 0x9E: nothing opens it, so it stays unknown, and so
        // does the quote after it.
        assert_eq!(
            repaired.text,
            "✅ He said “hello” — twice, ✅ and \u{FFFD}no\u{FFFD} once\n"
        );
    }

    #[test]
    fn clean_text_is_left_alone() {
        for text in [
            "plain ascii",
            "café, naïve, Größe, à la carte",
            "┌─┐ 📌 ✅ 日本",
            "Ça va? À bientôt.",
        ] {
            assert_eq!(repair(text), None, "{text}");
        }
    }
}
