//! The lesson pages, rendered in parallel: each lesson's links resolved,
//! its body rendered (highlighted code kept by the cache), its page around
//! the body, and its chapter of the whole-course page. An unchanged lesson
//! is one cache lookup; one whose key changed still reuses its body and
//! page from their own keys.

use std::collections::HashMap;
use std::sync::Arc;

use rayon::prelude::*;

use super::keys::Keys;
use super::plan::Plan;
use crate::cache::{Cache, LessonOut};
use crate::links::{self, LinkIndex};
use crate::markdown::{self, Rendered};
use crate::pages::{SiteView, template_failure};
use crate::playground::LazyKit;
use crate::{highlight, html, print};

/// What rendering the lessons needs.
pub(crate) struct Lessons<'a> {
    pub(crate) plan: &'a Plan<'a>,
    pub(crate) index: &'a LinkIndex<'a>,
    pub(crate) keys: &'a Keys<'a>,
    pub(crate) view: &'a SiteView<'a>,
    pub(crate) kit: &'a LazyKit,
    pub(crate) cache: &'a Cache,
}

impl Lessons<'_> {
    /// Every lesson, in reading order.
    pub(crate) fn render(&self) -> Vec<Arc<LessonOut>> {
        let chapter_keys: HashMap<&str, String> = if self.plan.print_page {
            self.plan
                .course
                .lessons
                .iter()
                .map(|l| (l.url.as_str(), print::chapter_key(&l.url)))
                .collect()
        } else {
            HashMap::new()
        };
        (0..self.plan.course.lessons.len())
            .into_par_iter()
            .map(|i| {
                self.cache
                    .lesson(self.keys.lesson(i), || self.render_one(i, &chapter_keys))
            })
            .collect()
    }

    fn render_one(&self, i: usize, chapter_keys: &HashMap<&str, String>) -> LessonOut {
        let lesson = &self.plan.course.lessons[i];
        let outline = self.plan.outline(i);
        let mut found = Vec::new();
        let targets = links::resolve_all(
            self.index,
            i,
            lesson.path,
            lesson.source,
            &outline.links,
            &mut found,
        );
        let cache = self.cache;
        let highlight = |key: u64, lang: &str, code: &str| {
            cache.highlight(key, || highlight::highlight(lang, code))
        };
        let context = markdown::RenderContext {
            page_url: &lesson.url,
            playground: self.kit,
            highlight: &highlight,
        };
        let body_key = self.keys.body(i, &targets);
        let rendered = cache.body(body_key, || {
            let events = markdown::parse(lesson.body, lesson.body_offset);
            markdown::render(&events, lesson.path, lesson.source, &targets, &context)
        });
        found.extend(rendered.diagnostics.iter().cloned());
        let playground = rendered.playgrounds > 0;
        let page_key = self.keys.page(i, body_key);
        let page = cache.page(page_key, || {
            self.view
                .lesson_page(
                    i,
                    rendered.title_html.as_deref(),
                    &rendered.html,
                    &outline.headings,
                    playground,
                )
                .unwrap_or_else(|e| template_failure(lesson.path, &e, &mut found))
        });
        let chapter = self
            .plan
            .print_page
            .then(|| self.chapter(i, &rendered, chapter_keys));
        LessonOut {
            body_key,
            page_key,
            page,
            diagnostics: found,
            playground,
            chapter,
        }
    }

    /// Lesson `i` as a chapter of the whole-course page: its key, title and
    /// body.
    fn chapter(
        &self,
        i: usize,
        rendered: &Rendered,
        chapter_keys: &HashMap<&str, String>,
    ) -> (String, String, String) {
        let lesson = &self.plan.course.lessons[i];
        let key = &chapter_keys[lesson.url.as_str()];
        let title_html = match rendered.title_html.as_deref() {
            Some(title) => title.to_string(),
            None => format!("<h1>{}</h1>", html::escape(&self.view.titles[i])),
        };
        (
            key.clone(),
            print::chapter(&title_html, &lesson.url, key, chapter_keys),
            print::chapter(&rendered.html, &lesson.url, key, chapter_keys),
        )
    }
}
