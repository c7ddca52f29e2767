//! The course's index put together from every lesson's sections: section
//! lengths, postings per term, term and document chunks, and the manifest
//! that names them.

use std::hash::{Hash, Hasher};

use rayon::prelude::*;

use super::chunks::{Postings, doc_chunks, term_chunks};
use super::rice::LETTERS;
use super::scripts::{push_json, script};
use super::sections::IndexLesson;
use super::text::{MAX_TERM_CHARS, STOP_WORDS};
use crate::OutputFile;

/// BM25's parameters.
const K1: f64 = 1.2;
const B: f64 = 0.75;
/// A section's length is stored as `LENGTH_STEPS * log2(length /
/// average) + 32`, rounded into 1..=63; 0 for no terms at all.
const LENGTH_STEPS: f64 = 8.0;

/// The index of `lessons`, in reading order.
pub(crate) fn build_index(lessons: &[IndexLesson<'_>]) -> Vec<OutputFile> {
    // Sections are numbered in reading order.
    let firsts: Vec<u32> = lessons
        .iter()
        .scan(0, |next, lesson| {
            let first = *next;
            *next += lesson.sections.list.len() as u32;
            Some(first)
        })
        .collect();
    let lengths: Vec<u32> = lessons
        .iter()
        .flat_map(|l| l.sections.list.iter().map(|s| s.length))
        .collect();
    let ((term_files, keys), (mut files, doc_firsts)) = rayon::join(
        || {
            // A few long runs of lessons, so merging copies little.
            let run = lessons
                .len()
                .div_ceil(2 * rayon::current_num_threads())
                .max(64);
            let collected = lessons
                .par_chunks(run)
                .zip(firsts.par_chunks(run))
                .map(|(lessons, firsts)| {
                    lessons
                        .iter()
                        .zip(firsts)
                        .fold(Postings::default(), |p, (lesson, &first)| {
                            p.add(lesson, first)
                        })
                })
                .reduce(Postings::default, Postings::merge);
            term_chunks(collected.terms)
        },
        || {
            let mut files = Vec::new();
            let firsts = doc_chunks(lessons, &mut files);
            (files, firsts)
        },
    );
    files.extend(term_files);

    // Lengths relative to the average, on a log scale: one letter each.
    let average =
        (lengths.iter().map(|&l| f64::from(l)).sum::<f64>() / lengths.len().max(1) as f64).max(1.0);
    let letters: String = lengths
        .iter()
        .map(|&length| {
            let step = if length == 0 {
                0.0
            } else {
                (LENGTH_STEPS * (f64::from(length) / average).log2() + 32.0)
                    .round()
                    .clamp(1.0, 63.0)
            };
            LETTERS[step as usize] as char
        })
        .collect();
    let mut data = String::new();
    push_json(&mut data, &letters);
    files.push(script("lengths", &data));

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
        "{{\"version\":\"{version:016x}\",\"docs\":{},\"k1\":{K1},\"b\":{B},\"lengthSteps\":{LENGTH_STEPS},\"maxTerm\":{MAX_TERM_CHARS},\"stopWords\":[",
        lengths.len()
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
    manifest.push_str("],\"docChunks\":[");
    for (i, first) in doc_firsts.iter().enumerate() {
        if i > 0 {
            manifest.push(',');
        }
        manifest.push_str(&first.to_string());
    }
    manifest.push_str("]}");
    files.push(script("manifest", &manifest));
    files
}
