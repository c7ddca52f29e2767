//! Build-time syntax highlighting with syntect, flattened to one span per
//! token.
//!
//! syntect's own class output nests a span for every scope on the stack,
//! which can make highlighted HTML 30x the size of the code. Here each run
//! of text gets at most one short class naming what it is (`s` string, `k`
//! keyword, …), picked from its whole scope stack by [`CLASS_RULES`];
//! neighbouring runs of the same class are merged. The stylesheet colours
//! the classes for the light and the dark theme.

use std::sync::OnceLock;

use syntect::parsing::{
    ParseState, Scope, ScopeStack, SyntaxDefinition, SyntaxReference, SyntaxSet, SyntaxSetBuilder,
};
use syntect::util::LinesWithEndings;

/// Scope prefixes and the class they give, most specific meaning first: the
/// first rule that matches any scope on the stack wins, so a JSON key (a
/// string inside `meta.mapping.key`) is a key, not a string.
const CLASS_RULES: &[(&str, &str)] = &[
    ("comment", "c"),
    ("meta.mapping.key", "a"),
    ("meta.structure.dictionary.key", "a"),
    ("variable.other.key", "a"),
    ("entity.name.tag", "a"),
    ("support.type.property-name", "a"),
    ("meta.object-literal.key", "a"),
    ("constant.character.escape", "l"),
    ("punctuation.definition.variable", "v"),
    ("variable.other.readwrite", "v"),
    ("string", "s"),
    ("constant.numeric", "n"),
    ("constant.other", "n"),
    ("constant.language", "l"),
    ("constant.character", "l"),
    ("keyword.operator", "o"),
    ("keyword", "k"),
    ("storage", "k"),
    ("entity.name.function", "f"),
    ("support.function", "f"),
    ("variable.function", "f"),
    ("entity.name", "t"),
    ("support.type", "t"),
    ("support.class", "t"),
    ("entity.other.inherited-class", "t"),
    ("variable.parameter", "v"),
    ("variable.language", "v"),
];

/// Languages written in fences that are plain text on purpose.
const PLAIN: &[&str] = &[
    "",
    "text",
    "txt",
    "plain",
    "plaintext",
    "none",
    "output",
    "console",
    "diagram",
];

/// The languages the course relies on, for hints.
pub(crate) const COURSE_LANGUAGES: &str =
    "bash (sh, shell), http, javascript (js), json, rust, toml, yaml";

/// The outcome of highlighting one code block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Highlighted {
    /// Highlighted HTML (already escaped) for a known language.
    Html(String),
    /// A plain-text language: escape the code and show it as it is.
    Plain,
    /// A language nobody knows: shown plain, and the author is warned.
    Unknown,
}

/// syntect's default syntaxes, loaded lazily from its bundled dump.
fn defaults() -> &'static SyntaxSet {
    static SET: OnceLock<SyntaxSet> = OnceLock::new();
    SET.get_or_init(SyntaxSet::load_defaults_newlines)
}

/// The syntaxes syntect does not ship (HTTP, TOML), in a set of their own:
/// adding them to the defaults would mean rebuilding and recompressing
/// every default syntax on every run.
fn shipped() -> &'static SyntaxSet {
    static SET: OnceLock<SyntaxSet> = OnceLock::new();
    SET.get_or_init(|| {
        let mut builder = SyntaxSetBuilder::new();
        for source in [
            include_str!("../syntaxes/http.sublime-syntax"),
            include_str!("../syntaxes/toml.sublime-syntax"),
        ] {
            // The shipped syntaxes are tested; a broken one would fail every test.
            if let Ok(definition) = SyntaxDefinition::load_from_str(source, true, None) {
                builder.add(definition);
            }
        }
        builder.build()
    })
}

fn class_rules() -> &'static [(Scope, &'static str)] {
    static RULES: OnceLock<Vec<(Scope, &'static str)>> = OnceLock::new();
    RULES.get_or_init(|| {
        CLASS_RULES
            .iter()
            .filter_map(|&(prefix, class)| Scope::new(prefix).ok().map(|scope| (scope, class)))
            .collect()
    })
}

fn find_syntax(lang: &str) -> Option<(&'static SyntaxSet, &'static SyntaxReference)> {
    let token = match lang {
        "sh" | "shell" | "zsh" | "bash" => "bash",
        "js" | "javascript" | "mjs" | "cjs" => "js",
        "jsonc" | "json5" => "json",
        "yml" | "yaml" => "yaml",
        "rs" | "rust" => "rs",
        other => other,
    };
    for set in [shipped(), defaults()] {
        if let Some(syntax) = set.find_syntax_by_token(token) {
            return Some((set, syntax));
        }
    }
    None
}

/// Highlights `code` written in the fence language `lang` (lowercase).
pub(crate) fn highlight(lang: &str, code: &str) -> Highlighted {
    if PLAIN.contains(&lang) {
        return Highlighted::Plain;
    }
    let Some((set, syntax)) = find_syntax(lang) else {
        return Highlighted::Unknown;
    };
    match highlight_with(set, syntax, code) {
        Some(html) => Highlighted::Html(html),
        None => Highlighted::Plain,
    }
}

fn highlight_with(set: &SyntaxSet, syntax: &SyntaxReference, code: &str) -> Option<String> {
    let rules = class_rules();
    let mut state = ParseState::new(syntax);
    let mut stack = ScopeStack::new();
    let mut out = Runs::with_capacity(code.len() + code.len() / 2);
    for line in LinesWithEndings::from(code) {
        let ops = state.parse_line(line, set).ok()?;
        let mut pos = 0;
        for (at, op) in ops {
            if at > pos {
                out.push(&line[pos..at], classify(&stack, rules));
                pos = at;
            }
            stack.apply(&op).ok()?;
        }
        if pos < line.len() {
            out.push(&line[pos..], classify(&stack, rules));
        }
    }
    Some(out.finish())
}

fn classify(stack: &ScopeStack, rules: &[(Scope, &'static str)]) -> Option<&'static str> {
    let scopes = stack.as_slice();
    rules
        .iter()
        .find(|(prefix, _)| scopes.iter().any(|s| prefix.is_prefix_of(*s)))
        .map(|&(_, class)| class)
}

/// Escaped text runs, merged while the class stays the same; white space
/// joins whatever run is open, since it shows no colour.
struct Runs {
    html: String,
    open: Option<&'static str>,
}

impl Runs {
    fn with_capacity(n: usize) -> Self {
        Runs {
            html: String::with_capacity(n),
            open: None,
        }
    }

    fn push(&mut self, text: &str, class: Option<&'static str>) {
        let blank = text.chars().all(char::is_whitespace);
        if !blank && class != self.open {
            if self.open.is_some() {
                self.html.push_str("</span>");
            }
            if let Some(class) = class {
                self.html.push_str("<span class=\"");
                self.html.push_str(class);
                self.html.push_str("\">");
            }
            self.open = class;
        }
        crate::html::escape_into(&mut self.html, text);
    }

    fn finish(mut self) -> String {
        if self.open.is_some() {
            self.html.push_str("</span>");
        }
        self.html
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn html(lang: &str, code: &str) -> String {
        match highlight(lang, code) {
            Highlighted::Html(h) => h,
            other => panic!("{lang}: {other:?}"),
        }
    }

    #[test]
    fn every_course_language_highlights() {
        for (lang, code, expect) in [
            (
                "json",
                "{\"a\": \"b\", \"n\": 1}\n",
                "<span class=\"a\">&quot;a&quot;</span>",
            ),
            ("bash", "# c\necho \"$HOME\"\n", "<span class=\"c\"># c"),
            ("sh", "echo 'x'\n", "<span class=\"s\">&#39;x&#39;"),
            ("shell", "echo 'x'\n", "<span class=\"s\">"),
            ("javascript", "const x = 1;\n", "<span class=\"k\">const"),
            ("js", "let x = 'y';\n", "<span class=\"s\">"),
            ("rust", "fn main() {}\n", "<span class=\"k\">fn"),
            (
                "toml",
                "[site]\ntitle = \"x\" # c\n",
                "<span class=\"a\">title",
            ),
            ("yaml", "key: value\n", "<span class=\"a\">key</span>"),
            (
                "http",
                "POST /token HTTP/1.1\nHost: a\n\ngrant_type=client_credentials\n",
                "<span class=\"k\">POST",
            ),
        ] {
            let out = html(lang, code);
            assert!(out.contains(expect), "{lang}: {out}");
        }
    }

    #[test]
    fn http_bodies_highlight_as_json_or_form() {
        let out = html(
            "http",
            "HTTP/1.1 200 OK\nContent-Type: application/json\n\n{\"token_type\": \"Bearer\"}\n",
        );
        assert!(
            out.contains("<span class=\"n\">HTTP/1.1 200</span>"),
            "{out}"
        );
        assert!(
            out.contains("<span class=\"a\">Content-Type</span>"),
            "{out}"
        );
        assert!(
            out.contains("<span class=\"a\">&quot;token_type&quot;</span>"),
            "{out}"
        );
        let out = html(
            "http",
            "POST /t HTTP/1.1\n\ngrant_type=client_credentials&scope=a\n",
        );
        assert!(out.contains("<span class=\"a\">grant_type</span>"), "{out}");
    }

    #[test]
    fn markup_is_lean_and_text_is_preserved() {
        let code = "{\n  \"access_token\": \"abc\",\n  \"expires_in\": 3600,\n  \"scope\": \"ledger:read\"\n}\n";
        let out = html("json", code);
        assert!(!out.contains("<span class=\"\""));
        assert!(!out.contains("<span><span"), "{out}");
        assert!(
            out.len() < code.len() * 4,
            "{} bytes for {}: {out}",
            out.len(),
            code.len()
        );
        let text = strip_tags(&out).replace("&quot;", "\"");
        assert_eq!(text, code);
    }

    #[test]
    fn plain_and_unknown_languages() {
        assert_eq!(highlight("text", "x"), Highlighted::Plain);
        assert_eq!(highlight("", "x"), Highlighted::Plain);
        assert_eq!(highlight("no-such-language", "x"), Highlighted::Unknown);
    }

    #[test]
    fn code_is_escaped() {
        let out = html("js", "a < b && c > \"<script>\";\n");
        assert!(!out.contains("<script>"), "{out}");
        assert!(out.contains("&lt;script&gt;"), "{out}");
    }

    fn strip_tags(html: &str) -> String {
        let mut out = String::new();
        let mut in_tag = false;
        for c in html.chars() {
            match c {
                '<' => in_tag = true,
                '>' => in_tag = false,
                _ if !in_tag => out.push(c),
                _ => {}
            }
        }
        out
    }
}
