//! The optional TOML front matter of a lesson, between `+++` lines.

use serde::Deserialize;

use crate::config::toml_error;
use crate::diagnostic::Diagnostic;

/// What a lesson may set about itself; everything is optional.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct FrontMatter {
    /// Replaces the title taken from the first `#` heading.
    pub title: Option<String>,
    /// Replaces the order taken from the file name's number prefix.
    pub order: Option<i64>,
    /// Replaces the URL segment taken from the file name.
    pub slug: Option<String>,
    /// One sentence for the index and link previews.
    pub description: Option<String>,
    /// Old site paths (e.g. `old/flow/`) that must keep working: each gets
    /// a page that redirects here.
    #[serde(default)]
    pub aliases: Vec<String>,
}

const FIELDS: &str = "title, order, slug, description, aliases";

/// A lesson split into its front matter and its markdown body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Split<'a> {
    /// The parsed front matter (default when there is none).
    pub front_matter: FrontMatter,
    /// The markdown after the front matter.
    pub body: &'a str,
    /// Byte offset of `body` in the file, for positions in diagnostics.
    pub body_offset: usize,
}

/// Splits off and parses the front matter of the lesson at `path`.
pub(crate) fn split<'a>(path: &str, source: &'a str) -> Result<Split<'a>, Diagnostic> {
    let Some(rest) = strip_fence_line(source) else {
        return Ok(Split {
            front_matter: FrontMatter::default(),
            body: source,
            body_offset: 0,
        });
    };
    let toml_start = source.len() - rest.len();
    let mut offset = toml_start;
    for line in rest.split_inclusive('\n') {
        if line.trim_end() == "+++" {
            let toml = &source[toml_start..offset];
            let body_offset = offset + line.len();
            let front_matter: FrontMatter = toml::from_str(toml)
                .map_err(|e| toml_error(path, source, toml_start, &e, FIELDS))?;
            check(path, source, toml_start, toml, &front_matter)?;
            return Ok(Split {
                front_matter,
                body: &source[body_offset..],
                body_offset,
            });
        }
        offset += line.len();
    }
    Err(Diagnostic::error(
        "front-matter/unclosed",
        path,
        "front matter opened with `+++` is never closed",
    )
    .at(source, 0, 3)
    .with_hint("add a line holding only `+++` after the front matter"))
}

fn strip_fence_line(source: &str) -> Option<&str> {
    let rest = source.strip_prefix("+++")?;
    let rest = rest.trim_start_matches([' ', '\t']);
    rest.strip_prefix("\r\n")
        .or_else(|| rest.strip_prefix('\n'))
}

fn check(
    path: &str,
    source: &str,
    toml_start: usize,
    toml: &str,
    fm: &FrontMatter,
) -> Result<(), Diagnostic> {
    let at_key = |key: &str| toml_start + toml.find(key).unwrap_or(0);
    if let Some(slug) = &fm.slug
        && (slug.is_empty()
            || !slug
                .chars()
                .all(|c| c.is_alphanumeric() || c == '-' || c == '_'))
    {
        return Err(
            Diagnostic::error("front-matter/slug", path, format!("invalid slug `{slug}`"))
                .at(source, at_key("slug"), 4)
                .with_hint(
                    "a slug is one URL segment of letters, digits, `-` and `_`, e.g. `the-flow`",
                ),
        );
    }
    if let Some(title) = &fm.title
        && title.trim().is_empty()
    {
        return Err(Diagnostic::error("front-matter/title", path, "empty title")
            .at(source, at_key("title"), 5)
            .with_hint("remove the `title` line to use the first `#` heading, or give a title"));
    }
    for alias in &fm.aliases {
        let clean = alias.trim_matches('/');
        let bad = clean.is_empty()
            || alias.contains("://")
            || alias.contains('\\')
            || clean
                .split('/')
                .any(|s| s.is_empty() || s == "." || s == "..");
        if bad {
            return Err(Diagnostic::error(
                "front-matter/alias",
                path,
                format!("invalid alias `{alias}`"),
            )
            .at(
                source,
                toml_start + toml.find(alias.as_str()).unwrap_or(0),
                alias.len(),
            )
            .with_hint("an alias is an old path inside the site, e.g. `old/the-flow/`"));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_front_matter() {
        let s = split("a.md", "# Title\n").unwrap();
        assert_eq!(
            (s.front_matter, s.body, s.body_offset),
            (FrontMatter::default(), "# Title\n", 0)
        );
    }

    #[test]
    fn front_matter_is_parsed_and_the_body_offset_kept() {
        let src = "+++\ntitle = \"T\"\norder = 3\naliases = [\"old/\"]\n+++\n# Body\n";
        let s = split("a.md", src).unwrap();
        assert_eq!(s.front_matter.title.as_deref(), Some("T"));
        assert_eq!(s.front_matter.order, Some(3));
        assert_eq!(s.front_matter.aliases, vec!["old/"]);
        assert_eq!(s.body, "# Body\n");
        assert_eq!(&src[s.body_offset..], "# Body\n");
    }

    #[test]
    fn errors_point_into_the_file() {
        let e = split("a.md", "+++\ntitle = \"T\"\ndescripton = \"x\"\n+++\n").unwrap_err();
        assert_eq!((e.line, e.column), (3, 1));
        assert!(e.hint.unwrap().contains("description"));
        let e = split("a.md", "+++\ntitle = T\n+++\n").unwrap_err();
        assert_eq!(e.line, 2);
        let e = split("a.md", "+++\ntitle = \"T\"\n").unwrap_err();
        assert!(e.message.contains("never closed"));
        let e = split("a.md", "+++\nslug = \"a/b\"\n+++\n").unwrap_err();
        assert!(e.message.contains("slug"));
        let e = split("a.md", "+++\naliases = [\"../x\"]\n+++\n").unwrap_err();
        assert!(e.message.contains("alias"));
    }

    #[test]
    fn crlf_files_work() {
        let s = split("a.md", "+++\r\ntitle = \"T\"\r\n+++\r\nbody").unwrap();
        assert_eq!(s.body, "body");
    }
}
