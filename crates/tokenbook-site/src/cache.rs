//! Work kept between builds of the same content, for `cargo xtask serve`.
//!
//! - Per source path, what the file yields on its own ([`Prepared`]: decoded
//!   text, scans, front matter, outline, search sections), reused while its
//!   bytes stay the same.
//! - Per lesson, its finished page and problems, under a key of everything
//!   the page depends on (`build::keys` derives every key). An unchanged
//!   lesson costs one lookup.
//! - Beneath that, rendered bodies, whole pages (lessons, contents pages,
//!   redirects, 404, sitemap), highlighted code blocks, the search index and
//!   what the link check read of each page, each in a [`Memo`] under a
//!   hash of its inputs, so a lesson whose key changed (a title elsewhere
//!   changed) still reuses its body and code.
//!
//! Every build marks what it used, and a value the last build did not use
//! is dropped when the next one begins; using a lesson also marks its body
//! and page, and a body the code blocks it highlighted.

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use crate::diagnostic::Diagnostic;
use crate::highlight::Highlighted;
use crate::markdown::Rendered;
use crate::memo::Memo;
use crate::page_links::Scanned;
use crate::prepare::Prepared;
use crate::{OutputFile, SourceFile};

/// Results of earlier builds. `Cache::default()` starts empty and keeps
/// what builds compute; [`Cache::disabled`] keeps nothing (a one-off build
/// would only pay for the copies).
#[derive(Default)]
pub struct Cache {
    inner: Mutex<Inner>,
    disabled: bool,
    hits: AtomicUsize,
    misses: AtomicUsize,
}

/// A lesson's finished page and what was found while making it.
pub(crate) struct LessonOut {
    /// The key of its rendered body.
    pub(crate) body_key: u64,
    /// The key of its page: also the page's fingerprint.
    pub(crate) page_key: u64,
    /// The whole page.
    pub(crate) page: Arc<String>,
    /// Link and rendering problems.
    pub(crate) diagnostics: Vec<Diagnostic>,
    /// The page embeds the token playground.
    pub(crate) playground: bool,
    /// As a chapter of the whole-course page, when there is one: its key,
    /// title and body.
    pub(crate) chapter: Option<(String, String, String)>,
}

#[derive(Default)]
struct Inner {
    generation: u64,
    /// By path: what the source yields and the generation that last used
    /// it (replaced when the bytes change, not kept beside).
    sources: HashMap<String, (u64, Arc<Prepared>)>,
    lessons: Memo<Arc<LessonOut>>,
    bodies: Memo<Arc<Rendered>>,
    pages: Memo<Arc<String>>,
    highlights: Memo<Highlighted>,
    searches: Memo<Arc<Vec<OutputFile>>>,
    scans: Memo<Arc<Scanned>>,
}

impl Inner {
    /// Marks a body and the code blocks it highlighted as used.
    fn touch_body(&mut self, key: u64) {
        let generation = self.generation;
        if let Some(body) = self.bodies.get(key, generation) {
            for code in &body.code_keys {
                self.highlights.touch(*code, generation);
            }
        }
    }
}

impl Cache {
    /// A cache that remembers nothing: every value is computed.
    pub fn disabled() -> Cache {
        Cache {
            disabled: true,
            ..Cache::default()
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The value of `memo` for `key`, or `compute()`'s, kept; `on_hit`
    /// marks what a kept value brings along. The lock is not held while
    /// computing: two threads may compute the same value, never block.
    fn remember<V: Clone>(
        &self,
        memo: fn(&mut Inner) -> &mut Memo<V>,
        key: u64,
        compute: impl FnOnce() -> V,
        on_hit: impl FnOnce(&mut Inner, &V),
    ) -> V {
        if self.disabled {
            return compute();
        }
        {
            let mut inner = self.lock();
            let generation = inner.generation;
            if let Some(value) = memo(&mut inner).get(key, generation) {
                on_hit(&mut inner, &value);
                self.hits.fetch_add(1, Ordering::Relaxed);
                return value;
            }
        }
        let value = compute();
        self.misses.fetch_add(1, Ordering::Relaxed);
        let mut inner = self.lock();
        let generation = inner.generation;
        memo(&mut inner).insert(key, value.clone(), generation);
        value
    }

    /// `file` decoded and looked at, reused while its bytes are the same.
    pub(crate) fn prepared(&self, file: &SourceFile) -> Arc<Prepared> {
        if self.disabled {
            return Arc::new(Prepared::new(file));
        }
        let kept = {
            let mut inner = self.lock();
            let generation = inner.generation;
            inner.sources.get_mut(&file.path).map(|(used, prepared)| {
                *used = generation;
                Arc::clone(prepared)
            })
        };
        if let Some(kept) = kept.filter(|p| p.same_bytes(&file.bytes)) {
            self.hits.fetch_add(1, Ordering::Relaxed);
            return kept;
        }
        let prepared = Arc::new(Prepared::new(file));
        self.misses.fetch_add(1, Ordering::Relaxed);
        let mut inner = self.lock();
        let generation = inner.generation;
        inner
            .sources
            .insert(file.path.clone(), (generation, Arc::clone(&prepared)));
        prepared
    }

    /// The lesson kept for `key`, or `compute()`'s; using a kept lesson
    /// also keeps its body and page.
    pub(crate) fn lesson(&self, key: u64, compute: impl FnOnce() -> LessonOut) -> Arc<LessonOut> {
        self.remember(
            |inner| &mut inner.lessons,
            key,
            || Arc::new(compute()),
            |inner, lesson| {
                inner.touch_body(lesson.body_key);
                let generation = inner.generation;
                inner.pages.touch(lesson.page_key, generation);
            },
        )
    }

    /// The rendered body kept for `key`, or `compute()`'s; using a kept
    /// body also keeps the code blocks it highlighted.
    pub(crate) fn body(&self, key: u64, compute: impl FnOnce() -> Rendered) -> Arc<Rendered> {
        self.remember(
            |inner| &mut inner.bodies,
            key,
            || Arc::new(compute()),
            |inner, body| {
                let generation = inner.generation;
                for code in &body.code_keys {
                    inner.highlights.touch(*code, generation);
                }
            },
        )
    }

    /// The highlighted code block kept for `key`, or `compute()`'s.
    pub(crate) fn highlight(&self, key: u64, compute: impl FnOnce() -> Highlighted) -> Highlighted {
        self.remember(|inner| &mut inner.highlights, key, compute, |_, _| {})
    }

    /// The page kept for `key`, or `compute()`'s.
    pub(crate) fn page(&self, key: u64, compute: impl FnOnce() -> String) -> Arc<String> {
        self.remember(
            |inner| &mut inner.pages,
            key,
            || Arc::new(compute()),
            |_, _| {},
        )
    }

    /// The search index kept for `key`, or `compute()`'s.
    pub(crate) fn search(
        &self,
        key: u64,
        compute: impl FnOnce() -> Vec<OutputFile>,
    ) -> Arc<Vec<OutputFile>> {
        self.remember(
            |inner| &mut inner.searches,
            key,
            || Arc::new(compute()),
            |_, _| {},
        )
    }

    /// What the link check read of a page, kept for `key`, or
    /// `compute()`'s.
    pub(crate) fn scan(&self, key: u64, compute: impl FnOnce() -> Scanned) -> Arc<Scanned> {
        self.remember(
            |inner| &mut inner.scans,
            key,
            || Arc::new(compute()),
            |_, _| {},
        )
    }

    /// Starts a build: values the previous build did not use are dropped.
    pub(crate) fn begin(&self) {
        if self.disabled {
            return;
        }
        let mut inner = self.lock();
        let previous = inner.generation;
        inner.sources.retain(|_, (used, _)| *used == previous);
        inner.lessons.drop_unused(previous);
        inner.bodies.drop_unused(previous);
        inner.pages.drop_unused(previous);
        inner.highlights.drop_unused(previous);
        inner.searches.drop_unused(previous);
        inner.scans.drop_unused(previous);
        inner.generation += 1;
        self.hits.store(0, Ordering::Relaxed);
        self.misses.store(0, Ordering::Relaxed);
    }

    /// Hits and misses of the last build: how much was reused.
    pub fn stats(&self) -> (usize, usize) {
        (
            self.hits.load(Ordering::Relaxed),
            self.misses.load(Ordering::Relaxed),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(s: &str) -> Highlighted {
        Highlighted::Html(s.to_string())
    }

    #[test]
    fn a_disabled_cache_computes_every_time() {
        let cache = Cache::disabled();
        let mut computed = 0;
        for _ in 0..2 {
            cache.page(1, || {
                computed += 1;
                String::new()
            });
        }
        assert_eq!(computed, 2);
    }

    #[test]
    fn values_are_reused_and_unused_ones_dropped() {
        let cache = Cache::default();
        cache.begin();
        let mut computed = 0;
        let mut page = |key| {
            cache.page(key, || {
                computed += 1;
                String::new()
            })
        };
        page(1);
        page(1);
        page(2);
        assert_eq!(computed, 2);
        assert_eq!(cache.stats(), (1, 2));
        cache.begin(); // keeps 1 and 2, used last time
        cache.page(1, String::new);
        cache.begin(); // drops 2, unused by the last build
        let mut recomputed = 0;
        for key in [2, 1] {
            cache.page(key, || {
                recomputed += 1;
                String::new()
            });
        }
        assert_eq!(recomputed, 1);
    }

    #[test]
    fn a_kept_lesson_keeps_its_body_page_and_code_blocks() {
        let cache = Cache::default();
        let make = |cache: &Cache| {
            let body = cache.body(10, || {
                cache.highlight(100, || text("code"));
                Rendered {
                    code_keys: vec![100],
                    ..Rendered::default()
                }
            });
            let page = cache.page(20, || "page".to_string());
            drop(body);
            LessonOut {
                body_key: 10,
                page_key: 20,
                page,
                diagnostics: Vec::new(),
                playground: false,
                chapter: None,
            }
        };
        cache.begin();
        cache.lesson(1, || make(&cache));
        assert_eq!(cache.stats(), (0, 4));
        // Three builds that only use the lesson.
        for _ in 0..3 {
            cache.begin();
            cache.lesson(1, || panic!("kept"));
        }
        // The lesson's key changes (say a title elsewhere did): the body,
        // page and code block are all still there.
        cache.begin();
        cache.lesson(2, || make(&cache));
        assert_eq!(cache.stats(), (2, 1), "only the lesson itself was redone");
        cache.begin();
        cache.body(10, || panic!("kept"));
        cache.highlight(100, || panic!("kept by its body"));
    }

    #[test]
    fn sources_are_reused_while_their_bytes_are_the_same() {
        let cache = Cache::default();
        let file = |bytes: &[u8]| SourceFile {
            path: "a.md".into(),
            bytes: bytes.to_vec(),
        };
        cache.begin();
        let first = cache.prepared(&file(b"# A\n"));
        cache.begin();
        assert!(Arc::ptr_eq(&first, &cache.prepared(&file(b"# A\n"))));
        cache.begin();
        let edited = cache.prepared(&file(b"# B\n"));
        assert_eq!(edited.text, "# B\n");
        assert_eq!(cache.stats(), (0, 1));
    }
}
