//! What goes into a build and what comes out: source files, the whole
//! input, pages copied as they are, and generated files.

use crate::diagnostic::Origin;

/// A file of the content directory that the builder reads: a lesson
/// (`.md`), `site.toml` or a `_part.toml`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceFile {
    /// Relative to the content directory, `/`-separated.
    pub path: String,
    /// The raw bytes; they are checked to be UTF-8 here.
    pub bytes: Vec<u8>,
}

/// Everything [`crate::build`] needs.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SiteInput {
    /// Lessons, `site.toml` and `_part.toml` files.
    pub sources: Vec<SourceFile>,
    /// Other files of the content directory (images…), relative paths;
    /// they are copied to the same path in the output.
    pub assets: Vec<String>,
    /// Site paths of the files the static directory provides.
    pub static_files: Vec<String>,
    /// The HTML files among the static files and assets, with their text:
    /// they are copied as they are, and their links checked like every
    /// page's.
    pub copied_pages: Vec<CopiedPage>,
    /// The time of the build (Unix seconds): the playground's sample tokens
    /// are issued at it. The same input and time give the same site.
    pub now: i64,
}

/// An HTML file of the static or content directory, copied into the site
/// as it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CopiedPage {
    /// Its site path (and its path in its directory), `/`-separated.
    pub path: String,
    /// [`Origin::Static`] or [`Origin::Content`].
    pub origin: Origin,
    /// Its bytes.
    pub bytes: Vec<u8>,
}

/// A generated file, relative to the output directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputFile {
    /// `/`-separated path in the output.
    pub path: String,
    /// Its contents.
    pub contents: Vec<u8>,
}

/// The name of a lesson file without its `.md` extension (in any case:
/// `Glossary.MD` is a lesson too); `None` for other files.
pub fn lesson_stem(name: &str) -> Option<&str> {
    let split = name.len().checked_sub(3)?;
    let (stem, extension) = (name.get(..split)?, name.get(split..)?);
    (extension.eq_ignore_ascii_case(".md") && !stem.is_empty()).then_some(stem)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lessons_are_md_files_in_any_case() {
        assert_eq!(lesson_stem("03_The_Flow.md"), Some("03_The_Flow"));
        assert_eq!(lesson_stem("Lesson.MD"), Some("Lesson"));
        assert_eq!(lesson_stem("a.Md"), Some("a"));
        assert_eq!(lesson_stem("notes.markdown"), None);
        assert_eq!(lesson_stem(".md"), None);
        assert_eq!(lesson_stem("md"), None);
        assert_eq!(lesson_stem("é.md"), Some("é"));
        assert_eq!(lesson_stem("xé"), None);
    }
}
