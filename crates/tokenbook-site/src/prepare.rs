//! What one source file yields on its own, before the course is assembled:
//! its decoded text and the problems found in it alone (invalid UTF-8,
//! mojibake, credentials, front matter, `site.toml`), and for a lesson its
//! front matter, outline and search sections. [`crate::Cache`] keeps a
//! [`Prepared`] per path for as long as the file's bytes stay the same, so
//! a rebuild decodes and parses only the files that changed.

use crate::config::{self, SiteConfig};
use crate::content::split_front_matter;
use crate::diagnostic::Diagnostic;
use crate::front_matter::FrontMatter;
use crate::markdown::{self, Outline};
use crate::search::{self, Sections};
use crate::{SourceFile, credentials, encoding};

/// A source file, decoded and looked at on its own.
#[derive(Debug)]
pub(crate) struct Prepared {
    /// Relative to the content directory, `/`-separated.
    pub(crate) path: String,
    /// The file's bytes when they are not exactly `text` (a byte-order
    /// mark, invalid UTF-8); usually `None`.
    raw: Option<Vec<u8>>,
    /// The text, without a byte-order mark, invalid bytes replaced.
    pub(crate) text: String,
    /// A hash of `text`, for the keys of everything built from it.
    pub(crate) hash: u64,
    /// Problems found in this file alone.
    pub(crate) diagnostics: Vec<Diagnostic>,
    /// The settings, when this is a valid `site.toml`.
    pub(crate) config: Option<SiteConfig>,
    /// What a lesson (`.md`) yields.
    pub(crate) lesson: Option<LessonParts>,
}

/// What a lesson's source yields before the course is known.
#[derive(Debug)]
pub(crate) struct LessonParts {
    /// The front matter (default when absent or invalid).
    pub(crate) front_matter: FrontMatter,
    /// Where the markdown body starts in the text.
    pub(crate) body_offset: usize,
    /// Headings, links, title and summary.
    pub(crate) outline: Outline,
    /// A hash of the heading ids: what other lessons' links may point at.
    pub(crate) anchors: u64,
    /// The lesson's search documents and their terms.
    pub(crate) sections: Sections,
}

impl Prepared {
    /// Decodes and looks at `file`.
    pub(crate) fn new(file: &SourceFile) -> Prepared {
        let mut diagnostics = Vec::new();
        let text = decode(file, &mut diagnostics);
        let raw = (text.as_bytes() != file.bytes.as_slice()).then(|| file.bytes.clone());
        let mut config = None;
        let mut lesson = None;
        if file.path == config::CONFIG_FILE {
            match SiteConfig::parse(&text) {
                Ok(parsed) => config = Some(parsed),
                Err(problems) => diagnostics.extend(problems),
            }
        } else if crate::files::lesson_stem(&file.path).is_some() {
            diagnostics.extend(encoding::check(&file.path, &text));
            diagnostics.extend(credentials::check(&file.path, &text));
            let (front_matter, body_offset) =
                split_front_matter(&file.path, &text, &mut diagnostics);
            let body = &text[body_offset..];
            let outline = markdown::parse(body, body_offset).outline();
            diagnostics.extend(crate::raw_html::check(
                &file.path,
                &text,
                &outline.html,
                &outline.links,
            ));
            let anchors =
                crate::hash::key_of(&outline.headings.iter().map(|h| &h.id).collect::<Vec<_>>());
            let sections = search::sections(body, body_offset, &outline.headings);
            lesson = Some(LessonParts {
                front_matter,
                body_offset,
                outline,
                anchors,
                sections,
            });
        }
        Prepared {
            path: file.path.clone(),
            raw,
            hash: crate::hash::key_of(&text),
            text,
            diagnostics,
            config,
            lesson,
        }
    }

    /// True when `bytes` are the bytes this was prepared from.
    pub(crate) fn same_bytes(&self, bytes: &[u8]) -> bool {
        match &self.raw {
            Some(raw) => raw.as_slice() == bytes,
            None => self.text.as_bytes() == bytes,
        }
    }
}

/// UTF-8 text of a source without its byte-order mark; invalid bytes are
/// reported at their position and replaced, so the rest still builds.
fn decode(file: &SourceFile, diagnostics: &mut Vec<Diagnostic>) -> String {
    let bytes = file
        .bytes
        .strip_prefix(b"\xEF\xBB\xBF")
        .unwrap_or(&file.bytes);
    if let Ok(text) = std::str::from_utf8(bytes) {
        return text.to_string();
    }
    // Every invalid sequence, at its place in the repaired text (where it
    // became one U+FFFD).
    let mut lossy = String::with_capacity(bytes.len() + 16);
    let mut places = Vec::new();
    for chunk in bytes.utf8_chunks() {
        lossy.push_str(chunk.valid());
        let invalid = chunk.invalid();
        if !invalid.is_empty() {
            places.push((lossy.len(), invalid));
            lossy.push(char::REPLACEMENT_CHARACTER);
        }
    }
    let shown_places = places.len().min(MAX_ENCODING_PROBLEMS);
    for (index, (offset, invalid)) in places.iter().take(shown_places).enumerate() {
        let shown: Vec<String> = invalid.iter().map(|b| format!("0x{b:02X}")).collect();
        let what = match shown.as_slice() {
            [one] => format!("byte {one} cannot start or continue a character"),
            _ => format!("bytes {} do not form a whole character", shown.join(" ")),
        };
        let mut problem = Diagnostic::error(
            "encoding/invalid-utf8",
            &file.path,
            format!("the file is not valid UTF-8: {what}"),
        )
        .at(&lossy, *offset, 1)
        .with_hint("save the file as UTF-8 in your editor; text pasted from a Windows program is often Windows-1252");
        if index + 1 == shown_places && places.len() > shown_places {
            problem = problem.with_hint(format!(
                "and {} more invalid sequences in this file; save it as UTF-8 in your editor",
                places.len() - shown_places
            ));
        }
        diagnostics.push(problem);
    }
    lossy
}

/// Invalid UTF-8 sequences reported per file; a file in another encoding
/// would otherwise give one error per accented letter.
const MAX_ENCODING_PROBLEMS: usize = 20;

#[cfg(test)]
mod tests {
    use super::*;

    fn file(path: &str, bytes: &[u8]) -> SourceFile {
        SourceFile {
            path: path.to_string(),
            bytes: bytes.to_vec(),
        }
    }

    /// Every invalid sequence is reported where it is, not only the first.
    #[test]
    fn every_invalid_utf8_sequence_is_located() {
        let prepared = Prepared::new(&file(
            "a.md",
            b"# A\n\n\xff\xfe broken\n\nand more \xc3\x28 here \xe2\x82\n",
        ));
        let found: Vec<(usize, usize, &str)> = prepared
            .diagnostics
            .iter()
            .filter(|d| d.code == "encoding/invalid-utf8")
            .map(|d| (d.line, d.column, d.message.as_str()))
            .collect();
        assert_eq!(
            found,
            [
                (
                    3,
                    1,
                    "the file is not valid UTF-8: byte 0xFF cannot start or continue a character"
                ),
                (
                    3,
                    2,
                    "the file is not valid UTF-8: byte 0xFE cannot start or continue a character"
                ),
                (
                    5,
                    10,
                    "the file is not valid UTF-8: byte 0xC3 cannot start or continue a character"
                ),
                (
                    5,
                    18,
                    "the file is not valid UTF-8: bytes 0xE2 0x82 do not form a whole character"
                ),
            ]
        );
    }

    #[test]
    fn the_same_bytes_are_recognised_through_a_bom_and_invalid_utf8() {
        for bytes in [&b"# A\n"[..], b"\xEF\xBB\xBF# A\n", b"# A \xFF\n", b""] {
            let prepared = Prepared::new(&file("a.md", bytes));
            assert!(prepared.same_bytes(bytes), "{bytes:?}");
            assert!(!prepared.same_bytes(b"# B\n"), "{bytes:?}");
        }
        // A BOM is not part of the text, but a file without it differs.
        let with_bom = Prepared::new(&file("a.md", b"\xEF\xBB\xBF# A\n"));
        assert_eq!(with_bom.text, "# A\n");
        assert!(!with_bom.same_bytes(b"# A\n"));
    }

    #[test]
    fn a_lesson_yields_its_parts_and_problems() {
        let prepared = Prepared::new(&file(
            "a.md",
            b"+++\ntitle = \"T\"\n+++\n# A\n\n## Two\n\n[x](./b.md)\n",
        ));
        let lesson = prepared.lesson.as_ref().unwrap();
        assert_eq!(lesson.front_matter.title.as_deref(), Some("T"));
        assert_eq!(
            &prepared.text[lesson.body_offset..lesson.body_offset + 3],
            "# A"
        );
        assert_eq!(lesson.outline.headings.len(), 2);
        assert_eq!(lesson.outline.links[0].dest, "./b.md");
        assert!(!lesson.sections.list.is_empty());
        assert!(
            prepared.diagnostics.is_empty(),
            "{:?}",
            prepared.diagnostics
        );

        let broken = Prepared::new(&file("b.md", b"+++\ntitle = \n# B\n"));
        assert_eq!(broken.diagnostics.len(), 1, "{:?}", broken.diagnostics);
        assert_eq!(broken.lesson.as_ref().unwrap().body_offset, 0);

        let config = Prepared::new(&file("site.toml", b"title = \"C\"\n"));
        assert_eq!(config.config.as_ref().unwrap().title, "C");
        assert!(config.lesson.is_none());
    }
}
