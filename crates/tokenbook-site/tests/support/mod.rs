//! What the tests of whole in-memory sites share: a site from files, with
//! the generator's own static files every page links to.

#![allow(dead_code)] // each test file uses what it needs

use tokenbook_site::{SiteInput, SourceFile};

/// The generator's own files (`static/`), which every page links to.
pub(crate) const STATIC_FILES: [&str; 9] = [
    "favicon.svg",
    "css/site.css",
    "css/playground.css",
    "js/theme.js",
    "js/site.js",
    "js/search.js",
    "js/search-core.js",
    "js/search-engine.js",
    "js/playground.js",
];

/// A site of these sources (path, bytes) and assets, built at a fixed
/// time.
pub(crate) fn site_of(files: &[(&str, &[u8])], assets: &[&str]) -> SiteInput {
    SiteInput {
        sources: files
            .iter()
            .map(|(path, bytes)| SourceFile {
                path: path.to_string(),
                bytes: bytes.to_vec(),
            })
            .collect(),
        assets: assets.iter().map(|a| a.to_string()).collect(),
        static_files: STATIC_FILES.iter().map(|f| f.to_string()).collect(),
        now: 1_780_000_000,
        ..SiteInput::default()
    }
}
