//! Work kept between builds of the same content, for `cargo xtask serve`.
//!
//! - Per source path, what the file yields on its own ([`Prepared`]: decoded
//!   text, scans, front matter, outline, search sections), reused while its
//!   bytes stay the same.
//! - Per lesson, its finished page and problems, keyed by everything the
//!   page depends on: its source, its URL, the shape of the course that
//!   links resolve against and the shape that the sidebar and pager show.
//!   An unchanged lesson costs one lookup.
//! - Beneath that, rendered bodies, whole pages (lessons, contents pages,
//!   redirects, 404, sitemap), highlighted code blocks and the search
//!   index, each keyed by a hash of its inputs, so a lesson whose key
//!   changed (a title elsewhere changed) still reuses its body and code.
//!
//! Every build marks what it used, and a value the last build did not use
//! is dropped when the next one begins; using a lesson also marks its body
//! and page, and a body its code blocks, so what is current stays.

use std::cell::RefCell;
use std::collections::HashMap;
use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use crate::diagnostic::Diagnostic;
use crate::highlight::Highlighted;
use crate::markdown::Rendered;
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

/// A rendered body with the keys of the code blocks it highlighted.
type Body = (Arc<Rendered>, Vec<u64>);

struct Slot<T> {
    /// The generation of the last build that used it.
    used: u64,
    value: T,
}

#[derive(Default)]
struct Inner {
    generation: u64,
    sources: HashMap<String, Slot<Arc<Prepared>>>,
    lessons: HashMap<u64, Slot<Arc<LessonOut>>>,
    bodies: HashMap<u64, Slot<Body>>,
    pages: HashMap<u64, Slot<Arc<String>>>,
    highlights: HashMap<u64, Slot<Highlighted>>,
    searches: HashMap<u64, Slot<Arc<Vec<OutputFile>>>>,
    scans: HashMap<u64, Slot<Arc<Scanned>>>,
}

impl Inner {
    /// Marks a body and its code blocks as used.
    fn touch_body(&mut self, key: u64) {
        let generation = self.generation;
        let Some(slot) = self.bodies.get_mut(&key) else {
            return;
        };
        slot.used = generation;
        for code in &slot.value.1 {
            if let Some(slot) = self.highlights.get_mut(code) {
                slot.used = generation;
            }
        }
    }
}

thread_local! {
    /// The keys of the code blocks highlighted while a body renders on
    /// this thread (rendering one body runs on one thread).
    static HIGHLIGHTED: RefCell<Option<Vec<u64>>> = const { RefCell::new(None) };
}

/// A hash of anything hashable, for cache keys.
pub(crate) fn key_of<T: Hash + ?Sized>(value: &T) -> u64 {
    let mut hasher = DefaultHasher::new();
    value.hash(&mut hasher);
    hasher.finish()
}

/// A hash of some bytes: the same bytes, the same hash (within one build
/// of tokenbook).
pub fn hash_bytes(bytes: &[u8]) -> u64 {
    key_of(bytes)
}

/// Looks `key` up in `$field`, marking it used, or computes and keeps it.
macro_rules! lookup_or {
    ($self:ident, $field:ident, $key:expr, $compute:expr) => {{
        let key = $key;
        {
            let mut inner = $self.lock();
            let generation = inner.generation;
            if let Some(slot) = inner.$field.get_mut(&key) {
                slot.used = generation;
                let value = slot.value.clone();
                $self.hit();
                return value;
            }
        }
        let value = $compute;
        $self.miss();
        let mut inner = $self.lock();
        let used = inner.generation;
        inner.$field.insert(
            key,
            Slot {
                used,
                value: value.clone(),
            },
        );
        value
    }};
}

impl Cache {
    /// A cache that remembers nothing: every value is computed.
    pub fn disabled() -> Cache {
        Cache {
            disabled: true,
            ..Cache::default()
        }
    }

    fn hit(&self) {
        self.hits.fetch_add(1, Ordering::Relaxed);
    }

    fn miss(&self) {
        self.misses.fetch_add(1, Ordering::Relaxed);
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// `file` decoded and looked at, reused while its bytes are the same.
    pub(crate) fn prepared(&self, file: &SourceFile) -> Arc<Prepared> {
        if self.disabled {
            return Arc::new(Prepared::new(file));
        }
        let kept = {
            let mut inner = self.lock();
            let generation = inner.generation;
            inner.sources.get_mut(&file.path).map(|slot| {
                slot.used = generation;
                Arc::clone(&slot.value)
            })
        };
        if let Some(kept) = kept.filter(|p| p.same_bytes(&file.bytes)) {
            self.hit();
            return kept;
        }
        let prepared = Arc::new(Prepared::new(file));
        self.miss();
        let mut inner = self.lock();
        let used = inner.generation;
        inner.sources.insert(
            file.path.clone(),
            Slot {
                used,
                value: Arc::clone(&prepared),
            },
        );
        prepared
    }

    /// The lesson kept for `key`, or `compute()`'s; using a kept lesson
    /// also keeps its body and page.
    pub(crate) fn lesson(&self, key: u64, compute: impl FnOnce() -> LessonOut) -> Arc<LessonOut> {
        if self.disabled {
            return Arc::new(compute());
        }
        {
            let mut inner = self.lock();
            let generation = inner.generation;
            if let Some(slot) = inner.lessons.get_mut(&key) {
                slot.used = generation;
                let value = Arc::clone(&slot.value);
                inner.touch_body(value.body_key);
                if let Some(page) = inner.pages.get_mut(&value.page_key) {
                    page.used = generation;
                }
                self.hit();
                return value;
            }
        }
        let value = Arc::new(compute());
        self.miss();
        let mut inner = self.lock();
        let used = inner.generation;
        inner.lessons.insert(
            key,
            Slot {
                used,
                value: Arc::clone(&value),
            },
        );
        value
    }

    /// The rendered body kept for `key`, or `compute()`'s, remembering
    /// which code blocks it highlighted.
    pub(crate) fn body(&self, key: u64, compute: impl FnOnce() -> Rendered) -> Arc<Rendered> {
        if self.disabled {
            return Arc::new(compute());
        }
        {
            let mut inner = self.lock();
            if let Some(slot) = inner.bodies.get(&key) {
                let value = Arc::clone(&slot.value.0);
                inner.touch_body(key);
                self.hit();
                return value;
            }
        }
        let outer = HIGHLIGHTED.with(|h| h.borrow_mut().replace(Vec::new()));
        let value = Arc::new(compute());
        let codes = HIGHLIGHTED
            .with(|h| std::mem::replace(&mut *h.borrow_mut(), outer))
            .unwrap_or_default();
        self.miss();
        let mut inner = self.lock();
        let used = inner.generation;
        inner.bodies.insert(
            key,
            Slot {
                used,
                value: (Arc::clone(&value), codes),
            },
        );
        value
    }

    /// The highlighted code block kept for `key`, or `compute()`'s.
    pub(crate) fn highlight(&self, key: u64, compute: impl FnOnce() -> Highlighted) -> Highlighted {
        if self.disabled {
            return compute();
        }
        HIGHLIGHTED.with(|h| {
            if let Some(codes) = h.borrow_mut().as_mut() {
                codes.push(key);
            }
        });
        lookup_or!(self, highlights, key, compute())
    }

    /// The page kept for `key`, or `compute()`'s.
    pub(crate) fn page(&self, key: u64, compute: impl FnOnce() -> String) -> Arc<String> {
        if self.disabled {
            return Arc::new(compute());
        }
        lookup_or!(self, pages, key, Arc::new(compute()))
    }

    /// The search index kept for `key`, or `compute()`'s.
    pub(crate) fn search(
        &self,
        key: u64,
        compute: impl FnOnce() -> Vec<OutputFile>,
    ) -> Arc<Vec<OutputFile>> {
        if self.disabled {
            return Arc::new(compute());
        }
        lookup_or!(self, searches, key, Arc::new(compute()))
    }

    /// What the link check read of a page, kept for `key`, or
    /// `compute()`'s.
    pub(crate) fn scan(&self, key: u64, compute: impl FnOnce() -> Scanned) -> Arc<Scanned> {
        if self.disabled {
            return Arc::new(compute());
        }
        lookup_or!(self, scans, key, Arc::new(compute()))
    }

    /// Starts a build: values the previous build did not use are dropped.
    pub(crate) fn begin(&self) {
        if self.disabled {
            return;
        }
        let mut inner = self.lock();
        let previous = inner.generation;
        inner.sources.retain(|_, s| s.used == previous);
        inner.lessons.retain(|_, s| s.used == previous);
        inner.bodies.retain(|_, s| s.used == previous);
        inner.pages.retain(|_, s| s.used == previous);
        inner.highlights.retain(|_, s| s.used == previous);
        inner.searches.retain(|_, s| s.used == previous);
        inner.scans.retain(|_, s| s.used == previous);
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
                Rendered::default()
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
