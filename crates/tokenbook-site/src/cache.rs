//! Work kept between builds of the same content, for `cargo xtask serve`:
//! the mojibake and credential scans of each source, each lesson's outline,
//! rendered body and whole page, and each highlighted code block, all keyed
//! by hashes of everything they depend on. A rebuild after one edit redoes only what that edit
//! touched. Entries not used by a build are dropped after it.

use std::collections::HashMap;
use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};
use std::sync::Mutex;

use crate::diagnostic::Diagnostic;
use crate::highlight::Highlighted;
use crate::markdown::{Outline, Rendered};

/// Results of earlier builds. `Cache::default()` starts empty and keeps
/// what builds compute; [`Cache::disabled`] keeps nothing (a one-off build
/// would only pay for the copies).
#[derive(Default)]
pub struct Cache {
    inner: Mutex<Inner>,
    disabled: bool,
}

#[derive(Default)]
struct Inner {
    generation: u64,
    scans: HashMap<u64, (u64, Vec<Diagnostic>)>,
    bodies: HashMap<u64, (u64, Rendered)>,
    outlines: HashMap<u64, (u64, Outline)>,
    pages: HashMap<u64, (u64, String)>,
    highlights: HashMap<u64, (u64, Highlighted)>,
    hits: usize,
    misses: usize,
}

/// A hash of anything hashable, for cache keys.
pub(crate) fn key_of<T: Hash + ?Sized>(value: &T) -> u64 {
    let mut hasher = DefaultHasher::new();
    value.hash(&mut hasher);
    hasher.finish()
}

macro_rules! cached {
    ($name:ident, $field:ident, $ty:ty) => {
        /// The cached value for `key`, or `compute()`'s, remembered.
        pub(crate) fn $name(&self, key: u64, compute: impl FnOnce() -> $ty) -> $ty {
            if self.disabled {
                return compute();
            }
            {
                let mut inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
                let generation = inner.generation;
                if let Some((used, value)) = inner.$field.get_mut(&key) {
                    *used = generation;
                    let value = value.clone();
                    inner.hits += 1;
                    return value;
                }
            }
            let value = compute();
            let mut inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
            let generation = inner.generation;
            inner.misses += 1;
            inner.$field.insert(key, (generation, value.clone()));
            value
        }
    };
}

impl Cache {
    /// A cache that remembers nothing: every value is computed.
    pub fn disabled() -> Cache {
        Cache {
            inner: Mutex::default(),
            disabled: true,
        }
    }

    cached!(scan, scans, Vec<Diagnostic>);
    cached!(body, bodies, Rendered);
    cached!(highlight, highlights, Highlighted);
    cached!(outline, outlines, Outline);
    cached!(page, pages, String);

    /// Starts a build: entries the previous build did not use are dropped.
    pub(crate) fn begin(&self) {
        let mut inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        let previous = inner.generation;
        inner.scans.retain(|_, (used, _)| *used == previous);
        inner.bodies.retain(|_, (used, _)| *used == previous);
        inner.highlights.retain(|_, (used, _)| *used == previous);
        inner.outlines.retain(|_, (used, _)| *used == previous);
        inner.pages.retain(|_, (used, _)| *used == previous);
        inner.generation += 1;
        inner.hits = 0;
        inner.misses = 0;
    }

    /// Hits and misses of the last build: how much was reused.
    pub fn stats(&self) -> (usize, usize) {
        let inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        (inner.hits, inner.misses)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_disabled_cache_computes_every_time() {
        let cache = Cache::disabled();
        let mut computed = 0;
        cache.scan(1, || {
            computed += 1;
            Vec::new()
        });
        cache.scan(1, || {
            computed += 1;
            Vec::new()
        });
        assert_eq!(computed, 2);
    }

    #[test]
    fn values_are_reused_and_unused_ones_dropped() {
        let cache = Cache::default();
        cache.begin();
        let mut computed = 0;
        let mut scan = |key| {
            cache.scan(key, || {
                computed += 1;
                Vec::new()
            })
        };
        scan(1);
        scan(1);
        scan(2);
        assert_eq!(computed, 2);
        assert_eq!(cache.stats(), (1, 2));
        cache.begin(); // keeps 1 and 2, used last time
        cache.scan(1, Vec::new);
        cache.begin(); // drops 2, unused by the last build
        let mut recomputed = 0;
        cache.scan(2, || {
            recomputed += 1;
            Vec::new()
        });
        cache.scan(1, || {
            recomputed += 1;
            Vec::new()
        });
        assert_eq!(recomputed, 1);
    }
}
