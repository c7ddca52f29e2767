//! The build: sources in memory in, the site's files and every problem
//! out. [`build_with`] runs it in steps, each in a module of its own:
//!
//! 1. [`prepare`] each source on its own (kept by the cache while its bytes
//!    stay the same), then [`Plan`]: the settings, the course in reading
//!    order, its titles and descriptions;
//! 2. `outputs`: who owns which output path, decided before anything is
//!    rendered;
//! 3. `keys`: every cache key, from one struct;
//! 4. `lessons`: the lesson pages, in parallel, beside the search index;
//! 5. `emit`: the other pages, and the files to write;
//! 6. `page_check`: the link and anchor check of every finished page.

mod emit;
mod keys;
mod lessons;
mod outputs;
mod page_check;
mod plan;

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use crate::cache::Cache;
use crate::diagnostic::{Diagnostic, Severity};
use crate::files::{OutputFile, SiteInput};
use crate::hash::key_of;
use crate::playground::LazyKit;
use crate::prepare::Prepared;
use crate::search;

pub use outputs::WASM_FILES;

/// The result of a build: files to write and problems to report.
#[derive(Debug, Clone, Default)]
pub struct Build {
    /// Generated pages, sitemap, redirects and search index: from
    /// [`build`] and [`build_cached`] all of them; from [`build_with`] only
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

/// What [`build_with`] may reuse, and what it may leave out.
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
    key: u64,
    /// Per lesson: its title and its page's path.
    lessons: Vec<(String, String)>,
    /// Per lesson: its source, which holds its search sections.
    sources: Vec<Option<Arc<Prepared>>>,
}

impl SearchJob {
    /// Two jobs with the same key make the same files.
    pub fn key(&self) -> u64 {
        self.key
    }

    /// The index files, as [`search::build_index`] makes them for the
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

/// Builds the site. Never panics on content: every problem becomes a
/// [`Diagnostic`], and the files are only meant to be written when
/// [`Build::has_errors`] is false.
pub fn build(input: &SiteInput) -> Build {
    build_cached(input, &Cache::disabled())
}

/// [`build`], reusing what `cache` kept from earlier builds of the same
/// content; the result is the same as without it.
pub fn build_cached(input: &SiteInput, cache: &Cache) -> Build {
    build_with(
        input,
        Reuse {
            cache,
            written: None,
            defer_search: false,
        },
    )
}

/// [`build_cached`], leaving out what `reuse` says is written already or
/// is to be built later. An edit costs about what it touched: unchanged
/// sources are not decoded or parsed again, an unchanged lesson is one
/// cache lookup, and an unchanged output file is not copied.
pub fn build_with(input: &SiteInput, reuse: Reuse<'_>) -> Build {
    let cache = reuse.cache;
    cache.begin();
    let prepared = plan::prepare(input, cache);
    let mut diagnostics = Vec::new();
    let plan = plan::Plan::new(&prepared, &mut diagnostics);
    let outputs = outputs::claim_outputs(&plan.course, input, plan.print_page, &mut diagnostics);
    outputs::check_site_files(&plan.config, input, &outputs, &mut diagnostics);
    let index = plan.link_index(input, outputs);
    let keys = plan.keys(input);
    let view = plan.view();
    let kit = LazyKit::new(input.now, plan.leaky_app());
    let job = plan.search_job(&keys);
    let lessons = lessons::Lessons {
        plan: &plan,
        index: &index,
        keys: &keys,
        view: &view,
        kit: &kit,
        cache,
    };
    // The index does not depend on the pages: it is made beside them.
    let (pages, search_files) = rayon::join(
        || lessons.render(),
        || (!reuse.defer_search).then(|| cache.search(job.key, || job.run())),
    );
    let mut out = emit::Emitter::new(reuse.written);
    let uses_playground = emit::pages(&mut out, &lessons, pages, &mut diagnostics);
    let search = match search_files {
        None => Some(job),
        Some(files) => {
            let files = Arc::try_unwrap(files).unwrap_or_else(|kept| kept.as_ref().clone());
            for file in files {
                out.emit_bytes(job.fingerprint(&file.path), file);
            }
            None
        }
    };
    // A safety net over the finished pages, for what the checks of the
    // sources cannot see (pages copied as they are, templates). Its findings
    // would repeat theirs, so it runs once they pass.
    if !diagnostics.iter().any(Diagnostic::is_error) {
        let mut files = index.outputs;
        if uses_playground {
            files.extend(WASM_FILES.iter().map(|f| f.to_string()));
        }
        let base_path = plan.config.base_path();
        diagnostics.extend(page_check::check(
            &out,
            &input.copied_pages,
            &files,
            &base_path,
            cache,
        ));
    }
    diagnostics.sort_by(|a, b| {
        (a.origin, &a.path, a.line, a.column, &a.message)
            .cmp(&(b.origin, &b.path, b.line, b.column, &b.message))
    });
    diagnostics.dedup();
    let (files, outputs) = out.finish();
    Build {
        files,
        outputs,
        diagnostics,
        lessons: plan.course.lessons.len(),
        uses_playground,
        search,
    }
}
