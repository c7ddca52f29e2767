//! Problems found in content, as data: what, where (`path:line:col`), and
//! how to fix it. Rendering never panics on content; it returns these.

use std::fmt::Write as _;

/// How bad a [`Diagnostic`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// The site is still built; `--deny-warnings` makes it fail.
    Warning,
    /// The build fails and the previous output stays as it was.
    Error,
}

/// Which directory the file of a [`Diagnostic`] is in.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Origin {
    /// The content directory: lessons, `site.toml`, assets.
    #[default]
    Content,
    /// The static directory.
    Static,
    /// The output: a page tokenbook generated.
    Generated,
}

impl Origin {
    /// The name `check --format json` gives it.
    pub fn name(self) -> &'static str {
        match self {
            Origin::Content => "content",
            Origin::Static => "static",
            Origin::Generated => "generated",
        }
    }
}

/// The directories diagnostics are shown under, as the user named them.
#[derive(Debug, Clone, Copy, Default)]
pub struct Roots<'a> {
    /// The content directory.
    pub content: &'a str,
    /// The static directory.
    pub static_dir: &'a str,
    /// The output directory.
    pub out: &'a str,
}

/// One problem in one file.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// A stable name for the kind of problem, `area/what` (e.g.
    /// `link/missing-anchor`): for editors and CI to filter on. The README
    /// lists them.
    pub code: &'static str,
    /// Which directory `path` is in.
    pub origin: Origin,
    /// The file, relative to its directory (the content directory unless
    /// `origin` says otherwise), `/`-separated.
    pub path: String,
    /// One-based line; 0 when the problem concerns the whole file.
    pub line: usize,
    /// One-based column, counted in characters; 0 with `line` 0.
    pub column: usize,
    /// What is wrong.
    pub message: String,
    /// How to fix it, when there is something useful to say.
    pub hint: Option<String>,
    /// The offending source line, shown under the message.
    pub source_line: Option<String>,
    /// How many characters from `column` to underline (at least 1).
    pub span: usize,
}

impl Diagnostic {
    /// An error of kind `code` about a whole file.
    pub fn error(code: &'static str, path: impl Into<String>, message: impl Into<String>) -> Self {
        Self::new(Severity::Error, code, path, message)
    }

    /// A warning of kind `code` about a whole file.
    pub fn warning(
        code: &'static str,
        path: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Self::new(Severity::Warning, code, path, message)
    }

    fn new(
        severity: Severity,
        code: &'static str,
        path: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Diagnostic {
            severity,
            code,
            origin: Origin::Content,
            path: path.into(),
            line: 0,
            column: 0,
            message: message.into(),
            hint: None,
            source_line: None,
            span: 1,
        }
    }

    /// Locates the problem at byte `offset` of `source`, underlining `len`
    /// bytes (clamped to the line).
    pub fn at(mut self, source: &str, offset: usize, len: usize) -> Self {
        let offset = floor_char_boundary(source, offset.min(source.len()));
        let line_start = source[..offset].rfind('\n').map_or(0, |i| i + 1);
        let line_end = source[offset..]
            .find('\n')
            .map_or(source.len(), |i| offset + i);
        let line_text = source[line_start..line_end].trim_end_matches('\r');
        self.line = source[..line_start].matches('\n').count() + 1;
        self.column = source[line_start..offset].chars().count() + 1;
        let end = floor_char_boundary(
            source,
            (offset + len.max(1)).min(line_start + line_text.len()),
        );
        self.span = source[offset..end.max(offset)].chars().count().max(1);
        self.source_line = Some(line_text.to_string());
        self
    }

    /// Locates the problem at a one-based line and column, without source.
    pub fn at_line(mut self, line: usize, column: usize) -> Self {
        self.line = line;
        self.column = column;
        self
    }

    /// Says which directory the file is in.
    pub fn with_origin(mut self, origin: Origin) -> Self {
        self.origin = origin;
        self
    }

    /// Adds how to fix it.
    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// True for errors.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// The report for a terminal, paths under their directory in `roots`
    /// (a generated page's is said to be one):
    ///
    /// ```text
    /// content/02_x.md:14:5: error[link/missing-lesson]: link to a lesson that does not exist: `./04_Nope.md`
    ///    |
    /// 14 | See [the next step](./04_Nope.md).
    ///    |     ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
    ///    = hint: did you mean `./03_The_Flow.md`?
    /// ```
    pub fn render(&self, roots: &Roots<'_>) -> String {
        let mut out = String::new();
        let root = match self.origin {
            Origin::Content => roots.content,
            Origin::Static => roots.static_dir,
            Origin::Generated => roots.out,
        };
        let path = if root.is_empty() {
            self.path.clone()
        } else {
            format!("{}/{}", root.trim_end_matches('/'), self.path)
        };
        let kind = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        if self.line == 0 {
            let _ = write!(out, "{path}: {kind}[{}]: {}", self.code, self.message);
        } else {
            let _ = write!(
                out,
                "{path}:{}:{}: {kind}[{}]: {}",
                self.line, self.column, self.code, self.message
            );
        }
        let gutter = self.line.to_string().len();
        if let Some(source) = &self.source_line {
            let pad = " ".repeat(gutter);
            let shown: String = source
                .chars()
                .map(|c| if c == '\t' { ' ' } else { c })
                .collect();
            let _ = write!(out, "\n{pad} |\n{} | {shown}", self.line);
            let _ = write!(
                out,
                "\n{pad} | {}{}",
                " ".repeat(self.column.saturating_sub(1)),
                "^".repeat(self.span.max(1))
            );
        }
        if let Some(hint) = &self.hint {
            let _ = write!(out, "\n{} = hint: {hint}", " ".repeat(gutter));
        }
        if self.origin == Origin::Generated {
            let _ = write!(
                out,
                "\n{} = note: tokenbook generated this page (it is not written: the build failed)",
                " ".repeat(gutter)
            );
        }
        out
    }
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locates_by_byte_offset_in_characters() {
        let src = "first\nsé [x](y.md) end\n";
        let offset = src.find('[').unwrap();
        let d = Diagnostic::error("test/x", "a.md", "broken").at(src, offset, 9);
        assert_eq!((d.line, d.column, d.span), (2, 4, 9));
        assert_eq!(d.source_line.as_deref(), Some("sé [x](y.md) end"));
    }

    #[test]
    fn renders_path_line_column_source_and_hint() {
        let src = "see [next](./04_Nope.md).";
        let d = Diagnostic::error("link/missing-lesson", "02_x.md", "no such lesson")
            .at(src, 4, 20)
            .with_hint("did you mean `./03_The_Flow.md`?");
        assert_eq!(
            d.render(&Roots {
                content: "content",
                ..Roots::default()
            }),
            "content/02_x.md:1:5: error[link/missing-lesson]: no such lesson\n  |\n1 | see [next](./04_Nope.md).\n  |     ^^^^^^^^^^^^^^^^^^^^\n  = hint: did you mean `./03_The_Flow.md`?"
        );
    }

    #[test]
    fn whole_file_problems_have_no_position() {
        let d = Diagnostic::warning("test/x", "a.md", "empty");
        assert_eq!(d.render(&Roots::default()), "a.md: warning[test/x]: empty");
    }

    #[test]
    fn each_origin_is_shown_under_its_directory() {
        let roots = Roots {
            content: "course",
            static_dir: "theme",
            out: "public",
        };
        let d = Diagnostic::error("test/x", "app/index.html", "x");
        assert_eq!(d.render(&roots), "course/app/index.html: error[test/x]: x");
        let d = d.with_origin(Origin::Static);
        assert_eq!(d.render(&roots), "theme/app/index.html: error[test/x]: x");
        let d = d.with_origin(Origin::Generated);
        assert!(
            d.render(&roots)
                .starts_with("public/app/index.html: error[test/x]: x\n")
        );
        assert!(d.render(&roots).contains("tokenbook generated this page"));
    }

    #[test]
    fn offsets_past_the_end_or_inside_a_character_do_not_panic() {
        let src = "é";
        let d = Diagnostic::error("test/x", "a.md", "x").at(src, 1, 5);
        assert_eq!((d.line, d.column), (1, 1));
        let d = Diagnostic::error("test/x", "a.md", "x").at(src, 99, 5);
        assert_eq!((d.line, d.column), (1, 2));
    }
}
