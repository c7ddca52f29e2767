//! Mojibake in lessons: text pasted from a source that misread UTF-8
//! through a Windows code page. Each affected line is an error showing the
//! line as it should read; `cargo xtask fix-encoding` repairs the file.

use tokenbook_diagram::mojibake::{self, Replacement};

use crate::diagnostic::Diagnostic;

/// How many lines of one file are reported one by one.
const LINES_SHOWN: usize = 5;

/// Errors for every line of `text` holding mojibake (the first few one by
/// one, then a count).
pub(crate) fn check(path: &str, text: &str) -> Vec<Diagnostic> {
    let Some(repair) = mojibake::repair(text) else {
        return Vec::new();
    };
    let mut found = Vec::new();
    let mut lines_seen = Vec::new();
    for finding in &repair.findings {
        let line_start = text[..finding.start].rfind('\n').map_or(0, |i| i + 1);
        if lines_seen.last() == Some(&line_start) {
            continue;
        }
        lines_seen.push(line_start);
        if found.len() == LINES_SHOWN {
            continue;
        }
        let repaired_start = repair.text[..finding.at].rfind('\n').map_or(0, |i| i + 1);
        let repaired_end = repair.text[finding.at..]
            .find('\n')
            .map_or(repair.text.len(), |i| finding.at + i);
        let meaning = match &finding.replacement {
            Replacement::Exact(s) => format!("`{s}`"),
            Replacement::Inferred { text, .. } => format!("`{text}` (one byte was lost)"),
            Replacement::Lost { .. } => "a character whose bytes were lost".to_string(),
        };
        found.push(
            Diagnostic::error(
                "encoding/mojibake",
                path,
                format!("mojibake: `{}` is {meaning} misread as {}", finding.found, repair.code_page.name()),
            )
            .at(text, finding.start, finding.end - finding.start)
            .with_hint(format!(
                "the line should read: {}\n  run `cargo xtask fix-encoding` on the file to repair it",
                repair.text[repaired_start..repaired_end].trim_end()
            )),
        );
    }
    if lines_seen.len() > LINES_SHOWN {
        found.push(
            Diagnostic::error(
                "encoding/mojibake",
                path,
                format!("mojibake on {} more lines", lines_seen.len() - LINES_SHOWN),
            )
            .with_hint("run `cargo xtask fix-encoding` on the file to repair it"),
        );
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_line_with_mojibake_is_an_error_with_the_repaired_line() {
        let text = "# Title\n\nâœ… done â€” ok\nclean line\nğŸ“Œ pin\n";
        let found = check("a.md", text);
        assert_eq!(found.len(), 2, "{found:?}");
        assert_eq!((found[0].line, found[0].column), (3, 1));
        assert!(
            found[0]
                .message
                .contains("`âœ…` is `✅` misread as Windows-1254"),
            "{}",
            found[0].message
        );
        assert!(
            found[0]
                .hint
                .as_ref()
                .unwrap()
                .contains("should read: ✅ done — ok")
        );
        assert_eq!(found[1].line, 5);
    }

    #[test]
    fn long_files_are_summarised() {
        let text = "âœ… x\n".repeat(9);
        let found = check("a.md", &text);
        assert_eq!(found.len(), LINES_SHOWN + 1);
        assert!(found[LINES_SHOWN].message.contains("4 more lines"));
    }

    #[test]
    fn clean_text_passes() {
        assert!(check("a.md", "┌─┐ ✅ café → naïve 日本 ⚠️\n").is_empty());
    }
}
