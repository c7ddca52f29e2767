//! tokenbook's site builder: lesson sources in memory in, a complete static
//! site in memory out, with every problem found along the way.
//!
//! [`build`] is the one entry point. It decodes and parses every lesson,
//! orders them into a course, checks and rewrites links, renders pages in
//! parallel and returns a [`Build`]: the output files and the
//! [`Diagnostic`]s. It does no I/O; `xtask` reads the content directory and
//! writes the output. [`build_with`] is the same build for `serve`: it
//! reuses what a [`Cache`] kept from earlier builds, returns only the files
//! that differ from those already written, and can leave the search index
//! to be built later.
//!
//! Every module is private; this page is the whole public surface.

#![forbid(unsafe_code)]

mod beginner_check;
mod build;
mod cache;
mod config;
mod content;
pub mod credentials;
mod diagnostic;
mod encoding;
mod events;
mod exercise;
mod files;
mod front_matter;
#[cfg(test)]
mod golden;
mod hash;
mod highlight;
mod html;
mod links;
mod markdown;
mod markup;
mod memo;
mod page_links;
mod pages;
mod playground;
mod prepare;
mod print;
mod raw_html;
mod search;
mod slug;

pub use build::{Build, Reuse, SearchJob, WASM_FILES, build, build_cached, build_with};
pub use cache::Cache;
pub use config::{PlaygroundConfig, SiteConfig};
pub use diagnostic::{Diagnostic, Origin, Roots, Severity};
pub use files::{CopiedPage, OutputFile, SiteInput, SourceFile, lesson_stem};
pub use hash::hash_bytes;
pub use print::PRINT_URL;
pub use search::DIR as SEARCH_DIR;
pub use slug::{heading_id, slugify};
