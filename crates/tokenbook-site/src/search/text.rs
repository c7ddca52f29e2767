//! Text as the index sees it, and the browser's search with it: folded
//! (compatibility decomposition, combining marks dropped, lowercase) and
//! cut into terms — words of letters and digits, and pairs of Chinese and
//! Japanese characters, which are written without spaces.

use unicode_normalization::char::{decompose_compatible, is_combining_mark};

/// Finds markdown markup at byte `at` of a line: where it ends, and the
/// code span inside it, if any.
pub(super) type Markup = fn(&str, usize) -> Option<(usize, Option<std::ops::Range<usize>>)>;

/// Longer words (base64, tokens, hashes) are not indexed.
pub(crate) const MAX_TERM_CHARS: usize = 32;

/// Words too common to be worth an entry; a query's last word is matched
/// as a prefix, so typing "the" still finds "then".
pub(super) const STOP_WORDS: &[&str] = &[
    "an", "and", "are", "as", "at", "be", "by", "for", "from", "has", "have", "in", "is", "it",
    "its", "of", "on", "or", "that", "the", "this", "to", "was", "were", "will", "with",
];

pub(super) fn is_stop_word(word: &str) -> bool {
    // STOP_WORDS as a match, which compiles to a few comparisons.
    matches!(
        word,
        "an" | "and"
            | "are"
            | "as"
            | "at"
            | "be"
            | "by"
            | "for"
            | "from"
            | "has"
            | "have"
            | "in"
            | "is"
            | "it"
            | "its"
            | "of"
            | "on"
            | "or"
            | "that"
            | "the"
            | "this"
            | "to"
            | "was"
            | "were"
            | "will"
            | "with"
    )
}

/// True for the characters indexed as overlapping pairs: Han ideographs,
/// Hiragana and Katakana (written without spaces between words). Hangul
/// is written with spaces and indexed as words. The browser script uses
/// the same ranges.
pub(super) fn is_cjk(c: char) -> bool {
    matches!(c,
        '\u{3005}'..='\u{3007}'
        | '\u{3040}'..='\u{30FF}'
        | '\u{31F0}'..='\u{31FF}'
        | '\u{3400}'..='\u{4DBF}'
        | '\u{4E00}'..='\u{9FFF}'
        | '\u{F900}'..='\u{FAFF}'
        | '\u{20000}'..='\u{3FFFF}')
}

/// Calls `emit` with each character of `c` folded: compatibility
/// decomposition, combining marks dropped, lowercase, final sigma as sigma.
pub(super) fn fold_char(c: char, mut emit: impl FnMut(char)) {
    if c.is_ascii() {
        emit(c.to_ascii_lowercase());
        return;
    }
    decompose_compatible(c, |d| {
        if !is_combining_mark(d) {
            for lower in d.to_lowercase() {
                emit(if lower == 'ς' { 'σ' } else { lower });
            }
        }
    });
}

#[cfg(test)]
/// `text` folded as [`fold_char`] folds each character.
pub(super) fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        fold_char(c, |f| out.push(f));
    }
    out
}

/// Per byte: [`LOWER`] for ASCII lowercase letters and digits, [`UPPER`]
/// for capitals, 0 for anything else.
const ASCII_CLASS: [u8; 256] = {
    let mut table = [0; 256];
    let mut b = 0;
    while b < 128 {
        let c = b as u8;
        if c.is_ascii_lowercase() || c.is_ascii_digit() {
            table[b] = LOWER;
        } else if c.is_ascii_uppercase() {
            table[b] = UPPER;
        }
        b += 1;
    }
    table
};
const LOWER: u8 = 1;
const UPPER: u8 = 2;

/// Splits folded text into terms as they arrive.
#[derive(Default)]
pub(super) struct Tokenizer {
    word: String,
    word_chars: usize,
    cjk_previous: Option<char>,
    cjk_run: usize,
    pair: String,
}

impl Tokenizer {
    fn push(&mut self, c: char, emit: &mut impl FnMut(&str)) {
        if !c.is_alphanumeric() {
            self.end_word(emit);
            self.end_cjk(emit);
        } else if is_cjk(c) {
            self.end_word(emit);
            if let Some(previous) = self.cjk_previous {
                self.pair.clear();
                self.pair.push(previous);
                self.pair.push(c);
                emit(&self.pair);
            }
            self.cjk_previous = Some(c);
            self.cjk_run += 1;
        } else {
            self.end_cjk(emit);
            self.word.push(c);
            self.word_chars += 1;
        }
    }

    fn end_word(&mut self, emit: &mut impl FnMut(&str)) {
        if self.word_chars == 0 {
            return;
        }
        if (2..=MAX_TERM_CHARS).contains(&self.word_chars) && !is_stop_word(&self.word) {
            emit(&self.word);
        }
        self.word.clear();
        self.word_chars = 0;
    }

    /// A lone ideograph is a term of its own; a longer run gave its pairs.
    fn end_cjk(&mut self, emit: &mut impl FnMut(&str)) {
        if self.cjk_run == 0 {
            return;
        }
        if let (1, Some(c)) = (self.cjk_run, self.cjk_previous) {
            self.pair.clear();
            self.pair.push(c);
            emit(&self.pair);
        }
        self.cjk_previous = None;
        self.cjk_run = 0;
    }

    /// Ends the word or CJK run in progress.
    #[inline]
    pub(super) fn boundary(&mut self, emit: &mut impl FnMut(&str)) {
        if self.word_chars > 0 {
            self.end_word(emit);
        }
        if self.cjk_run > 0 {
            self.end_cjk(emit);
        }
    }

    /// Emits the terms of `text`; a word ends with it. With `markup` (a
    /// line of markdown outside code blocks), what it finds at `` ` ``,
    /// `]`, `<` and `&` is left out: it returns where that markup ends and
    /// the code span inside, whose text counts.
    pub(super) fn feed(&mut self, text: &str, emit: &mut impl FnMut(&str), markup: Option<Markup>) {
        let bytes = text.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            let b = bytes[i];
            if ASCII_CLASS[b as usize] != 0 {
                // Most text is ASCII: no decomposition, no Unicode tables.
                let start = i;
                let mut class = 0;
                while let Some(&c) = bytes.get(i) {
                    let c = ASCII_CLASS[c as usize];
                    if c == 0 {
                        break;
                    }
                    class |= c;
                    i += 1;
                }
                let upper = class & UPPER != 0;
                if self.cjk_run > 0 {
                    self.end_cjk(emit);
                }
                if self.word_chars == 0 && bytes.get(i).is_none_or(u8::is_ascii) {
                    // A whole word: emitted as it is, or lowercased.
                    let word = &text[start..i];
                    if (2..=MAX_TERM_CHARS).contains(&word.len()) {
                        if !upper {
                            if !is_stop_word(word) {
                                emit(word);
                            }
                        } else {
                            self.word.push_str(word);
                            self.word.make_ascii_lowercase();
                            if !is_stop_word(&self.word) {
                                emit(&self.word);
                            }
                            self.word.clear();
                        }
                    }
                    continue;
                }
                let from = self.word.len();
                self.word.push_str(&text[start..i]);
                self.word[from..].make_ascii_lowercase();
                self.word_chars += i - start;
            } else if b.is_ascii() {
                self.boundary(emit);
                if let Some(markup) = markup
                    && matches!(b, b'`' | b']' | b'<' | b'&')
                {
                    // Only ASCII bytes are looked at: every cut is a char
                    // boundary.
                    if let Some((end, code)) = markup(text, i) {
                        if let Some(code) = code {
                            self.feed(&text[code], emit, None);
                        }
                        i = end;
                        continue;
                    }
                }
                i += 1;
            } else {
                let c = text[i..].chars().next().unwrap_or(' ');
                match c {
                    // Diagram lines, arrows, shapes and emoji: never letters,
                    // with or without decomposition; so skip the tables.
                    '\u{2190}'..='\u{21FF}'
                    | '\u{2500}'..='\u{25FF}'
                    | '\u{1F300}'..='\u{1FAFF}' => self.boundary(emit),
                    // Variation selectors are combining marks: dropped.
                    '\u{FE00}'..='\u{FE0F}' => {}
                    _ => fold_char(c, |f| self.push(f, emit)),
                }
                i += c.len_utf8();
            }
        }
        self.boundary(emit);
    }
}

/// Calls `emit` with every term of `text`, in order: folded words of 2 to
/// [`MAX_TERM_CHARS`] characters that are not stop words, and pairs of
/// CJK characters (a lone one alone).
pub(crate) fn for_each_token(text: &str, mut emit: impl FnMut(&str)) {
    Tokenizer::default().feed(text, &mut emit, None);
}

#[cfg(test)]
/// Every term of `text`, in order (see [`for_each_token`]).
pub(super) fn tokens(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for_each_token(text, |t| out.push(t.to_string()));
    out
}
