//! The first step of a build: every source prepared on its own (kept by
//! the cache while its bytes stay the same), then the course assembled
//! from them: settings, lessons in reading order, titles and descriptions,
//! and what the later steps are made from (the link index, the keys, the
//! templates' view, the search job).

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use rayon::prelude::*;

use super::keys::{KeyInputs, Keys};
use super::result::SearchJob;
use crate::cache::Cache;
use crate::config::{self, SiteConfig};
use crate::content::{self, Course};
use crate::diagnostic::Diagnostic;
use crate::files::SiteInput;
use crate::links::LinkIndex;
use crate::markdown::Outline;
use crate::pages::SiteView;
use crate::playground::LeakyApp;
use crate::prepare::{LessonParts, Prepared};
use crate::slug;

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
    pub(crate) fn leaky_app(&self) -> Option<LeakyApp> {
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
    pub(crate) fn link_index(
        &self,
        input: &'a SiteInput,
        outputs: HashSet<String>,
    ) -> LinkIndex<'_> {
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
    pub(crate) fn keys<'k>(&'k self, input: &'k SiteInput) -> Keys<'k> {
        let lessons = 0..self.course.lessons.len();
        Keys::new(KeyInputs {
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
    pub(crate) fn view(&self) -> SiteView<'_> {
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
    pub(crate) fn search_job(&self, keys: &Keys<'_>) -> SearchJob {
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
