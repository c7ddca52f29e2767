//! The last check of a build: every HTML page of the output — the ones
//! generated and the ones copied from the content and static directories —
//! read for its links and ids (`page_links`, kept by the cache per page),
//! then every link checked against the files and ids of the whole site.

use std::collections::HashSet;
use std::sync::Arc;

use rayon::prelude::*;

use super::emit::Emitter;
use crate::cache::Cache;
use crate::diagnostic::{Diagnostic, Origin};
use crate::files::CopiedPage;
use crate::hash::{hash_bytes, key_of};
use crate::page_links;

/// Checks the links and anchors of every HTML page of the output: the
/// generated ones and those copied from the static and content
/// directories. `files` is every other file of the output.
pub(crate) fn check(
    out: &Emitter<'_>,
    copied: &[CopiedPage],
    files: &HashSet<String>,
    base_path: &str,
    cache: &Cache,
) -> Vec<Diagnostic> {
    let copied_text: Vec<std::borrow::Cow<'_, str>> = copied
        .iter()
        .map(|p| String::from_utf8_lossy(&p.bytes))
        .collect();
    let mut pages: Vec<(page_links::Page<'_>, u64)> = out
        .pages()
        .map(|(path, fingerprint, html)| {
            (
                page_links::Page {
                    path,
                    html,
                    origin: Origin::Generated,
                    source_path: path,
                },
                fingerprint,
            )
        })
        .collect();
    for (page, text) in copied.iter().zip(&copied_text) {
        pages.push((
            page_links::Page {
                path: &page.path,
                html: text,
                origin: page.origin,
                source_path: &page.path,
            },
            hash_bytes(&page.bytes),
        ));
    }
    let scanned: Vec<Arc<page_links::Scanned>> = pages
        .par_iter()
        .map(|(page, fingerprint)| {
            let key = key_of(&("links", fingerprint, page.path, base_path));
            cache.scan(key, || match page.origin {
                Origin::Generated => page_links::scan_generated(page.html, page.path, base_path),
                _ => page_links::scan(page.html, page.path, base_path),
            })
        })
        .collect();
    let mut outputs: HashSet<&str> = files.iter().map(String::as_str).collect();
    outputs.extend(out.entries.iter().map(|(path, _, _)| path.as_str()));
    let pages: Vec<page_links::Page<'_>> = pages.into_iter().map(|(page, _)| page).collect();
    let scanned: Vec<&page_links::Scanned> = scanned.iter().map(Arc::as_ref).collect();
    page_links::check(&pages, &scanned, &outputs)
}
