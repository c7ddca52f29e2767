//! What a build returns — the files, their fingerprints, every problem, the
//! search index when it is left for later — and what it may reuse.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use crate::cache::Cache;
use crate::diagnostic::{Diagnostic, Severity};
use crate::files::OutputFile;
use crate::hash::key_of;
use crate::prepare::Prepared;
use crate::search;

/// The result of a build: files to write and problems to report.
#[derive(Debug, Clone, Default)]
pub struct Build {
    /// Generated pages, sitemap, redirects and search index: from
    /// [`crate::build`] and [`crate::build_cached`] all of them; from
    /// [`crate::build_with`] only
    /// those not already written (see [`Reuse::written`]), and no search
    /// index when it is deferred.
    pub files: Vec<OutputFile>,
    /// Every generated file's path and fingerprint (a deferred search index
    /// aside), in the order a full build lists the files: the same
    /// fingerprint from this version of tokenbook means the same bytes.
    pub outputs: Vec<(String, u64)>,
    /// Every problem found, sorted by file and position.
    pub diagnostics: Vec<Diagnostic>,
    /// How many lessons the course has.
    pub lessons: usize,
    /// True when a page embeds the token playground, which needs its
    /// WebAssembly module in the output.
    pub uses_playground: bool,
    /// The search index, to be built with [`SearchJob::run`], when
    /// [`Reuse::defer_search`] asked for it to be left out.
    pub search: Option<SearchJob>,
}

impl Build {
    /// True when the output must not be written.
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }

    /// How many diagnostics have this severity.
    pub fn count(&self, severity: Severity) -> usize {
        self.diagnostics
            .iter()
            .filter(|d| d.severity == severity)
            .count()
    }

    /// How many HTML pages were generated.
    pub fn pages(&self) -> usize {
        self.files
            .iter()
            .filter(|f| f.path.ends_with(".html"))
            .count()
    }

    /// [`Build::outputs`] by path: what to pass as [`Reuse::written`] once
    /// they are written.
    pub fn written(&self) -> HashMap<String, u64> {
        self.outputs.iter().cloned().collect()
    }

    /// The files of `written` that this build no longer generates.
    pub fn gone(&self, written: &HashMap<String, u64>) -> Vec<String> {
        let current: HashSet<&str> = self.outputs.iter().map(|(p, _)| p.as_str()).collect();
        written
            .keys()
            .filter(|p| !current.contains(p.as_str()))
            .cloned()
            .collect()
    }
}

/// What [`crate::build_with`] may reuse, and what it may leave out.
#[derive(Clone, Copy)]
pub struct Reuse<'a> {
    /// Results of earlier builds.
    pub cache: &'a Cache,
    /// Fingerprints (from [`Build::outputs`]) of the files already in the
    /// output: a file whose fingerprint is unchanged is left out of
    /// [`Build::files`], so it is neither copied nor compared.
    pub written: Option<&'a HashMap<String, u64>>,
    /// Leave the search index out of the files and return what builds it
    /// in [`Build::search`], to be built later.
    pub defer_search: bool,
}

/// The search index of a build with everything it is made from, owned, so
/// it can be built later or on another thread.
#[derive(Debug, Clone)]
pub struct SearchJob {
    pub(super) key: u64,
    /// Per lesson: its title and its page's path.
    pub(super) lessons: Vec<(String, String)>,
    /// Per lesson: its source, which holds its search sections.
    pub(super) sources: Vec<Option<Arc<Prepared>>>,
}

impl SearchJob {
    /// Two jobs with the same key make the same files.
    pub fn key(&self) -> u64 {
        self.key
    }

    /// The index files, as the search module makes them for the
    /// course.
    pub fn run(&self) -> Vec<OutputFile> {
        let none = search::Sections::default();
        let lessons: Vec<search::IndexLesson<'_>> = self
            .lessons
            .iter()
            .zip(&self.sources)
            .map(|((title, page), source)| search::IndexLesson {
                title,
                page,
                sections: source
                    .as_ref()
                    .and_then(|s| s.lesson.as_ref())
                    .map_or(&none, |l| &l.sections),
            })
            .collect();
        search::build_index(&lessons)
    }

    /// The fingerprint of one of its files.
    pub(crate) fn fingerprint(&self, path: &str) -> u64 {
        key_of(&(self.key, path))
    }
}
