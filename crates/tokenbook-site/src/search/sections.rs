//! A lesson cut into search documents: one section per heading (the
//! opening holds the title and the text before the first subheading), each
//! with its length and its terms counted, read from the markdown source by
//! `reader` without parsing it again.

use std::hash::Hasher;

use rustc_hash::FxHashMap;

use super::reader::scan;
use super::text::{Tokenizer, for_each_token};
use crate::markdown::Heading;

/// A word in the section's heading counts this many times.
const HEADING_BOOST: u32 = 4;
/// Counts above this are stored as this (BM25 has long saturated).
pub(super) const MAX_COUNT: u32 = 63;

/// What one lesson gives the index: its sections and the terms in them,
/// made by [`sections`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Sections {
    /// The sections, in order.
    pub list: Vec<Section>,
    /// The lesson's distinct terms, one after another.
    words: String,
    /// Where each term of `words` ends.
    pub(super) ends: Vec<u32>,
}

/// One search document: a lesson's text from one heading to the next.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Section {
    /// The heading's id; empty for the lesson's opening (its title and the
    /// text before the first subheading), which opens at the top.
    pub anchor: String,
    /// The heading's text (the lesson title for the opening).
    pub heading: String,
    /// How many terms the section holds, its heading's included.
    pub length: u32,
    /// Per distinct term, in order of first use: its number in the lesson
    /// and its count (a heading's words count [`HEADING_BOOST`] times).
    pub(super) counts: Vec<(u32, u32)>,
}

impl Sections {
    pub(super) fn term(&self, i: u32) -> &str {
        let i = i as usize;
        let start = if i == 0 { 0 } else { self.ends[i - 1] as usize };
        &self.words[start..self.ends[i] as usize]
    }

    #[cfg(test)]
    /// A section's terms with their counts, in order of first use.
    pub(crate) fn terms<'a>(
        &'a self,
        section: &'a Section,
    ) -> impl Iterator<Item = (&'a str, u32)> + 'a {
        section
            .counts
            .iter()
            .map(move |&(t, count)| (self.term(t), count))
    }
}

/// A lesson as the index lists it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct IndexLesson<'a> {
    /// Its title.
    pub title: &'a str,
    /// Its page from the site root: `03-the-flow/index.html`.
    pub page: &'a str,
    /// What [`sections`] made of it.
    pub sections: &'a Sections,
}

/// Counts the terms of a lesson's sections as they come.
struct Counter {
    /// Term numbers by the term's hash (the next hashes up after a
    /// collision): no allocation per term.
    numbers: FxHashMap<u64, u32>,
    words: String,
    ends: Vec<u32>,
    /// Per term number: its count in the current section.
    counts: Vec<u32>,
    /// The term numbers of the current section, in order of first use.
    used: Vec<u32>,
    length: u32,
}

impl Counter {
    /// Room for the terms of a long lesson, so the table is not grown.
    fn new() -> Counter {
        Counter {
            numbers: FxHashMap::with_capacity_and_hasher(1024, Default::default()),
            words: String::with_capacity(8 * 1024),
            ends: Vec::with_capacity(1024),
            counts: Vec::with_capacity(1024),
            used: Vec::with_capacity(256),
            length: 0,
        }
    }

    fn term(&self, n: u32) -> &str {
        let n = n as usize;
        let start = if n == 0 { 0 } else { self.ends[n - 1] as usize };
        &self.words[start..self.ends[n] as usize]
    }

    fn add(&mut self, term: &str, weight: u32) {
        self.length += 1;
        let mut hasher = rustc_hash::FxHasher::default();
        hasher.write(term.as_bytes());
        let mut key = hasher.finish();
        let n = loop {
            match self.numbers.get(&key) {
                Some(&n) if self.term(n) == term => break n,
                Some(_) => key = key.wrapping_add(1),
                None => {
                    let n = self.ends.len() as u32;
                    self.numbers.insert(key, n);
                    self.words.push_str(term);
                    self.ends.push(self.words.len() as u32);
                    self.counts.push(0);
                    break n;
                }
            }
        };
        let count = &mut self.counts[n as usize];
        if *count == 0 {
            self.used.push(n);
        }
        *count += weight;
    }

    /// Ends the current section: its length and term counts.
    fn take(&mut self) -> (u32, Vec<(u32, u32)>) {
        let counts = self
            .used
            .drain(..)
            .map(|n| {
                let count = std::mem::take(&mut self.counts[n as usize]);
                (n, count.min(MAX_COUNT))
            })
            .collect();
        (std::mem::take(&mut self.length), counts)
    }
}

/// Cuts a lesson body (starting at `body_offset` of its file) into
/// sections at its `headings` (from the lesson's outline, which knows
/// their ids and text) and counts their terms. Text before the first
/// heading is a section of its own when it has words.
pub(crate) fn sections(body: &str, body_offset: usize, headings: &[Heading]) -> Sections {
    let mut counter = Counter::new();
    let mut tokenizer = Tokenizer::default();
    let mut list = Vec::new();
    let mut anchor = String::new();
    let mut heading = String::new();
    let mut seen_title = false;
    let mut from = 0;
    let starts = headings.iter().filter_map(|h| {
        let at = h.offset.checked_sub(body_offset)?;
        (at <= body.len() && body.is_char_boundary(at)).then_some((at, h))
    });
    let mut end_section = |counter: &mut Counter, anchor: String, heading: String| {
        let (length, counts) = counter.take();
        if length > 0 || !heading.is_empty() {
            list.push(Section {
                anchor,
                heading,
                length,
                counts,
            });
        }
    };
    for (at, h) in starts {
        if at < from {
            continue;
        }
        scan(&body[from..at], &mut tokenizer, &mut |t| counter.add(t, 1));
        end_section(
            &mut counter,
            std::mem::take(&mut anchor),
            std::mem::take(&mut heading),
        );
        let opening = h.level == 1 && !seen_title;
        seen_title |= h.level == 1;
        if !opening {
            anchor.clone_from(&h.id);
        }
        heading.clone_from(&h.text);
        for_each_token(&h.text, |t| counter.add(t, HEADING_BOOST));
        from = heading_end(body, at);
    }
    scan(&body[from..], &mut tokenizer, &mut |t| counter.add(t, 1));
    end_section(&mut counter, anchor, heading);
    counter.words.shrink_to_fit();
    counter.ends.shrink_to_fit();
    Sections {
        list,
        words: counter.words,
        ends: counter.ends,
    }
}

/// Where the heading starting at `at` ends: after its line, or for a
/// setext heading after its underline.
fn heading_end(body: &str, at: usize) -> usize {
    let line_end = |from: usize| body[from..].find('\n').map_or(body.len(), |i| from + i + 1);
    if body[at..].starts_with('#') {
        return line_end(at);
    }
    let mut end = at;
    for _ in 0..16 {
        if end >= body.len() {
            break;
        }
        let next = line_end(end);
        let line = body[end..next].trim();
        end = next;
        if end > line_end(at)
            && !line.is_empty()
            && (line.bytes().all(|b| b == b'=') || line.bytes().all(|b| b == b'-'))
        {
            return end;
        }
    }
    line_end(at)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terms_whose_hashes_collide_are_counted_apart() {
        let key = |term: &str| {
            let mut hasher = rustc_hash::FxHasher::default();
            hasher.write(term.as_bytes());
            hasher.finish()
        };
        let mut counter = Counter::new();
        counter.add("alpha", 1);
        // "beta" as if it hashed like "alpha", and the key after it taken
        // by "alpha" too: "beta" goes two keys on.
        let alpha = counter.numbers[&key("alpha")];
        counter.numbers.insert(key("beta"), alpha);
        counter.numbers.insert(key("beta").wrapping_add(1), alpha);
        counter.add("beta", 1);
        counter.add("alpha", 4);
        counter.add("beta", 1);
        assert_eq!(counter.numbers.get(&key("beta").wrapping_add(2)), Some(&1));
        let (length, counts) = counter.take();
        assert_eq!(length, 4);
        assert_eq!(counts, [(0, 5), (1, 2)]);
        assert_eq!((counter.term(0), counter.term(1)), ("alpha", "beta"));
    }
}
