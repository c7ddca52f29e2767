//! The index's reader of markdown: a lesson's source read once, as a
//! reader sees its text — code blocks as they are (playground fences not at
//! all), raw HTML, comments and link definitions left out, inline markup
//! (link targets, entities, HTML tags) skipped — without parsing it again
//! with pulldown-cmark.

use super::text::Tokenizer;
use crate::markdown;

/// Block-level HTML tags: a line starting with one starts raw HTML that
/// runs to the next blank line (CommonMark's HTML blocks, roughly).
const BLOCK_TAGS: &[&str] = &[
    "address",
    "article",
    "aside",
    "blockquote",
    "body",
    "caption",
    "center",
    "col",
    "colgroup",
    "dd",
    "details",
    "dialog",
    "div",
    "dl",
    "dt",
    "fieldset",
    "figcaption",
    "figure",
    "footer",
    "form",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "head",
    "header",
    "hr",
    "html",
    "iframe",
    "legend",
    "li",
    "link",
    "main",
    "menu",
    "nav",
    "ol",
    "p",
    "pre",
    "script",
    "search",
    "section",
    "style",
    "summary",
    "table",
    "tbody",
    "td",
    "textarea",
    "tfoot",
    "th",
    "thead",
    "title",
    "tr",
    "ul",
];

/// Feeds the terms of a stretch of markdown source to `emit`, as a reader
/// sees its text: code blocks as they are (playground fences not at all),
/// raw HTML blocks and comments and link definitions left out, and in
/// other lines their text without [`markup`].
pub(super) fn scan(src: &str, tokenizer: &mut Tokenizer, emit: &mut impl FnMut(&str)) {
    // An open code fence: its letter, its length, whether it is shown.
    let mut fence: Option<(u8, usize, bool)> = None;
    let mut html_block = false;
    let mut comment = false;
    for line in src.split('\n') {
        let indent = line
            .bytes()
            .take_while(|b| matches!(b, b' ' | b'\t' | b'>'))
            .count();
        let content = &line[indent..];
        let first = content.as_bytes().first().copied();
        if let Some((letter, length, shown)) = fence {
            let run = content.bytes().take_while(|&b| b == letter).count();
            if run >= length && content[run..].trim().is_empty() {
                fence = None;
            } else if shown {
                tokenizer.feed(line, emit, None);
            }
            continue;
        }
        if comment {
            comment = !line.contains("-->");
            continue;
        }
        if html_block {
            html_block = !content.trim().is_empty();
            continue;
        }
        match first {
            Some(letter @ (b'`' | b'~')) => {
                let run = content.bytes().take_while(|&b| b == letter).count();
                let info = &content[run..];
                if run >= 3 && !(letter == b'`' && info.contains('`')) {
                    let lang = markdown::parse_info(info).0;
                    fence = Some((letter, run, !lang.eq_ignore_ascii_case("playground")));
                    continue;
                }
            }
            Some(b'<') => {
                if let Some(rest) = content.strip_prefix("<!--") {
                    comment = !rest.contains("-->");
                    continue;
                }
                if is_html_block(content) {
                    html_block = true;
                    continue;
                }
            }
            Some(b'[') if is_link_definition(content) => continue,
            _ => {}
        }
        tokenizer.feed(line, emit, Some(markup));
    }
}

/// True when a line starting with `<` starts raw HTML: a block-level tag,
/// or any tag alone on its line.
fn is_html_block(line: &str) -> bool {
    let rest = &line[1..];
    let rest = rest.strip_prefix('/').unwrap_or(rest);
    let name = rest.bytes().take_while(u8::is_ascii_alphanumeric).count();
    if name == 0 || !rest.as_bytes()[0].is_ascii_alphabetic() {
        return false;
    }
    let after = rest.as_bytes().get(name);
    if matches!(after, None | Some(b' ' | b'\t' | b'>' | b'/' | b'\r'))
        && BLOCK_TAGS.contains(&rest[..name].to_ascii_lowercase().as_str())
    {
        return true;
    }
    let line = line.trim_end();
    line.find('>') == Some(line.len() - 1)
}

/// `[label]: destination`, not a footnote's `[^1]: text`.
fn is_link_definition(line: &str) -> bool {
    !line.starts_with("[^")
        && line
            .find(']')
            .is_some_and(|i| line[i + 1..].starts_with(':'))
}

/// Markdown at `text[i]` (one of `` ` ] < & ``) that is no text: where
/// it ends, and for a code span where its content is. Link destinations,
/// HTML tags, entities; a backtick run without its closing run is skipped
/// alone.
fn markup(text: &str, i: usize) -> Option<(usize, Option<std::ops::Range<usize>>)> {
    let bytes = text.as_bytes();
    match bytes[i] {
        b'`' => {
            let n = run_length(bytes, i);
            Some(match closing_run(bytes, i + n, n) {
                Some(close) => (close + n, Some(i + n..close)),
                None => (i + n, None),
            })
        }
        b']' if bytes.get(i + 1) == Some(&b'(') => Some((link_end(bytes, i + 1), None)),
        b'<' if bytes
            .get(i + 1)
            .is_some_and(|b| b.is_ascii_alphabetic() || matches!(b, b'/' | b'!' | b'?')) =>
        {
            text[i..].find('>').map(|end| (i + end + 1, None))
        }
        b'&' => entity_end(bytes, i).map(|end| (end, None)),
        _ => None,
    }
}

fn run_length(bytes: &[u8], at: usize) -> usize {
    bytes[at..].iter().take_while(|&&b| b == bytes[at]).count()
}

/// Where a run of exactly `n` backticks starts, from `from` on.
fn closing_run(bytes: &[u8], mut from: usize, n: usize) -> Option<usize> {
    while from < bytes.len() {
        if bytes[from] == b'`' {
            let run = run_length(bytes, from);
            if run == n {
                return Some(from);
            }
            from += run;
        } else {
            from += 1;
        }
    }
    None
}

/// Just past the `)` that closes the `(` at `open`.
fn link_end(bytes: &[u8], open: usize) -> usize {
    let mut depth = 0usize;
    for (i, &b) in bytes.iter().enumerate().skip(open) {
        match b {
            b'(' => depth += 1,
            b')' => {
                depth -= 1;
                if depth == 0 {
                    return i + 1;
                }
            }
            _ => {}
        }
    }
    bytes.len()
}

/// Just past an entity (`&amp;`, `&#39;`) starting at `at`.
fn entity_end(bytes: &[u8], at: usize) -> Option<usize> {
    let name = bytes[at + 1..]
        .iter()
        .take(32)
        .take_while(|b| b.is_ascii_alphanumeric() || **b == b'#')
        .count();
    (name > 0 && bytes.get(at + 1 + name) == Some(&b';')).then_some(at + name + 2)
}
