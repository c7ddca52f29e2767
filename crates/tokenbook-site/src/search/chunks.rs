//! The index's files of terms and of sections: postings collected per
//! term, cut into term chunks by sorted term and document chunks of
//! consecutive sections, about the same number of bytes each.

use std::collections::hash_map::Entry;

use rustc_hash::FxHashMap;

use rayon::prelude::*;

use super::rice::encode_postings;
use super::scripts::{js_order, push_json, script};
use super::sections::IndexLesson;
use super::sections::Sections;
use crate::OutputFile;
use crate::slug::heading_id;

/// About how many bytes of lessons and headings one document chunk holds.
pub(super) const DOC_CHUNK_BYTES: usize = 4 * 1024;
/// About how many bytes of terms and postings one term chunk holds.
pub(super) const TERM_CHUNK_BYTES: usize = 16 * 1024;

/// Postings being collected: per term, (section, count) in section order.
#[derive(Default)]
pub(super) struct Postings<'a> {
    numbers: FxHashMap<&'a str, u32>,
    pub(super) terms: Vec<(&'a str, Vec<(u32, u32)>)>,
    /// A lesson's term numbers here, by their numbers in the lesson.
    local: Vec<u32>,
}

impl<'a> Postings<'a> {
    fn number(&mut self, term: &'a str) -> u32 {
        let terms = &mut self.terms;
        *self.numbers.entry(term).or_insert_with(|| {
            terms.push((term, Vec::new()));
            terms.len() as u32 - 1
        })
    }

    /// Adds a lesson whose first section is number `first`.
    pub(super) fn add(mut self, lesson: &IndexLesson<'a>, first: u32) -> Self {
        let sections: &'a Sections = lesson.sections;
        let mut local = std::mem::take(&mut self.local);
        local.clear();
        for i in 0..sections.ends.len() as u32 {
            local.push(self.number(sections.term(i)));
        }
        for (section, doc) in sections.list.iter().zip(first..) {
            for &(t, count) in &section.counts {
                self.terms[local[t as usize] as usize].1.push((doc, count));
            }
        }
        self.local = local;
        self
    }

    /// Both collections; `right` holds later sections than `self`.
    pub(super) fn merge(mut self, right: Self) -> Self {
        for (term, list) in right.terms {
            let n = self.number(term);
            self.terms[n as usize].1.extend(list);
        }
        self
    }
}

/// The term chunks: sorted runs of terms up to a size, as two lists
/// (terms, and their postings at the same places), and the first term of
/// each. Not an object of `"term": "postings"`: that reads like `"secret":
/// "…"` to credential scanners.
pub(super) fn term_chunks(mut terms: Vec<(&str, Vec<(u32, u32)>)>) -> (Vec<OutputFile>, Vec<&str>) {
    terms.par_sort_unstable_by(|a, b| js_order(a.0, b.0));
    let encoded: Vec<String> = terms
        .par_iter()
        .map(|(_, list)| encode_postings(list))
        .collect();
    let mut files = Vec::new();
    let mut keys: Vec<&str> = Vec::new();
    let mut terms_json = String::new();
    let mut postings_json = String::new();
    let flush = |keys: &Vec<&str>, terms_json: &mut String, postings_json: &mut String| {
        let data = format!("{{\"terms\":[{terms_json}],\"postings\":[{postings_json}]}}");
        terms_json.clear();
        postings_json.clear();
        script(&format!("t{}", keys.len() - 1), &data)
    };
    for ((term, _), list) in terms.iter().zip(&encoded) {
        let size = terms_json.len() + postings_json.len();
        if size > 0 && size + term.len() + list.len() > TERM_CHUNK_BYTES {
            files.push(flush(&keys, &mut terms_json, &mut postings_json));
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
        files.push(flush(&keys, &mut terms_json, &mut postings_json));
    }
    (files, keys)
}

/// Writes the document chunks into `files` and returns the number of the
/// first section of each. A chunk is `{"lessons": [[page, title,
/// section…]…]}`, the page without its final `index.html`; a section is
/// `0` for the lesson's opening under its title; its heading when its
/// anchor is the heading's id as the browser derives it (ASCII letters
/// and digits lowercased, spaces and hyphens as single hyphens, the rest
/// dropped), and then `n` for the same heading again in the chunk (the
/// n-th heading written so: "Beginner Check" in every lesson); or
/// `[anchor, heading]`. A lesson's sections may go on in the next chunk,
/// which names the lesson again.
pub(super) fn doc_chunks(lessons: &[IndexLesson<'_>], files: &mut Vec<OutputFile>) -> Vec<u32> {
    let mut firsts = Vec::new();
    let mut data = String::new();
    let mut doc = 0u32;
    // The headings written as strings in the current chunk, numbered from 1.
    let mut seen: FxHashMap<&str, usize> = FxHashMap::default();
    let mut flush = |data: &mut String, firsts: &[u32], seen: &mut FxHashMap<&str, usize>| {
        files.push(script(
            &format!("d{}", firsts.len() - 1),
            &format!("{{\"lessons\":[{data}]}}"),
        ));
        data.clear();
        seen.clear();
    };
    for lesson in lessons {
        let mut open = false;
        for section in &lesson.sections.list {
            if open && data.len() >= DOC_CHUNK_BYTES {
                data.push(']');
                flush(&mut data, &firsts, &mut seen);
                open = false;
            }
            if !open {
                if data.is_empty() {
                    firsts.push(doc);
                } else {
                    data.push(',');
                }
                data.push('[');
                push_json(
                    &mut data,
                    lesson
                        .page
                        .strip_suffix("index.html")
                        .unwrap_or(lesson.page),
                );
                data.push(',');
                push_json(&mut data, lesson.title);
                open = true;
            }
            data.push(',');
            if section.anchor.is_empty()
                && (section.heading.is_empty() || section.heading == lesson.title)
            {
                data.push('0');
            } else if !section.anchor.is_empty()
                && derived_anchor(&section.heading, &section.anchor)
            {
                let next = seen.len() + 1;
                match seen.entry(&section.heading) {
                    Entry::Occupied(n) => data.push_str(&n.get().to_string()),
                    Entry::Vacant(place) => {
                        place.insert(next);
                        push_json(&mut data, &section.heading);
                    }
                }
            } else {
                data.push('[');
                push_json(&mut data, &section.anchor);
                data.push(',');
                push_json(&mut data, &section.heading);
                data.push(']');
            }
            doc += 1;
        }
        if open {
            data.push(']');
            if data.len() >= DOC_CHUNK_BYTES {
                flush(&mut data, &firsts, &mut seen);
            }
        }
    }
    if !data.is_empty() {
        flush(&mut data, &firsts, &mut seen);
    }
    firsts
}

/// True when the browser derives `anchor` from `heading` by itself: its
/// letters and digits are ASCII, and the id is the heading's own.
fn derived_anchor(heading: &str, anchor: &str) -> bool {
    heading
        .chars()
        .all(|c| c.is_ascii() || !c.is_alphanumeric())
        && heading_id(heading) == anchor
}
