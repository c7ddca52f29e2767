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

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use rayon::prelude::*;

use crate::cache::Cache;
use crate::config::{self, SiteConfig};
use crate::content::{self, Course};
use crate::diagnostic::{Diagnostic, Severity};
use crate::files::{OutputFile, SiteInput};
use crate::hash::key_of;
use crate::links::LinkIndex;
use crate::markdown::Outline;
use crate::pages::SiteView;
use crate::playground::{LazyKit, LeakyApp};
use crate::prepare::{LessonParts, Prepared};
use crate::{search, slug};

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
    let prepared = prepare(input, cache);
    let mut diagnostics = Vec::new();
    let plan = Plan::new(&prepared, &mut diagnostics);
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

/// Every source decoded and looked at on its own, sorted by path.
pub(crate) fn prepare(input: &SiteInput, cache: &Cache) -> Vec<Arc<Prepared>> {
    let mut prepared: Vec<Arc<Prepared>> = input
        .sources
        .par_iter()
        .map(|file| cache.prepared(file))
        .collect();
    prepared.sort_by(|a, b| a.path.cmp(&b.path));
    prepared
}

/// The course once every source is prepared: settings, lessons in reading
/// order with their sources, titles and descriptions.
pub(crate) struct Plan<'a> {
    pub(crate) config: SiteConfig,
    pub(crate) course: Course<'a>,
    /// Per lesson, in reading order: its prepared source (every lesson is a
    /// prepared `.md` file, so it is never missing in practice).
    pub(crate) sources: Vec<Option<&'a Arc<Prepared>>>,
    pub(crate) titles: Vec<String>,
    pub(crate) descriptions: Vec<String>,
    /// The site has the whole-course page (`print/`).
    pub(crate) print_page: bool,
}

impl<'a> Plan<'a> {
    /// Assembles the course from the prepared sources; their problems and
    /// the course's go to `diagnostics`.
    pub(crate) fn new(
        prepared: &'a [Arc<Prepared>],
        diagnostics: &mut Vec<Diagnostic>,
    ) -> Plan<'a> {
        let mut config = SiteConfig::default();
        for source in prepared {
            diagnostics.extend(source.diagnostics.iter().cloned());
            if source.path == config::CONFIG_FILE
                && let Some(parsed) = &source.config
            {
                config = parsed.clone();
            }
        }
        let course = Course::assemble_entries(
            prepared
                .iter()
                .filter(|p| p.path != config::CONFIG_FILE)
                .map(|p| content::Entry {
                    path: &p.path,
                    text: &p.text,
                    split: p
                        .lesson
                        .as_ref()
                        .map(|l| (l.front_matter.clone(), l.body_offset)),
                }),
            diagnostics,
        );
        let by_path: HashMap<&str, &Arc<Prepared>> =
            prepared.iter().map(|p| (p.path.as_str(), p)).collect();
        let sources: Vec<Option<&Arc<Prepared>>> = course
            .lessons
            .iter()
            .map(|l| by_path.get(l.path).copied())
            .collect();
        let mut plan = Plan {
            print_page: !course.lessons.is_empty()
                && config
                    .print_page
                    .unwrap_or(course.lessons.len() <= crate::print::AUTO_LIMIT),
            config,
            course,
            sources,
            titles: Vec::new(),
            descriptions: Vec::new(),
        };
        plan.titles = (0..plan.course.lessons.len())
            .map(|i| {
                let lesson = &plan.course.lessons[i];
                lesson
                    .front_matter
                    .title
                    .clone()
                    .or_else(|| plan.outline(i).title.clone())
                    .unwrap_or_else(|| slug::title_from_name(lesson.stem))
            })
            .collect();
        plan.descriptions = (0..plan.course.lessons.len())
            .map(|i| {
                plan.course.lessons[i]
                    .front_matter
                    .description
                    .clone()
                    .or_else(|| plan.outline(i).summary.clone())
                    .unwrap_or_default()
            })
            .collect();
        plan
    }

    /// What lesson `i`'s source yielded.
    pub(crate) fn parts(&self, i: usize) -> Option<&'a LessonParts> {
        self.sources[i].and_then(|s| s.lesson.as_ref())
    }

    /// Lesson `i`'s headings, links, title and summary.
    pub(crate) fn outline(&self, i: usize) -> &'a Outline {
        static NONE: std::sync::LazyLock<Outline> = std::sync::LazyLock::new(Outline::default);
        self.parts(i).map_or(&NONE, |p| &p.outline)
    }

    /// A hash of lesson `i`'s decoded source.
    pub(crate) fn source_hash(&self, i: usize) -> u64 {
        self.sources[i].map_or(0, |s| s.hash)
    }

    /// The course's leaky app for the playground's Leak step, if any.
    fn leaky_app(&self) -> Option<LeakyApp> {
        self.config
            .playground
            .leaky_app()
            .map(|(page, script)| LeakyApp {
                page: page.to_owned(),
                script: script.to_owned(),
            })
    }

    /// Everything a link may resolve against; `outputs` is every output
    /// path.
    fn link_index(&self, input: &'a SiteInput, outputs: HashSet<String>) -> LinkIndex<'_> {
        let course = &self.course;
        LinkIndex {
            lessons: course
                .lessons
                .iter()
                .enumerate()
                .map(|(i, l)| (l.path, i))
                .collect(),
            urls: course.lessons.iter().map(|l| l.url.as_str()).collect(),
            titles: self.titles.iter().map(String::as_str).collect(),
            anchors: (0..course.lessons.len())
                .into_par_iter()
                .map(|i| {
                    self.outline(i)
                        .headings
                        .iter()
                        .map(|h| h.id.as_str())
                        .collect()
                })
                .collect(),
            parts: course
                .parts
                .iter()
                .map(|p| (p.dir.as_str(), p.url.as_str()))
                .collect(),
            assets: input.assets.iter().map(String::as_str).collect(),
            outputs,
        }
    }

    /// The cache keys of this build.
    pub(crate) fn keys<'k>(&'k self, input: &'k SiteInput) -> keys::Keys<'k> {
        let lessons = 0..self.course.lessons.len();
        keys::Keys::new(keys::KeyInputs {
            course: &self.course,
            titles: &self.titles,
            descriptions: &self.descriptions,
            config: &self.config,
            print_page: self.print_page,
            assets: &input.assets,
            static_files: &input.static_files,
            sources: lessons.clone().map(|i| self.source_hash(i)).collect(),
            anchors: lessons
                .map(|i| self.parts(i).map_or(0, |p| p.anchors))
                .collect(),
            now: input.now,
        })
    }

    /// What the page templates know of the course.
    fn view(&self) -> SiteView<'_> {
        SiteView {
            config: &self.config,
            course: &self.course,
            titles: self.titles.clone(),
            descriptions: self.descriptions.clone(),
            print_page: self.print_page,
        }
    }

    /// The search index: each lesson's sections come with its source; only
    /// putting them together is done for the whole course.
    fn search_job(&self, keys: &keys::Keys<'_>) -> SearchJob {
        SearchJob {
            key: keys.search(),
            lessons: self
                .titles
                .iter()
                .zip(&self.course.lessons)
                .map(|(title, l)| (title.clone(), format!("{}index.html", l.url)))
                .collect(),
            sources: self.sources.iter().map(|s| s.cloned()).collect(),
        }
    }
}

/// The diagnostic for a template that failed: a bug of tokenbook's, not of
/// the content. Returns the empty page that stands in for it.
pub(crate) fn template_failure(
    path: &str,
    error: &askama::Error,
    diagnostics: &mut Vec<Diagnostic>,
) -> String {
    diagnostics.push(
        Diagnostic::error(path, format!("a template failed to render: {error}"))
            .with_hint("this is a bug in tokenbook's templates, not in the content"),
    );
    String::new()
}
