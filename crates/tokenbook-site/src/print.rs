//! The whole course on one page (`print/`), for printing or reading
//! offline in one go.
//!
//! Each lesson's rendered body becomes a chapter of the page. Bodies are
//! HTML this crate generated, so they are adapted by rewriting attributes:
//! every `id` (and the attributes naming ids) gets the lesson's key as a
//! prefix so ids stay unique; a link to another lesson, or to a section of
//! it, becomes a link inside the page; other relative addresses are
//! re-pointed from the lesson's directory to `print/`. Headings go one
//! level down (the page has its own `<h1>`; a lesson's title becomes an
//! `<h2>`). The playground's page data is dropped: the printed page shows
//! its build-time rendering.

use std::collections::HashMap;

use crate::html::relative_url;

/// The site path of the whole-course page.
pub const PRINT_URL: &str = "print/";

/// Above this many lessons the whole-course page is only made when
/// `site.toml` asks for it (`print_page = true`): it holds every lesson.
pub(crate) const AUTO_LIMIT: usize = 300;

/// The id prefix of a lesson's chapter: its URL without slashes,
/// `part/lesson/` -> `part-lesson`.
pub(crate) fn chapter_key(lesson_url: &str) -> String {
    lesson_url.trim_matches('/').replace('/', "-")
}

/// Rewrites `html`, rendered for the page at site path `page_url`, as the
/// chapter `key` of the whole-course page. `chapters` maps a lesson's site
/// path (`03-the-flow/`) to its chapter key.
pub(crate) fn chapter(
    html: &str,
    page_url: &str,
    key: &str,
    chapters: &HashMap<&str, String>,
) -> String {
    let html = lower_headings(&drop_playground_data(html));
    let mut out = String::with_capacity(html.len() + html.len() / 16);
    let mut rest = html.as_ref();
    while let Some((before, attribute, value, after)) = next_attribute(rest) {
        out.push_str(before);
        out.push_str(attribute);
        out.push_str("=\"");
        match attribute.trim_start() {
            "id" | "for" | "aria-labelledby" | "aria-describedby" | "aria-controls" => {
                let ids: Vec<String> = value
                    .split(' ')
                    .map(|id| {
                        if id.is_empty() {
                            String::new()
                        } else {
                            format!("{key}--{id}")
                        }
                    })
                    .collect();
                out.push_str(&ids.join(" "));
            }
            _ => out.push_str(&address(value, page_url, key, chapters)),
        }
        out.push('"');
        rest = after;
    }
    out.push_str(rest);
    out
}

/// The next attribute worth rewriting in `html`: (text before it, the
/// attribute name with its leading space, its value, the text after its
/// closing quote). Our renderers always quote with `"` and escape `"`
/// inside values and text, so ` name="` only ever opens an attribute.
fn next_attribute(html: &str) -> Option<(&str, &str, &str, &str)> {
    const NAMES: [&str; 7] = [
        " id=\"",
        " for=\"",
        " aria-labelledby=\"",
        " aria-describedby=\"",
        " aria-controls=\"",
        " href=\"",
        " src=\"",
    ];
    let (start, name) = NAMES
        .iter()
        .filter_map(|n| html.find(n).map(|i| (i, *n)))
        .min_by_key(|(i, _)| *i)?;
    let value_start = start + name.len();
    let value_len = html[value_start..].find('"')?;
    Some((
        &html[..start],
        &html[start..start + name.len() - 2],
        &html[value_start..value_start + value_len],
        &html[value_start + value_len + 1..],
    ))
}

/// A link or source address of the chapter `key` (rendered at `page_url`)
/// as seen from the whole-course page.
fn address(value: &str, page_url: &str, key: &str, chapters: &HashMap<&str, String>) -> String {
    if let Some(fragment) = value.strip_prefix('#') {
        return if fragment.contains('=') {
            // A playground state of this page: only the live page has it.
            format!("{}{value}", relative_url(PRINT_URL, page_url))
        } else if fragment.is_empty() {
            format!("#{key}")
        } else {
            format!("#{key}--{fragment}")
        };
    }
    let first_segment = value.split(['/', '#', '?']).next().unwrap_or("");
    if value.is_empty() || value.starts_with('/') || first_segment.contains(':') {
        return value.to_string(); // absolute, or with a scheme
    }
    let (path, fragment) = match value.split_once('#') {
        Some((p, f)) => (p, Some(f)),
        None => (value, None),
    };
    let Some(site_path) = resolve(page_url, path) else {
        return value.to_string();
    };
    let dir = site_path.strip_suffix("index.html").unwrap_or(&site_path);
    // `#sample=…&step=…` is a playground state, not a section: such links
    // keep going to the live page.
    let is_state = fragment.is_some_and(|f| f.contains('='));
    if let Some(chapter) = chapters.get(dir).filter(|_| !is_state) {
        return match fragment {
            Some(f) if !f.is_empty() => format!("#{chapter}--{f}"),
            _ => format!("#{chapter}"),
        };
    }
    let mut url = relative_url(PRINT_URL, &site_path);
    if let Some(f) = fragment {
        url.push('#');
        url.push_str(f);
    }
    url
}

/// The site path that the relative `href` on the page at `page_url` (a
/// directory such as `a/b/`) points to; `None` when it climbs above the site.
fn resolve(page_url: &str, href: &str) -> Option<String> {
    let mut segments: Vec<&str> = page_url.split('/').filter(|s| !s.is_empty()).collect();
    let trailing_slash = href.ends_with('/') || href.is_empty();
    for segment in href.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                segments.pop()?;
            }
            s => segments.push(s),
        }
    }
    let mut path = segments.join("/");
    if trailing_slash && !path.is_empty() {
        path.push('/');
    }
    Some(path)
}

/// Every heading one level lower, `<h1 …>…</h1>` -> `<h2 …>…</h2>`; `<h6>`
/// stays. Text cannot hold `<h2`: it is escaped.
fn lower_headings(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(at) = rest.find("<h").into_iter().chain(rest.find("</h")).min() {
        let closing = rest[at..].starts_with("</h");
        let digit_at = at + if closing { 3 } else { 2 };
        let level = rest.as_bytes().get(digit_at).copied();
        let follows = rest.as_bytes().get(digit_at + 1).copied();
        out.push_str(&rest[..digit_at]);
        match (level, follows) {
            (Some(d @ b'1'..=b'5'), Some(b' ' | b'>')) => {
                out.push(char::from(d + 1));
                rest = &rest[digit_at + 1..];
            }
            _ => rest = &rest[digit_at..],
        }
    }
    out.push_str(rest);
    out
}

/// Removes the playground's and the exercises' page data (`<template
/// class="pg-data">…`, `<template class="lab-data">…`): without it the page
/// scripts leave the sections as rendered at build time. Playground
/// sections lose their name too: on this page each is a printed example,
/// not one of several same-named regions.
fn drop_playground_data(html: &str) -> std::borrow::Cow<'_, str> {
    const PLAYGROUND: &str = "<template class=\"pg-data\">";
    const LAB: &str = "<template class=\"lab-data\">";
    if !html.contains(PLAYGROUND) && !html.contains(LAB) {
        return html.into();
    }
    let unnamed = if html.contains(PLAYGROUND) {
        unname_playgrounds(html)
    } else {
        html.to_owned()
    };
    drop_templates(&drop_templates(&unnamed, PLAYGROUND), LAB).into()
}

/// `html` without the templates opened by `open`.
fn drop_templates(html: &str, open: &str) -> String {
    const CLOSE: &str = "</template>";
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(start) = rest.find(open) {
        out.push_str(&rest[..start]);
        match rest[start..].find(CLOSE) {
            Some(end) => rest = &rest[start + end + CLOSE.len()..],
            None => {
                rest = "";
                break;
            }
        }
    }
    out.push_str(rest);
    out
}

/// `<section class="playground" … aria-labelledby="…">` without the label.
fn unname_playgrounds(html: &str) -> String {
    const SECTION: &str = "<section class=\"playground\"";
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(start) = rest.find(SECTION) {
        let tag_end = rest[start..].find('>').map_or(rest.len(), |e| start + e);
        let tag = &rest[start..tag_end];
        out.push_str(&rest[..start]);
        match tag.find(" aria-labelledby=\"") {
            Some(a) => {
                let value_end = tag[a + 18..]
                    .find('"')
                    .map_or(tag.len(), |e| a + 18 + e + 1);
                out.push_str(&tag[..a]);
                out.push_str(&tag[value_end.min(tag.len())..]);
            }
            None => out.push_str(tag),
        }
        rest = &rest[tag_end..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chapters() -> HashMap<&'static str, String> {
        HashMap::from([
            ("01-intro/", "01-intro".to_string()),
            ("part/02-flow/", "part-02-flow".to_string()),
        ])
    }

    #[test]
    fn ids_and_the_attributes_naming_them_get_the_chapter_prefix() {
        let html = "<div class=\"heading\"><h2 id=\"why\">Why</h2><a class=\"anchor\" href=\"#why\">#</a></div><section id=\"playground\" aria-labelledby=\"playground-title\"><label for=\"k\">K</label>";
        let out = chapter(html, "01-intro/", "01-intro", &chapters());
        assert_eq!(
            out,
            "<div class=\"heading\"><h3 id=\"01-intro--why\">Why</h3><a class=\"anchor\" href=\"#01-intro--why\">#</a></div><section id=\"01-intro--playground\" aria-labelledby=\"01-intro--playground-title\"><label for=\"01-intro--k\">K</label>"
        );
    }

    #[test]
    fn links_to_lessons_stay_in_the_page_and_other_addresses_move_to_print() {
        let html = concat!(
            "<a href=\"../part/02-flow/index.html#step-2\">a</a>",
            "<a href=\"../part/02-flow/index.html\">b</a>",
            "<img src=\"../img/x.png\" alt=\"\">",
            "<a href=\"../playground/index.html#sample=app-token\">c</a>",
            "<a href=\"https://www.rfc-editor.org/rfc/rfc6749#section-4.4\">d</a>",
            "<a href=\"../01-intro/index.html#sample=expired&amp;step=validate\">e</a>",
        );
        let out = chapter(html, "01-intro/", "01-intro", &chapters());
        assert_eq!(
            out,
            concat!(
                "<a href=\"#part-02-flow--step-2\">a</a>",
                "<a href=\"#part-02-flow\">b</a>",
                "<img src=\"../img/x.png\" alt=\"\">",
                "<a href=\"../playground/index.html#sample=app-token\">c</a>",
                "<a href=\"https://www.rfc-editor.org/rfc/rfc6749#section-4.4\">d</a>",
                "<a href=\"../01-intro/index.html#sample=expired&amp;step=validate\">e</a>",
            )
        );
        // From a lesson two levels down, the same image is re-pointed.
        let nested = chapter(
            "<img src=\"../../img/x.png\"><a href=\"../../01-intro/index.html\">i</a>",
            "part/02-flow/",
            "part-02-flow",
            &chapters(),
        );
        assert_eq!(
            nested,
            "<img src=\"../img/x.png\"><a href=\"#01-intro\">i</a>"
        );
    }

    #[test]
    fn a_playground_state_of_the_page_itself_links_to_the_live_page() {
        assert_eq!(
            chapter(
                "<a href=\"#sample=expired&amp;step=validate\">x</a>",
                "playground/",
                "playground",
                &chapters()
            ),
            "<a href=\"../playground/index.html#sample=expired&amp;step=validate\">x</a>"
        );
    }

    #[test]
    fn text_that_looks_like_an_attribute_is_escaped_so_it_is_left_alone() {
        let html = "<code> id=&quot;x&quot;</code><p>say href=&quot;#a&quot;</p>";
        assert_eq!(chapter(html, "01-intro/", "k", &chapters()), html);
    }

    #[test]
    fn headings_go_one_level_down() {
        assert_eq!(
            lower_headings(
                "<h1 id=\"t\">T</h1><h5>x</h5><h6>y</h6><hr><header>h</header><p>&lt;h2&gt;</p>"
            ),
            "<h2 id=\"t\">T</h2><h6>x</h6><h6>y</h6><hr><header>h</header><p>&lt;h2&gt;</p>"
        );
    }

    #[test]
    fn playground_data_is_dropped() {
        let html = "<section class=\"playground\" id=\"playground\" aria-labelledby=\"playground-title\"><p>x</p><template class=\"pg-data\">{\"a\":1}</template>\n</section>";
        assert_eq!(
            chapter(html, "01-intro/", "k", &chapters()),
            "<section class=\"playground\" id=\"k--playground\"><p>x</p>\n</section>"
        );
        // An exercise keeps its name and its build-time content.
        let html = "<section class=\"exercise\" id=\"exercise-a\" aria-labelledby=\"exercise-a-title\"><p>x</p><template class=\"lab-data\">{}</template>\n</section>";
        assert_eq!(
            chapter(html, "01-intro/", "k", &chapters()),
            "<section class=\"exercise\" id=\"k--exercise-a\" aria-labelledby=\"k--exercise-a-title\"><p>x</p>\n</section>"
        );
    }

    #[test]
    fn resolving_relative_addresses() {
        assert_eq!(
            resolve("a/b/", "../c/index.html").as_deref(),
            Some("a/c/index.html")
        );
        assert_eq!(resolve("a/", "../").as_deref(), Some(""));
        assert_eq!(resolve("a/", "../../x"), None);
        assert_eq!(chapter_key("part/02-flow/"), "part-02-flow");
    }
}
