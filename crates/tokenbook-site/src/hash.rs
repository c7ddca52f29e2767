//! Hashes for cache keys and fingerprints: the same value, the same hash,
//! within one build of tokenbook (they are never stored on disk).

use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};

/// A hash of anything hashable.
pub(crate) fn key_of<T: Hash + ?Sized>(value: &T) -> u64 {
    let mut hasher = DefaultHasher::new();
    value.hash(&mut hasher);
    hasher.finish()
}

/// A hash of some bytes.
pub fn hash_bytes(bytes: &[u8]) -> u64 {
    key_of(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_values_hash_alike_and_different_ones_do_not() {
        assert_eq!(key_of(&("a", 1)), key_of(&("a", 1)));
        assert_ne!(key_of(&("a", 1)), key_of(&("a", 2)));
        assert_eq!(hash_bytes(b"x"), key_of(&b"x"[..]));
    }
}
