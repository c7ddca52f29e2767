//! How the command line reports a failed file operation: the error with
//! the path it happened at, in one place ([`AtPath`]) instead of a
//! `map_err` at every call.

use std::path::Path;

/// Adds the path to an I/O error: `public/x.html: Permission denied`.
pub trait AtPath<T> {
    /// The result, its error prefixed with `path`.
    fn at_path(self, path: &Path) -> Result<T, String>;
}

impl<T> AtPath<T> for std::io::Result<T> {
    fn at_path(self, path: &Path) -> Result<T, String> {
        self.map_err(|e| format!("{}: {e}", path.display()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_path_comes_first() {
        let error = std::fs::read(Path::new("/nonexistent/tokenbook"))
            .at_path(Path::new("/nonexistent/tokenbook"));
        let message = error.unwrap_err();
        assert!(message.starts_with("/nonexistent/tokenbook: "), "{message}");
    }
}
