//! The optional TOML front matter of a lesson, between `+++` lines.

use serde::Deserialize;

use crate::config::toml_errors;
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

/// Splits off and parses the front matter of the lesson at `path`; on
/// failure, every problem found.
pub(crate) fn split<'a>(path: &str, source: &'a str) -> Result<Split<'a>, Vec<Diagnostic>> {
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
                .map_err(|e| toml_errors(path, source, toml_start, toml, &e, FIELDS))?;
            let problems = check(path, source, toml_start, toml, &front_matter);
            if !problems.is_empty() {
                return Err(problems);
            }
            return Ok(Split {
                front_matter,
                body: &source[body_offset..],
                body_offset,
            });
        }
        offset += line.len();
    }
    Err(vec![
        Diagnostic::error(
            "front-matter/unclosed",
            path,
            "front matter opened with `+++` is never closed",
        )
        .at(source, 0, 3)
        .with_hint("add a line holding only `+++` after the front matter"),
    ])
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
) -> Vec<Diagnostic> {
    let at_key = |key: &str| toml_start + toml.find(key).unwrap_or(0);
    let mut problems = Vec::new();
    if let Some(slug) = &fm.slug
        && (slug.is_empty()
            || !slug
                .chars()
                .all(|c| c.is_alphanumeric() || c == '-' || c == '_'))
    {
        problems.push(
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
        problems.push(
            Diagnostic::error("front-matter/title", path, "empty title")
                .at(source, at_key("title"), 5)
                .with_hint("remove the `title` line to use the first `#` heading, or give a title"),
        );
    }
    for alias in &fm.aliases {
        let clean = alias.trim_matches('/');
        // Characters no file name may hold on some system, and `?`/`#`,
        // which would make the old address another one.
        let unwritable = |c: char| c.is_control() || "\\:*?\"<>|#".contains(c);
        let bad = clean.is_empty()
            || alias.contains(unwritable)
            || clean
                .split('/')
                .any(|s| s.is_empty() || s == "." || s == "..");
        if bad {
            problems.push(
                Diagnostic::error(
                    "front-matter/alias",
                    path,
                    format!("invalid alias `{}`", alias.escape_debug()),
                )
                .at(
                    source,
                    toml_start + toml.find(alias.as_str()).unwrap_or(0),
                    alias.len(),
                )
                .with_hint("an alias is an old path inside the site, e.g. `old/the-flow/`, of letters, digits, `-`, `_`, `.` and `/`"),
            );
        }
    }
    problems
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
        let first = |source: &str| split("a.md", source).unwrap_err().remove(0);
        let e = first("+++\ntitle = \"T\"\ndescripton = \"x\"\n+++\n");
        assert_eq!((e.line, e.column), (3, 1));
        assert!(e.hint.unwrap().contains("description"));
        let e = first("+++\ntitle = T\n+++\n");
        assert_eq!(e.line, 2);
        let e = first("+++\ntitle = \"T\"\n");
        assert!(e.message.contains("never closed"));
        let e = first("+++\nslug = \"a/b\"\n+++\n");
        assert!(e.message.contains("slug"));
        let e = first("+++\naliases = [\"../x\"]\n+++\n");
        assert!(e.message.contains("alias"));
    }

    /// Every bad alias and the bad slug are reported, not only the first,
    /// and names a file system cannot hold (NUL, control characters,
    /// `:` and other characters Windows forbids) are refused here rather
    /// than failing when the redirect is written.
    #[test]
    fn every_problem_of_the_front_matter_is_reported() {
        let source = "+++\nslug = \"../x\"\naliases = [\"../up/\", \"ok/\", \"a\\u0000b/\", \"c:d/\", \"tab\\there/\", \"q?x/\"]\n+++\n# T\n";
        let problems = split("a.md", source).unwrap_err();
        let messages: Vec<&str> = problems.iter().map(|d| d.message.as_str()).collect();
        assert_eq!(
            messages,
            [
                "invalid slug `../x`",
                "invalid alias `../up/`",
                "invalid alias `a\\0b/`",
                "invalid alias `c:d/`",
                "invalid alias `tab\\there/`",
                "invalid alias `q?x/`",
            ]
        );
    }

    /// Every syntax error of the TOML is reported at its own line, not
    /// only the first one the parser met.
    #[test]
    fn every_toml_syntax_error_is_reported() {
        let source = "+++\ntitle = \ndescription = \"ok\"\nslug = \"unclosed\norder = 1\norder = 2\n+++\n# T\n";
        let problems = split("a.md", source).unwrap_err();
        let lines: Vec<usize> = problems.iter().map(|d| d.line).collect();
        assert_eq!(lines, [2, 4, 6], "{problems:#?}");
        assert!(
            problems.iter().all(|d| d.code == "toml/invalid"),
            "{problems:#?}"
        );
        assert!(problems[2].message.contains("duplicate"), "{problems:#?}");
    }

    #[test]
    fn crlf_files_work() {
        let s = split("a.md", "+++\r\ntitle = \"T\"\r\n+++\r\nbody").unwrap();
        assert_eq!(s.body, "body");
    }
}
