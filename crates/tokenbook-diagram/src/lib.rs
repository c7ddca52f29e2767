//! Box-drawing diagrams as authors type them in a terminal, made to line up
//! exactly in a browser.
//!
//! A terminal gives an emoji two columns; a browser's `<pre>` gives it
//! whatever width the fallback font has. [`render_html`] splits every line
//! into grapheme clusters, measures each with the terminal's rules
//! (unicode-width on the whole cluster, so `⚠️` and `👨‍💻` are 2), and wraps
//! every cluster that is not reliably one monospace cell in a span exactly
//! its column count wide (`w1`/`w2` classes, sized in the site stylesheet).
//!
//! [`mojibake`] finds and repairs text that went through the wrong code
//! page, using box connectivity to restore lost bytes.
//!
//! The crate is pure: strings in, strings and findings out, no I/O.

#![forbid(unsafe_code)]

mod box_arms;
mod cells;
mod lint;
pub mod mojibake;

pub use cells::{Cell, cells, column_width, is_box_drawing};
pub use lint::{DiagramLint, LintKind, lint};

use std::fmt::Write as _;

/// True when a fenced block with this language (empty for none) and body is
/// a diagram: no language, `text` or `diagram`, and at least one box-drawing
/// character.
pub fn is_diagram(lang: &str, body: &str) -> bool {
    matches!(lang, "" | "text" | "diagram") && body.chars().any(is_box_drawing)
}

/// The diagram's HTML: the text, escaped, with every cluster that is not a
/// plain one-cell character wrapped in `<span class="wN">`.
///
/// The returned markup holds exactly the source characters as text, so
/// selecting and copying the diagram gives back its source.
pub fn render_html(body: &str) -> String {
    let mut html = String::with_capacity(body.len() + body.len() / 4);
    for cell in cells(body) {
        if cell.needs_box() {
            let _ = write!(html, "<span class=\"w{}\">", cell.width);
            escape_into(&mut html, cell.text);
            html.push_str("</span>");
        } else {
            escape_into(&mut html, cell.text);
        }
    }
    html
}

/// A text alternative for a diagram with no author-given one: its words, in
/// reading order, with box drawing, arrows and emoji left out.
pub fn fallback_alt(body: &str) -> String {
    let mut words = Vec::new();
    for line in body.lines() {
        let mut current = String::new();
        for ch in line.chars() {
            if ch.is_alphanumeric()
                || (!current.is_empty()
                    && matches!(
                        ch,
                        '\'' | '.'
                            | ':'
                            | '_'
                            | '-'
                            | '/'
                            | '@'
                            | ','
                            | '"'
                            | '?'
                            | '!'
                            | '('
                            | ')'
                    ))
            {
                current.push(ch);
            } else {
                if current.chars().any(char::is_alphanumeric) {
                    words.push(std::mem::take(&mut current));
                }
                current.clear();
            }
        }
        if current.chars().any(char::is_alphanumeric) {
            words.push(current);
        }
    }
    let mut alt = words.join(" ");
    if alt.chars().count() > 300 {
        alt = alt.chars().take(297).collect::<String>() + "…";
    }
    if alt.is_empty() {
        alt.push_str("Diagram");
    }
    alt
}

fn escape_into(out: &mut String, text: &str) {
    for ch in text.chars() {
        match ch {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            _ => out.push(ch),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_ascii_and_box_drawing_stay_unwrapped() {
        assert_eq!(render_html("┌─┐\n│a│\n└─┘"), "┌─┐\n│a│\n└─┘");
    }

    #[test]
    fn emoji_and_symbols_get_boxes_of_their_column_width() {
        assert_eq!(
            render_html("│👤 ok→│"),
            "│<span class=\"w2\">👤</span> ok<span class=\"w1\">→</span>│"
        );
        assert_eq!(
            render_html("⚠\u{fe0f}"),
            "<span class=\"w2\">⚠\u{fe0f}</span>"
        );
        assert_eq!(
            render_html("👨\u{200d}💻"),
            "<span class=\"w2\">👨\u{200d}💻</span>"
        );
    }

    #[test]
    fn markup_characters_are_escaped() {
        assert_eq!(render_html("<a & \"b\">"), "&lt;a &amp; &quot;b&quot;&gt;");
    }

    #[test]
    fn diagram_detection_needs_box_drawing_and_a_plain_language() {
        assert!(is_diagram("", "┌─┐"));
        assert!(is_diagram("text", "│"));
        assert!(is_diagram("diagram", "└"));
        assert!(!is_diagram("", "plain text"));
        assert!(!is_diagram("json", "┌─┐"));
    }

    #[test]
    fn fallback_alt_keeps_words_and_drops_drawing() {
        let body = "┌──────────┐\n│ 👤 User  │──► 🔐 Auth Server\n└──────────┘";
        assert_eq!(fallback_alt(body), "User Auth Server");
        assert_eq!(fallback_alt("┌─┐\n└─┘"), "Diagram");
    }
}
