//! The offline full-text search index, built with the site and read by
//! `static/js/search-engine.js` in the browser, without a server.
//!
//! Every lesson is cut into sections at its headings ([`sections`]); a
//! section is one search document, opened at its heading's id (the ids
//! `markdown::parse` gave, taken from the lesson's [`Outline`]). Text is
//! folded and split by [`for_each_token`]: compatibility decomposition
//! (NFKD), combining marks dropped (`é` is `e`), lowercase; words are runs
//! of letters and digits, and Chinese and Japanese text, which has no
//! spaces, becomes overlapping pairs of characters. The browser script
//! folds queries with the same rules.
//!
//! [`build_index`] (or [`index`], for a whole course) writes the index as
//! small JavaScript files under `search/` (scripts, not JSON, so that a
//! page opened from `file://` can load them too), so a query downloads only
//! what it needs:
//!
//! - `manifest.js`: the number of sections and the first term of every
//!   term chunk;
//! - `t<N>.js`: terms in sorted runs, each with its postings (section and
//!   a BM25 weight computed here), about 16 KB each;
//! - `d<N>.js`: consecutive sections with their lesson, heading, anchor
//!   and text for the result snippets, about 8 KB each. A section's number
//!   says its chunk: `chunk << DOC_BITS | position`.
//!
//! Chunk sizes weigh what a query downloads against how many files a build
//! writes: at 1000 lessons, 8 KB document chunks make about 1300 files and
//! a query loads about 35 KB gzipped; 4 KB chunks halve the download but
//! double the files, which costs a build more than the index itself.
//!
//! Pure: no I/O; it returns [`OutputFile`]s.

use std::collections::HashMap;
use std::hash::{Hash, Hasher};

use pulldown_cmark::{CodeBlockKind, Event, Parser, Tag, TagEnd};
use rayon::prelude::*;
use rustc_hash::FxHashMap;
use unicode_normalization::char::{decompose_compatible, is_combining_mark};

use crate::OutputFile;
use crate::content::Course;
use crate::markdown::{self, Heading, Outline};

/// The folder of the output that holds the index.
pub const DIR: &str = "search/";
/// A section number is `chunk << DOC_BITS | position in the chunk`, so the
/// browser finds a section's chunk without a table.
pub const DOC_BITS: u32 = 6;
/// About how many bytes of section text one document chunk holds.
const DOC_CHUNK_BYTES: usize = 8 * 1024;
/// About how many bytes of terms and postings one term chunk holds.
const TERM_CHUNK_BYTES: usize = 16 * 1024;
/// Section text kept for snippets, in characters; the rest is indexed but
/// not shown.
const MAX_TEXT_CHARS: usize = 3000;
/// Longer words (base64, tokens, hashes) are not indexed.
pub const MAX_TERM_CHARS: usize = 32;
/// A word in the section's heading counts this many times.
const HEADING_BOOST: u32 = 4;
/// BM25's parameters.
const K1: f64 = 1.2;
const B: f64 = 0.75;
/// Weights are stored as 1 to this many steps of BM25's maximum, `K1 + 1`.
const WEIGHT_STEPS: f64 = 31.0;

/// Words too common to be worth an entry; a query's last word is matched
/// as a prefix, so typing "the" still finds "then".
const STOP_WORDS: &[&str] = &[
    "an", "and", "are", "as", "at", "be", "by", "for", "from", "has", "have", "in", "is", "it",
    "its", "of", "on", "or", "that", "the", "this", "to", "was", "were", "will", "with",
];

fn is_stop_word(word: &str) -> bool {
    word.len() <= 5 && STOP_WORDS.contains(&word)
}

/// One search document: a lesson's text from one heading to the next.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    /// The heading's id; empty for the lesson's opening (its title and the
    /// text before the first subheading), which opens at the top.
    pub anchor: String,
    /// The heading's text (the lesson title for the opening).
    pub heading: String,
    /// The section's plain text, whitespace collapsed.
    pub text: String,
}

/// Cuts a lesson body (starting at `body_offset` of its file) into
/// sections at its `headings` (from the lesson's outline, which knows
/// their ids). Code blocks count as text; diagrams without their box
/// lines; playground fences and raw HTML not at all.
pub fn sections(body: &str, body_offset: usize, headings: &[Heading]) -> Vec<Section> {
    let by_offset: HashMap<usize, &Heading> = headings.iter().map(|h| (h.offset, h)).collect();
    let mut out = Vec::new();
    let mut current = Section {
        anchor: String::new(),
        heading: String::new(),
        text: String::new(),
    };
    let mut seen_title = false;
    let mut in_heading = 0usize;
    let mut code: Option<(String, String)> = None;
    for (event, range) in Parser::new_ext(body, markdown::options()).into_offset_iter() {
        if in_heading > 0 {
            match event {
                Event::Start(Tag::Heading { .. }) => in_heading += 1,
                Event::End(TagEnd::Heading(_)) => in_heading -= 1,
                _ => {}
            }
            continue;
        }
        if let Some((_, buffer)) = &mut code {
            match event {
                Event::Text(t) => buffer.push_str(&t),
                Event::End(TagEnd::CodeBlock) => {
                    if let Some((info, buffer)) = code.take() {
                        push_code(&mut current.text, &info, &buffer);
                    }
                }
                _ => {}
            }
            continue;
        }
        match event {
            Event::Start(Tag::Heading { .. }) => {
                let Some(heading) = by_offset.get(&(range.start + body_offset)) else {
                    continue;
                };
                in_heading = 1;
                let opening = heading.level == 1 && !seen_title;
                seen_title |= heading.level == 1;
                let next = Section {
                    anchor: if opening {
                        String::new()
                    } else {
                        heading.id.clone()
                    },
                    heading: heading.text.clone(),
                    text: String::new(),
                };
                let previous = std::mem::replace(&mut current, next);
                if !previous.text.trim().is_empty() || !previous.heading.is_empty() {
                    out.push(previous);
                }
            }
            Event::Start(Tag::CodeBlock(kind)) => {
                let info = match kind {
                    CodeBlockKind::Fenced(info) => info.to_string(),
                    CodeBlockKind::Indented => String::new(),
                };
                code = Some((info, String::new()));
            }
            Event::Text(t) | Event::Code(t) => current.text.push_str(&t),
            Event::SoftBreak
            | Event::HardBreak
            | Event::End(
                TagEnd::Paragraph
                | TagEnd::Item
                | TagEnd::TableCell
                | TagEnd::TableHead
                | TagEnd::TableRow
                | TagEnd::BlockQuote(_)
                | TagEnd::List(_)
                | TagEnd::FootnoteDefinition
                | TagEnd::DefinitionListTitle
                | TagEnd::DefinitionListDefinition,
            ) => current.text.push(' '),
            _ => {}
        }
    }
    if let Some((info, buffer)) = code.take() {
        push_code(&mut current.text, &info, &buffer);
    }
    if !current.text.trim().is_empty() || !current.heading.is_empty() {
        out.push(current);
    }
    for section in &mut out {
        section.text = collapse_whitespace(&section.text);
    }
    out
}

/// Appends a code block's text: diagrams without their lines and arrows,
/// playground fences not at all.
fn push_code(text: &mut String, info: &str, code: &str) {
    let lang = markdown::parse_info(info).0.to_lowercase();
    if lang == "playground" {
        return;
    }
    text.push(' ');
    if tokenbook_diagram::is_diagram(&lang, code) {
        text.extend(code.chars().map(|c| match c {
            '\u{2190}'..='\u{21FF}' | '\u{2500}'..='\u{25FF}' => ' ',
            c => c,
        }));
    } else {
        text.push_str(code);
    }
    text.push(' ');
}

fn collapse_whitespace(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for word in text.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// True for the characters indexed as overlapping pairs: Han ideographs,
/// Hiragana and Katakana (written without spaces between words). Hangul
/// is written with spaces and indexed as words. The browser script uses
/// the same ranges.
pub fn is_cjk(c: char) -> bool {
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
pub fn fold_char(c: char, mut emit: impl FnMut(char)) {
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

/// `text` folded as [`fold_char`] folds each character.
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        fold_char(c, |f| out.push(f));
    }
    out
}

/// Splits folded text into terms as they arrive.
#[derive(Default)]
struct Tokenizer {
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
}

/// Calls `emit` with every term of `text`, in order: folded words of 2 to
/// [`MAX_TERM_CHARS`] characters that are not stop words, and pairs of
/// CJK characters (a lone one alone).
pub fn for_each_token(text: &str, mut emit: impl FnMut(&str)) {
    let mut tokenizer = Tokenizer::default();
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b.is_ascii() {
            // Most text is ASCII: no decomposition, no Unicode tables.
            if b.is_ascii_alphanumeric() {
                let start = i;
                while i < bytes.len() && bytes[i].is_ascii_alphanumeric() {
                    i += 1;
                }
                tokenizer.end_cjk(&mut emit);
                let from = tokenizer.word.len();
                tokenizer.word.push_str(&text[start..i]);
                tokenizer.word[from..].make_ascii_lowercase();
                tokenizer.word_chars += i - start;
                continue;
            } else {
                tokenizer.end_word(&mut emit);
                tokenizer.end_cjk(&mut emit);
            }
            i += 1;
        } else {
            let c = text[i..].chars().next().unwrap_or(' ');
            match c {
                // Diagram lines, arrows, shapes and emoji: never letters,
                // with or without decomposition; so skip the tables.
                '\u{2190}'..='\u{21FF}' | '\u{2500}'..='\u{25FF}' | '\u{1F300}'..='\u{1FAFF}' => {
                    tokenizer.push(' ', &mut emit)
                }
                // Variation selectors are combining marks: dropped.
                '\u{FE00}'..='\u{FE0F}' => {}
                _ => fold_char(c, |f| tokenizer.push(f, &mut emit)),
            }
            i += c.len_utf8();
        }
    }
    tokenizer.push(' ', &mut emit);
}

/// Every term of `text`, in order (see [`for_each_token`]).
pub fn tokens(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for_each_token(text, |t| out.push(t.to_string()));
    out
}

/// Postings being collected: per term, (section index, boosted term
/// frequency) in section order; and each section's length in terms.
#[derive(Default)]
struct Postings {
    terms: FxHashMap<String, Vec<(u32, u32)>>,
    lengths: Vec<(u32, u32)>,
}

impl Postings {
    /// Adds section `doc`: one table lookup per term occurrence.
    fn add(mut self, doc: u32, section: &Section) -> Postings {
        let mut length = 0u32;
        let terms = &mut self.terms;
        let mut add = |t: &str, weight: u32| {
            length += 1;
            match terms.get_mut(t) {
                Some(list) => match list.last_mut() {
                    Some(last) if last.0 == doc => last.1 += weight,
                    _ => list.push((doc, weight)),
                },
                None => {
                    terms.insert(t.to_string(), vec![(doc, weight)]);
                }
            }
        };
        for_each_token(&section.heading, |t| add(t, HEADING_BOOST));
        for_each_token(&section.text, |t| add(t, 1));
        self.lengths.push((doc, length));
        self
    }

    /// Both collections; `right` holds later sections than `self`.
    fn merge(mut self, right: Postings) -> Postings {
        for (term, list) in right.terms {
            self.terms.entry(term).or_default().extend(list);
        }
        self.lengths.extend(right.lengths);
        self
    }
}

/// The letters of the posting encoding: 5 bits of a number per letter,
/// and 32 added to every letter but a number's last.
const LETTERS: &[u8; 64] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_";

/// Appends `n` as 5-bit groups, least significant first.
fn push_number(out: &mut String, mut n: u32) {
    loop {
        let low = (n & 31) as usize;
        n >>= 5;
        if n == 0 {
            out.push(LETTERS[low] as char);
            return;
        }
        out.push(LETTERS[low | 32] as char);
    }
}

/// Postings as text: per posting, the section number's distance from the
/// previous one, then its weight (1 to 31).
fn encode_postings(postings: &[(u32, u8)]) -> String {
    let mut out = String::with_capacity(postings.len() * 2);
    let mut previous = 0;
    for &(doc, weight) in postings {
        push_number(&mut out, doc - previous);
        push_number(&mut out, u32::from(weight));
        previous = doc;
    }
    out
}

/// Appends `s` as a JSON string literal (also a JavaScript one: U+2028
/// and U+2029 are escaped too).
fn push_json(out: &mut String, s: &str) {
    out.push('"');
    let mut from = 0;
    for (i, c) in s.char_indices() {
        let escaped = match c {
            '"' => "\\\"",
            '\\' => "\\\\",
            '\n' => "\\n",
            c if (c as u32) < 0x20 || c == '\u{2028}' || c == '\u{2029}' => "",
            _ => continue,
        };
        out.push_str(&s[from..i]);
        if escaped.is_empty() {
            out.push_str(&format!("\\u{:04x}", c as u32));
        } else {
            out.push_str(escaped);
        }
        from = i + c.len_utf8();
    }
    out.push_str(&s[from..]);
    out.push('"');
}

/// Orders terms as JavaScript compares strings (by UTF-16 code units), so
/// the browser's binary search over chunk keys agrees with this order.
fn js_order(a: &str, b: &str) -> std::cmp::Ordering {
    a.encode_utf16().cmp(b.encode_utf16())
}

fn script(name: &str, data: &str) -> OutputFile {
    let mut text = String::with_capacity(data.len() + 40);
    text.push_str("tokenbookSearch.load(");
    push_json(&mut text, name);
    text.push(',');
    text.push_str(data);
    text.push_str(");\n");
    OutputFile {
        path: format!("{DIR}{name}.js"),
        contents: text.into_bytes(),
    }
}

/// Builds the index files of `course`: every lesson's sections, under
/// [`DIR`]. `titles` and `outlines` are per lesson, in reading order.
pub fn index(course: &Course<'_>, titles: &[String], outlines: &[Outline]) -> Vec<OutputFile> {
    let per_lesson: Vec<Vec<Section>> = course
        .lessons
        .par_iter()
        .zip(outlines.par_iter())
        .map(|(lesson, outline)| sections(lesson.body, lesson.body_offset, &outline.headings))
        .collect();
    let lessons: Vec<(&str, String)> = course
        .lessons
        .iter()
        .enumerate()
        .map(|(i, l)| {
            let title = titles.get(i).map_or(l.stem, String::as_str);
            (title, format!("{}index.html", l.url))
        })
        .collect();
    let docs: Vec<(usize, Section)> = per_lesson
        .into_iter()
        .enumerate()
        .flat_map(|(i, sections)| sections.into_iter().map(move |s| (i, s)))
        .collect();
    build_index(&lessons, &docs)
}

/// The index of `docs` (lesson number, section), given each lesson's
/// `(title, url from the site root)`.
pub fn build_index(lessons: &[(&str, String)], docs: &[(usize, Section)]) -> Vec<OutputFile> {
    let mut files = Vec::new();

    // Document chunks: consecutive sections up to a size, at most
    // 2^DOC_BITS of them.
    let mut ids = Vec::with_capacity(docs.len());
    let mut chunks: Vec<std::ops::Range<usize>> = Vec::new();
    let mut bytes = 0;
    for (i, (_, section)) in docs.iter().enumerate() {
        let size = section.text.len().min(MAX_TEXT_CHARS * 2) + section.heading.len() + 40;
        match chunks.last_mut() {
            Some(chunk) if bytes + size <= DOC_CHUNK_BYTES && chunk.len() < 1 << DOC_BITS => {
                chunk.end = i + 1;
                bytes += size;
            }
            _ => {
                chunks.push(i..i + 1);
                bytes = size;
            }
        }
        let chunk = chunks.len() - 1;
        ids.push(((chunk as u32) << DOC_BITS) | (i - chunks[chunk].start) as u32);
    }
    let doc_files: Vec<OutputFile> = chunks
        .par_iter()
        .enumerate()
        .map(|(n, range)| doc_chunk(n, lessons, &docs[range.clone()]))
        .collect();
    files.extend(doc_files);

    // Postings, weighted with BM25 here so the browser only adds them up.
    let collected = docs
        .par_iter()
        .enumerate()
        .fold(Postings::default, |p, (i, (_, section))| {
            p.add(i as u32, section)
        })
        .reduce(Postings::default, Postings::merge);
    let mut lengths = vec![0u32; docs.len()];
    for (doc, length) in collected.lengths {
        lengths[doc as usize] = length;
    }
    let average =
        (lengths.iter().map(|&l| f64::from(l)).sum::<f64>() / docs.len().max(1) as f64).max(1.0);
    let mut terms: Vec<(String, Vec<(u32, u32)>)> = collected.terms.into_iter().collect();
    terms.par_sort_unstable_by(|a, b| js_order(&a.0, &b.0));
    let encoded: Vec<(String, String)> = terms
        .into_par_iter()
        .map(|(term, mut list)| {
            list.sort_unstable();
            let weighted: Vec<(u32, u8)> = list
                .iter()
                .map(|&(doc, tf)| {
                    let tf = f64::from(tf);
                    let length = f64::from(lengths[doc as usize]);
                    let norm = K1 * (1.0 - B + B * length / average);
                    let weight = tf / (tf + norm);
                    let step = (weight * WEIGHT_STEPS).round().clamp(1.0, WEIGHT_STEPS) as u8;
                    (ids[doc as usize], step)
                })
                .collect();
            (term, encode_postings(&weighted))
        })
        .collect();

    // Term chunks: sorted runs of terms up to a size, as two lists (terms,
    // and their postings at the same places). Not an object of `"term":
    // "postings"`: that reads like `"secret": "…"` to credential scanners.
    let mut keys: Vec<&str> = Vec::new();
    let mut terms_json = String::new();
    let mut postings_json = String::new();
    let mut term_files = Vec::new();
    let flush = |keys: &Vec<&str>, terms_json: &mut String, postings_json: &mut String| {
        let data = format!("{{\"terms\":[{terms_json}],\"postings\":[{postings_json}]}}");
        terms_json.clear();
        postings_json.clear();
        script(&format!("t{}", keys.len() - 1), &data)
    };
    for (term, list) in &encoded {
        let size = terms_json.len() + postings_json.len();
        if size > 0 && size + term.len() + list.len() > TERM_CHUNK_BYTES {
            term_files.push(flush(&keys, &mut terms_json, &mut postings_json));
        }
        if terms_json.is_empty() {
            keys.push(term);
        } else {
            terms_json.push(',');
            postings_json.push(',');
        }
        push_json(&mut terms_json, term);
        push_json(&mut postings_json, list);
    }
    if !terms_json.is_empty() {
        term_files.push(flush(&keys, &mut terms_json, &mut postings_json));
    }
    files.extend(term_files);

    // The manifest names the version of the rest, so a browser never mixes
    // chunks of two builds.
    let version = {
        let mut hasher = rustc_hash::FxHasher::default();
        for file in &files {
            file.contents.hash(&mut hasher);
        }
        hasher.finish()
    };
    let mut manifest = format!(
        "{{\"version\":\"{version:016x}\",\"docs\":{},\"docBits\":{DOC_BITS},\"maxTerm\":{MAX_TERM_CHARS},\"stopWords\":[",
        docs.len()
    );
    for (i, word) in STOP_WORDS.iter().enumerate() {
        if i > 0 {
            manifest.push(',');
        }
        push_json(&mut manifest, word);
    }
    manifest.push_str("],\"terms\":[");
    for (i, key) in keys.iter().enumerate() {
        if i > 0 {
            manifest.push(',');
        }
        push_json(&mut manifest, key);
    }
    manifest.push_str("]}");
    files.push(script("manifest", &manifest));
    files
}

/// One document chunk: `{"lessons": [[title, url]…], "docs": [[lesson,
/// anchor, heading, text]…]}`, lessons numbered within the chunk.
fn doc_chunk(n: usize, lessons: &[(&str, String)], docs: &[(usize, Section)]) -> OutputFile {
    let mut local: Vec<usize> = Vec::new();
    let mut data = String::from("{\"docs\":[");
    for (i, (lesson, section)) in docs.iter().enumerate() {
        let at = match local.iter().position(|l| l == lesson) {
            Some(at) => at,
            None => {
                local.push(*lesson);
                local.len() - 1
            }
        };
        if i > 0 {
            data.push(',');
        }
        data.push_str(&format!("[{at},"));
        push_json(&mut data, &section.anchor);
        data.push(',');
        push_json(&mut data, &section.heading);
        data.push(',');
        let text = match section.text.char_indices().nth(MAX_TEXT_CHARS) {
            Some((cut, _)) => &section.text[..cut],
            None => &section.text,
        };
        push_json(&mut data, text);
        data.push(']');
    }
    data.push_str("],\"lessons\":[");
    for (i, lesson) in local.iter().enumerate() {
        if i > 0 {
            data.push(',');
        }
        let (title, url) = lessons
            .get(*lesson)
            .map_or(("", ""), |(t, u)| (*t, u.as_str()));
        data.push('[');
        push_json(&mut data, title);
        data.push(',');
        push_json(&mut data, url);
        data.push(']');
    }
    data.push_str("]}");
    script(&format!("d{n}"), &data)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn outline(body: &str) -> Vec<Heading> {
        markdown::parse(body, 0).outline().headings
    }

    fn decode(text: &str) -> Vec<(u32, u8)> {
        let mut numbers = Vec::new();
        let (mut n, mut shift) = (0u32, 0);
        for b in text.bytes() {
            let v = LETTERS.iter().position(|&l| l == b).unwrap() as u32;
            n |= (v & 31) << shift;
            shift += 5;
            if v < 32 {
                numbers.push(n);
                (n, shift) = (0, 0);
            }
        }
        let mut doc = 0;
        numbers
            .chunks(2)
            .map(|p| {
                doc += p[0];
                (doc, p[1] as u8)
            })
            .collect()
    }

    /// The files of an index, as text by path.
    fn files(lessons: &[(&str, &str)]) -> HashMap<String, String> {
        let titles: Vec<(&str, String)> = lessons
            .iter()
            .enumerate()
            .map(|(i, (t, _))| (*t, format!("l{i}/index.html")))
            .collect();
        let docs: Vec<(usize, Section)> = lessons
            .iter()
            .enumerate()
            .flat_map(|(i, (_, body))| {
                sections(body, 0, &outline(body))
                    .into_iter()
                    .map(move |s| (i, s))
            })
            .collect();
        build_index(&titles, &docs)
            .into_iter()
            .map(|f| (f.path, String::from_utf8(f.contents).unwrap()))
            .collect()
    }

    /// The postings of `term` in an index's files.
    fn postings(files: &HashMap<String, String>, term: &str) -> Option<Vec<(u32, u8)>> {
        files
            .iter()
            .filter(|(p, _)| p.starts_with("search/t"))
            .find_map(|(_, text)| {
                let json = &text[text.find(',')? + 1..text.len() - 3];
                let chunk: serde_json::Value = serde_json::from_str(json).unwrap();
                let at = chunk["terms"].as_array()?.iter().position(|t| t == term)?;
                Some(decode(chunk["postings"][at].as_str()?))
            })
    }

    #[test]
    fn folding_drops_accents_and_case_and_keeps_cjk() {
        assert_eq!(fold("Café ÉLAN naïve"), "cafe elan naive");
        assert_eq!(fold("ﬁne Ⅻ ＡＢＣ"), "fine xii abc");
        assert_eq!(fold("ΟΔΟΣ"), "οδοσ");
        assert_eq!(fold("認証"), "認証");
    }

    #[test]
    fn words_are_folded_and_short_words_and_stop_words_dropped() {
        assert_eq!(
            tokens("The Client's `client_id`, a Résumé of OAuth2 — 401!"),
            ["client", "client", "id", "resume", "oauth2", "401"]
        );
        let long = "x".repeat(MAX_TERM_CHARS + 1);
        assert_eq!(tokens(&format!("eyJ{long} ok")), ["ok"]);
    }

    #[test]
    fn cjk_text_becomes_overlapping_pairs() {
        // Kana lose their voicing marks with the other combining marks.
        assert_eq!(
            tokens("認証サーバー"),
            ["認証", "証サ", "サー", "ーハ", "ハー"]
        );
        assert_eq!(tokens("鍵 token"), ["鍵", "token"]);
        assert_eq!(tokens("JWTの署名"), ["jwt", "の署", "署名"]);
        // Hangul is written with spaces: words, decomposed like any letter.
        assert_eq!(tokens("토큰 발급").len(), 2);
    }

    #[test]
    fn sections_follow_headings_with_their_ids() {
        let body = "# 03 · The Flow\n\nIntro *text*.\n\n## 🔄 The Whole Flow\n\nStep one.\n\n```text\n┌──┐\n│ab│\n└──┘\n```\n\n### Custom {#mine}\n\n```playground sample=app-token\n```\n\nLast.\n";
        let found = sections(body, 0, &outline(body));
        assert_eq!(
            found,
            vec![
                Section {
                    anchor: String::new(),
                    heading: "03 · The Flow".into(),
                    text: "Intro text.".into()
                },
                Section {
                    anchor: "the-whole-flow".into(),
                    heading: "🔄 The Whole Flow".into(),
                    text: "Step one. ab".into()
                },
                Section {
                    anchor: "mine".into(),
                    heading: "Custom".into(),
                    text: "Last.".into()
                },
            ]
        );
    }

    #[test]
    fn sections_line_up_with_file_offsets() {
        // A body after front matter: outline offsets are file offsets.
        let body = "## A\n\nx y\n\n## A\n\nz w\n";
        let headings = markdown::parse(body, 40).outline().headings;
        let ids: Vec<_> = sections(body, 40, &headings)
            .into_iter()
            .map(|s| s.anchor)
            .collect();
        assert_eq!(ids, ["a", "a-1"]);
    }

    #[test]
    fn postings_are_weighted_and_headings_count_more() {
        let index = files(&[
            (
                "One",
                "# One\n\nTokens expire. Tokens expire again.\n\n## Caching\n\nKeep tokens.\n",
            ),
            ("Two", "# Two\n\nA client asks.\n"),
        ]);
        let tokens = postings(&index, "tokens").unwrap();
        assert_eq!(tokens.iter().map(|p| p.0).collect::<Vec<_>>(), [0, 1]);
        assert!(tokens[0].1 > tokens[1].1, "{tokens:?}");
        let caching = postings(&index, "caching").unwrap()[0].1;
        let keep = postings(&index, "keep").unwrap()[0].1;
        assert!(
            caching > keep,
            "a heading word weighs more: {caching} vs {keep}"
        );
        assert_eq!(postings(&index, "client").unwrap()[0].0, 2);
        assert!(postings(&index, "the").is_none());
    }

    #[test]
    fn documents_and_terms_are_chunked_and_the_manifest_names_the_chunks() {
        let body: String = (0..1500)
            .map(|i| {
                format!(
                    "## Section {i}\n\nword{i} alpha{} shared text here\n\n",
                    i % 7
                )
            })
            .collect();
        let lessons: Vec<(&str, &str)> =
            vec![("Big", body.as_str()), ("Small", "# Small\n\nshared\n")];
        let index = files(&lessons);
        let docs = index.keys().filter(|p| p.starts_with("search/d")).count();
        let term_chunks = index.keys().filter(|p| p.starts_with("search/t")).count();
        assert!(docs >= 1501 >> DOC_BITS, "{docs} document chunks");
        assert!(term_chunks > 1, "{term_chunks} term chunks");
        for (path, text) in &index {
            assert!(
                text.len() < 2 * DOC_CHUNK_BYTES.max(TERM_CHUNK_BYTES),
                "{path}: {} bytes",
                text.len()
            );
            let name = &path[DIR.len()..path.len() - 3];
            assert!(
                text.starts_with(&format!("tokenbookSearch.load(\"{name}\",{{")),
                "{path}"
            );
        }
        let manifest = &index["search/manifest.js"];
        assert!(manifest.contains("\"docs\":1501,"), "{manifest}");
        let keys_at = manifest.find("\"terms\":[").unwrap();
        assert_eq!(manifest[keys_at..].matches(',').count() + 1, term_chunks);

        // The last section sits in the last chunk, after the first 64.
        let shared = postings(&index, "shared").unwrap();
        assert_eq!(shared.len(), 1501);
        let last = shared.last().unwrap().0;
        assert_eq!(last >> DOC_BITS, docs as u32 - 1);
        let small = &index[&format!("search/d{}.js", docs - 1)];
        assert!(small.contains("[\"Small\",\"l1/index.html\"]"), "{small}");
    }

    #[test]
    fn text_is_escaped_as_json_and_raw_html_is_left_out() {
        let index = files(&[(
            "Q \"x\"",
            "# Q \"x\"\n\nA \\ b <b>c</b>\n\n<script>alert(1)</script>\n",
        )]);
        let doc = &index["search/d0.js"];
        assert!(doc.contains(r#"[0,"","Q \"x\"","A \\ b c"]"#), "{doc}");
        let mut json = String::new();
        push_json(&mut json, "a\u{2028}\u{1}\n");
        assert_eq!(json, r#""a\u2028\u0001\n""#);
    }

    #[test]
    fn an_empty_course_has_an_empty_index() {
        let index = files(&[]);
        assert_eq!(index.len(), 1);
        assert!(index["search/manifest.js"].contains("\"docs\":0,"));
    }

    #[test]
    fn numbers_round_trip() {
        let list = vec![(0, 1), (1, 31), (64, 5), (100_000, 17)];
        assert_eq!(decode(&encode_postings(&list)), list);
    }
}
