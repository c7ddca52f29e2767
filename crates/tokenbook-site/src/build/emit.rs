//! The site's files in the order a full build lists them — lesson pages,
//! the whole-course page, contents pages, redirects, `404.html`,
//! `sitemap.xml`, the search index — each with its fingerprint (the key it
//! was made from). [`Emitter::finish`] hands out only those not written
//! already.

use std::collections::HashMap;
use std::sync::Arc;

use super::lessons::Lessons;
use super::outputs::alias_dir;
use crate::OutputFile;
use crate::cache::LessonOut;
use crate::diagnostic::Diagnostic;
use crate::pages::{self, template_failure};
use crate::print;

/// Collects the generated files in order, then hands out those not
/// already written.
pub(crate) struct Emitter<'a> {
    written: Option<&'a HashMap<String, u64>>,
    /// Path, fingerprint and contents of every generated file.
    pub(crate) entries: Vec<(String, u64, Contents)>,
}

pub(crate) enum Contents {
    /// A page, shared with the cache until it is written.
    Page(Arc<String>),
    Bytes(Vec<u8>),
}

impl<'a> Emitter<'a> {
    /// An emitter that leaves out the files whose fingerprint `written`
    /// holds already.
    pub(crate) fn new(written: Option<&'a HashMap<String, u64>>) -> Self {
        Emitter {
            written,
            entries: Vec::new(),
        }
    }

    /// A page.
    fn emit(&mut self, path: String, fingerprint: u64, contents: Arc<String>) {
        self.entries
            .push((path, fingerprint, Contents::Page(contents)));
    }

    pub(crate) fn emit_bytes(&mut self, fingerprint: u64, file: OutputFile) {
        self.entries
            .push((file.path, fingerprint, Contents::Bytes(file.contents)));
    }

    /// The generated HTML pages: path, fingerprint, text.
    pub(crate) fn pages(&self) -> impl Iterator<Item = (&str, u64, &str)> {
        self.entries
            .iter()
            .filter_map(|(path, fingerprint, contents)| match contents {
                Contents::Page(html) if path.ends_with(".html") => {
                    Some((path.as_str(), *fingerprint, html.as_str()))
                }
                _ => None,
            })
    }

    /// The files to write (a page copied out of the cache only when it is
    /// to be written) and every file's fingerprint.
    pub(crate) fn finish(self) -> (Vec<OutputFile>, Vec<(String, u64)>) {
        let mut files = Vec::new();
        let mut outputs = Vec::with_capacity(self.entries.len());
        for (path, fingerprint, contents) in self.entries {
            let written = self
                .written
                .is_some_and(|w| w.get(&path) == Some(&fingerprint));
            if !written {
                files.push(OutputFile {
                    path: path.clone(),
                    contents: match contents {
                        Contents::Page(page) => Arc::unwrap_or_clone(page).into_bytes(),
                        Contents::Bytes(bytes) => bytes,
                    },
                });
            }
            outputs.push((path, fingerprint));
        }
        (files, outputs)
    }
}

/// Emits the lesson pages and every other page; returns whether a page
/// uses the playground.
pub(crate) fn pages(
    out: &mut Emitter<'_>,
    lessons: &Lessons<'_>,
    rendered: Vec<Arc<LessonOut>>,
    diagnostics: &mut Vec<Diagnostic>,
) -> bool {
    let (plan, keys, view, cache) = (lessons.plan, lessons.keys, lessons.view, lessons.cache);
    let course = &plan.course;
    let mut uses_playground = false;
    for page in &rendered {
        diagnostics.extend(page.diagnostics.iter().cloned());
        uses_playground |= page.playground;
    }
    let bodies: Vec<u64> = rendered.iter().map(|p| p.body_key).collect();
    let print_key = keys.print(&bodies, uses_playground);
    let print_html = plan.print_page.then(|| {
        cache.page(print_key, || {
            let chapters: Vec<pages::Chapter> = rendered
                .iter()
                .filter_map(|p| p.chapter.clone())
                .map(|(key, title_html, body)| pages::Chapter {
                    key,
                    title_html,
                    body,
                })
                .collect();
            view.course_page(&chapters, uses_playground)
                .unwrap_or_else(|e| template_failure(print::PRINT_URL, &e, diagnostics))
        })
    });
    for (lesson, page) in course.lessons.iter().zip(rendered) {
        let path = format!("{}index.html", lesson.url);
        match Arc::try_unwrap(page) {
            Ok(page) => out.emit(path, page.page_key, page.page),
            Err(page) => out.emit(path, page.page_key, Arc::clone(&page.page)),
        }
    }
    if let Some(html) = print_html {
        out.emit(format!("{}index.html", print::PRINT_URL), print_key, html);
    }
    for (p, part) in course.parts.iter().enumerate() {
        let key = keys.contents(p);
        let html = cache.page(key, || {
            view.contents_page(p)
                .unwrap_or_else(|e| template_failure(&part.dir, &e, diagnostics))
        });
        out.emit(format!("{}index.html", part.url), key, html);
    }
    for (i, lesson) in course.lessons.iter().enumerate() {
        for alias in &lesson.front_matter.aliases {
            let dir = alias_dir(alias);
            let key = keys.redirect(i, &dir);
            let html = cache.page(key, || {
                view.redirect_page(i, &dir)
                    .unwrap_or_else(|e| template_failure(lesson.path, &e, diagnostics))
            });
            out.emit(format!("{dir}index.html"), key, html);
        }
    }
    let key = keys.not_found();
    let not_found = cache.page(key, || {
        view.not_found_page()
            .unwrap_or_else(|e| template_failure("404", &e, diagnostics))
    });
    out.emit("404.html".into(), key, not_found);
    let key = keys.sitemap();
    out.emit(
        "sitemap.xml".into(),
        key,
        cache.page(key, || view.sitemap()),
    );
    uses_playground
}
