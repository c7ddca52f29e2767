//! [`Memo`]: values kept by key from one build to the next. Each build has a
//! generation; a value is marked with the generation that last used it, and
//! what the previous build did not use is dropped when the next begins, so
//! the memo holds what is current and nothing more.

use std::collections::HashMap;

/// Values by key, with the generation that last used each.
pub(crate) struct Memo<V> {
    slots: HashMap<u64, (u64, V)>,
}

impl<V> Default for Memo<V> {
    fn default() -> Self {
        Memo {
            slots: HashMap::new(),
        }
    }
}

impl<V: Clone> Memo<V> {
    /// The value for `key`, marked used in `generation`.
    pub(crate) fn get(&mut self, key: u64, generation: u64) -> Option<V> {
        let (used, value) = self.slots.get_mut(&key)?;
        *used = generation;
        Some(value.clone())
    }

    /// Keeps `value` for `key`, used in `generation`.
    pub(crate) fn insert(&mut self, key: u64, value: V, generation: u64) {
        self.slots.insert(key, (generation, value));
    }

    /// Marks `key` used in `generation`; false when it is not kept.
    pub(crate) fn touch(&mut self, key: u64, generation: u64) -> bool {
        match self.slots.get_mut(&key) {
            Some((used, _)) => {
                *used = generation;
                true
            }
            None => false,
        }
    }

    /// Drops every value the build of generation `previous` did not use.
    pub(crate) fn drop_unused(&mut self, previous: u64) {
        self.slots.retain(|_, (used, _)| *used == previous);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_live_while_the_last_build_used_them() {
        let mut memo = Memo::default();
        memo.insert(1, "one", 1);
        memo.insert(2, "two", 1);
        assert_eq!(memo.get(1, 2), Some("one"));
        memo.drop_unused(2);
        assert_eq!(memo.get(1, 3), Some("one"));
        assert_eq!(memo.get(2, 3), None, "unused by build 2, dropped");
        assert!(memo.touch(1, 4));
        assert!(!memo.touch(2, 4));
    }
}
