//! The policy for what a lesson may carry besides markdown. Lessons arrive
//! through pull requests, and the page's Content-Security-Policy is the
//! last line of defence, not the only one. Raw HTML is allowed (`<kbd>`,
//! `<details>`, `<sup>`, `<abbr>` …), except what changes or leaves the
//! page on its own:
//!
//! - tags that run code, load or embed other documents, or change the
//!   whole page: `script`, `style`, `meta`, `base`, `link`, `iframe`,
//!   `frame`, `frameset`, `object`, `embed`, `applet`, `form`, `portal`;
//! - event-handler attributes (`onclick`, `onerror` …), `srcdoc`,
//!   `http-equiv` and `formaction`;
//! - URLs, in HTML attributes and in markdown links and images alike, with a
//!   scheme other than `http`, `https`, `mailto` and `tel`
//!   (`javascript:`, `data:`, `file:`, `vbscript:` …).
//!
//! Each is an error at its `path:line:col`; there is no switch to allow
//! them, since what they do is never needed for a lesson.

use crate::diagnostic::Diagnostic;
use crate::markdown::{HtmlSite, LinkSite};
use crate::markup::{Markup, decode_entities, for_each_markup};

/// Tags a lesson may not contain, with the hint for each.
const FORBIDDEN_TAGS: [(&str, &str); 13] = [
    (
        "script",
        "the site's scripts come from static/js, and the page's Content-Security-Policy blocks inline ones anyway",
    ),
    (
        "style",
        "style lessons with the classes of static/css/site.css",
    ),
    (
        "meta",
        "a <meta> in the body can redirect readers or change the whole page; link to the other page instead",
    ),
    ("base", "a <base> changes where every link of the page goes"),
    ("link", "stylesheets and icons belong in the templates"),
    ("iframe", "link to the other page instead of embedding it"),
    ("frame", "link to the other page instead of embedding it"),
    ("frameset", "link to the other page instead of embedding it"),
    ("object", "link to the file instead of embedding it"),
    ("embed", "link to the file instead of embedding it"),
    ("applet", "link to the file instead of embedding it"),
    (
        "form",
        "a lesson cannot send anything anywhere; the playground is where readers try things",
    ),
    ("portal", "link to the other page instead of embedding it"),
];

/// Attributes whose value is a URL.
const URL_ATTRIBUTES: [&str; 10] = [
    "href",
    "src",
    "srcset",
    "action",
    "poster",
    "cite",
    "data",
    "background",
    "xlink:href",
    "ping",
];

/// Schemes a lesson's links may use.
const ALLOWED_SCHEMES: [&str; 4] = ["http", "https", "mailto", "tel"];

/// The policy's diagnostics for one lesson: its raw HTML and its links.
pub(crate) fn check(
    path: &str,
    text: &str,
    html: &[HtmlSite],
    links: &[LinkSite],
) -> Vec<Diagnostic> {
    let mut problems = Vec::new();
    for site in html {
        check_html(path, text, site, &mut problems);
    }
    for link in links {
        if let Some(scheme) = forbidden_scheme(&link.dest) {
            problems.push(
                Diagnostic::error(
                    "link/unsafe-scheme",
                    path,
                    format!("link with the `{scheme}:` scheme: `{}`", link.dest),
                )
                .at(text, link.offset, link.len)
                .with_hint(scheme_hint(&scheme)),
            );
        }
    }
    problems
}

fn check_html(path: &str, text: &str, site: &HtmlSite, problems: &mut Vec<Diagnostic>) {
    for_each_markup(&site.text, |markup| match markup {
        Markup::Tag { name, offset } => {
            let lower = name.to_ascii_lowercase();
            if let Some((tag, hint)) = FORBIDDEN_TAGS.iter().find(|(tag, _)| *tag == lower) {
                problems.push(
                    Diagnostic::error(
                        "html/forbidden-tag",
                        path,
                        format!("`<{tag}>` is not allowed in a lesson"),
                    )
                    .at(text, site.offset + offset, name.len() + 1)
                    .with_hint(*hint),
                );
            }
        }
        Markup::Attribute {
            tag,
            name,
            value,
            value_offset,
        } => {
            let lower = name.to_ascii_lowercase();
            let at = site.offset + value_offset;
            if lower.starts_with("on")
                || matches!(lower.as_str(), "srcdoc" | "http-equiv" | "formaction")
            {
                problems.push(
                    Diagnostic::error(
                        "html/forbidden-attribute",
                        path,
                        format!("the `{lower}` attribute is not allowed in a lesson"),
                    )
                    .at(text, at, value.len())
                    .with_hint(if lower.starts_with("on") {
                        "a lesson runs no code of its own; remove the attribute"
                    } else {
                        "remove the attribute"
                    }),
                );
                return;
            }
            if URL_ATTRIBUTES.contains(&lower.as_str()) {
                let decoded = decode_entities(value);
                let urls: Vec<&str> = if lower == "srcset" {
                    decoded
                        .split(',')
                        .filter_map(|c| c.split_whitespace().next())
                        .collect()
                } else {
                    vec![decoded.as_ref()]
                };
                for url in urls {
                    if let Some(scheme) = forbidden_scheme(url) {
                        problems.push(
                            Diagnostic::error(
                                "html/unsafe-url",
                                path,
                                format!("`{lower}` of `<{tag}>` uses the `{scheme}:` scheme"),
                            )
                            .at(text, at, value.len())
                            .with_hint(scheme_hint(&scheme)),
                        );
                    }
                }
            }
        }
    });
}

/// The scheme of `url` when it is not one a lesson may use, lowercased.
/// Browsers ignore tabs and line breaks inside a URL and spaces and
/// control characters around it, so `java\tscript:` is `javascript:`.
pub(crate) fn forbidden_scheme(url: &str) -> Option<String> {
    let cleaned: String = url
        .trim_matches(|c: char| c.is_whitespace() || c.is_control())
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .collect();
    let colon = cleaned.find(':')?;
    let scheme = &cleaned[..colon];
    let is_scheme = scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    if !is_scheme {
        return None;
    }
    let scheme = scheme.to_ascii_lowercase();
    (!ALLOWED_SCHEMES.contains(&scheme.as_str())).then_some(scheme)
}

fn scheme_hint(scheme: &str) -> String {
    match scheme {
        "javascript" | "vbscript" => "a link must go somewhere, not run code; lessons link with http(s), mailto or a path".to_string(),
        "data" => "put the file in the content folder and link to it by its path".to_string(),
        "file" => "a reader's browser cannot open the author's files; put the file in the content folder and link to its path".to_string(),
        _ => format!("lessons link with http(s), mailto, tel or a path; `{scheme}:` is not one of them"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::markdown::parse;

    fn problems(body: &str) -> Vec<String> {
        let outline = parse(body, 0).outline();
        check("03_X.md", body, &outline.html, &outline.links)
            .iter()
            .map(|d| format!("{}:{}: {}: {}", d.line, d.column, d.code, d.message))
            .collect()
    }

    #[test]
    fn dangerous_tags_attributes_and_schemes_are_located() {
        let body = "# X\n\n<meta http-equiv=\"refresh\" content=\"0;url=https://evil.example\">\n\nText <img src=x onerror=\"alert(1)\"> and <a href=\"java&#x09;script:alert(1)\">x</a>.\n\n<SCRIPT>alert(1)</script>\n\n[click](javascript:alert(1)) ![i](data:image/png;base64,AAAA) [f](file:///etc/passwd)\n\n<div>\n<iframe\n  src=\"https://example.com\"></iframe>\n</div>\n";
        assert_eq!(
            problems(body),
            [
                "3:1: html/forbidden-tag: `<meta>` is not allowed in a lesson",
                "3:19: html/forbidden-attribute: the `http-equiv` attribute is not allowed in a lesson",
                "5:26: html/forbidden-attribute: the `onerror` attribute is not allowed in a lesson",
                "5:50: html/unsafe-url: `href` of `<a>` uses the `javascript:` scheme",
                "7:1: html/forbidden-tag: `<script>` is not allowed in a lesson",
                "12:1: html/forbidden-tag: `<iframe>` is not allowed in a lesson",
                "9:1: link/unsafe-scheme: link with the `javascript:` scheme: `javascript:alert(1)`",
                "9:30: link/unsafe-scheme: link with the `data:` scheme: `data:image/png;base64,AAAA`",
                "9:63: link/unsafe-scheme: link with the `file:` scheme: `file:///etc/passwd`",
            ]
        );
    }

    #[test]
    fn ordinary_html_links_and_code_pass() {
        let body = "# X\n\nPress <kbd>Ctrl</kbd>+<kbd>C</kbd>, H<sub>2</sub>O, <abbr title=\"JSON Web Token\">JWT</abbr>.\n\n<details><summary>More</summary>\n\n<a href=\"https://example.com/x\">x</a> <a href=\"../04-y/\">y</a> <a href=\"#top\">t</a> <a href=\"mailto:a@example.com\">m</a>\n\n</details>\n\n[ok](https://example.com) [rel](./04_Y.md#part)\n\n```html\n<script>not run: code</script>\n```\n\n`<meta http-equiv=refresh>` in code.\n";
        assert_eq!(problems(body), Vec::<String>::new());
    }

    #[test]
    fn schemes_as_browsers_read_them() {
        for url in [
            "javascript:x",
            " JavaScript:x",
            "java\nscript:x",
            "\u{1}javascript:x",
            "DATA:text/html,x",
            "vbscript:x",
            "file:x",
            "ftp://x",
        ] {
            assert!(forbidden_scheme(url).is_some(), "{url:?}");
        }
        for url in [
            "https://x",
            "HTTP://x",
            "mailto:a@b",
            "tel:+1",
            "./a:b",
            "/x",
            "#a",
            "a/b:c",
            "1:2",
        ] {
            assert_eq!(forbidden_scheme(url), None, "{url:?}");
        }
    }
}
