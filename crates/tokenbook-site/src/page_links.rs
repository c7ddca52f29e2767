//! The link and anchor check of finished HTML pages: every page of the
//! output goes through it, whatever made it — the pages tokenbook
//! generates, and HTML files copied as they are from the content and
//! static directories (a course's own app, a custom landing page). Every
//! `href`, `src`, `srcset`, `poster`, `action` and refresh target that
//! stays inside the site must name a file of the output, and a `#fragment`
//! an `id` of the page it points at.
//!
//! Lesson links are checked earlier, against the lesson sources, with a
//! hint for the closest target (`links`); this check is what catches
//! everything else: a copied page linking to a lesson the course does not
//! have, or a template linking to a file that is not there.

use std::collections::{HashMap, HashSet};

use memchr::memchr;

use crate::diagnostic::{Diagnostic, Origin};
use crate::links::{closest, is_external, percent_decode};
use crate::markup::{decode_entities, for_each_attribute};

/// One HTML page of the output.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Page<'a> {
    /// Its path in the site, e.g. `naive-app/index.html`.
    pub(crate) path: &'a str,
    /// Its text.
    pub(crate) html: &'a str,
    /// Where it comes from: the content or static directory (problems are
    /// reported at its `path:line:col` there) or tokenbook itself.
    pub(crate) origin: Origin,
    /// Its path in that directory (the site path for generated pages).
    pub(crate) source_path: &'a str,
}

/// What one page holds: its ids, and its links resolved to site paths.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Scanned {
    /// Every `id` (and `name` of an `<a>`) on the page.
    pub(crate) ids: HashSet<String>,
    /// Links that stay inside the site.
    pub(crate) links: Vec<Link>,
}

/// A link inside the site, resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Link {
    /// Byte offset of the attribute value in the page.
    pub(crate) offset: usize,
    /// Its length in bytes.
    pub(crate) len: usize,
    /// The site path it names (`dir/` for a folder), or why it cannot be
    /// resolved.
    pub(crate) target: Result<String, String>,
    /// The fragment after `#`, decoded, unless empty or the playground's
    /// state (`#sample=…&step=…`).
    pub(crate) fragment: Option<String>,
}

/// Reads a page: its ids, and its links, resolved from `page_path`. Links
/// starting with `/` are read from the site's `base_path` (only the 404
/// page, which hosts serve at any address, writes them).
pub(crate) fn scan(html: &str, page_path: &str, base_path: &str) -> Scanned {
    let mut scanned = Scanned::default();
    let is = |a: &str, b: &str| a.eq_ignore_ascii_case(b);
    for_each_attribute(html, |tag, name, value, offset| {
        let single;
        let several;
        let urls: &[(usize, &str)] = if is(name, "id") || (is(name, "name") && is(tag, "a")) {
            scanned.ids.insert(decode_entities(value).into_owned());
            return;
        } else if ["href", "src", "poster", "action", "formaction"]
            .iter()
            .any(|n| is(name, n))
            || (is(name, "data") && is(tag, "object"))
        {
            single = [(0, value)];
            &single
        } else if is(name, "srcset") {
            // `a.png 1x, b.png 2x`
            several = srcset_urls(value);
            &several
        } else if is(name, "content") && is(tag, "meta") {
            // `<meta http-equiv="refresh" content="0; url=../new/">`
            match refresh_url(value) {
                Some(url) => {
                    single = [url];
                    &single
                }
                None => return,
            }
        } else {
            return;
        };
        for &(start, raw) in urls {
            let url = decode_entities(raw.trim());
            if let Some(link) = resolve(&url, page_path, base_path) {
                scanned.links.push(Link {
                    offset: offset + start,
                    len: raw.len().max(1),
                    ..link
                });
            }
        }
    });
    scanned
}

/// [`scan`] for the pages tokenbook writes itself, which keep to one
/// form: every attribute value in double quotes, `<` and `>` escaped in
/// values. It reads only `href`, `src`, `id` and refresh targets, which is
/// all these pages use, jumping from one `="` to the next instead of
/// reading every tag; a test checks that both give the same on whole
/// sites.
pub(crate) fn scan_generated(html: &str, page_path: &str, base_path: &str) -> Scanned {
    let bytes = html.as_bytes();
    let mut scanned = Scanned::default();
    // Inside a tag: the nearest `<` or `>` before `at` is a `<`.
    let in_tag =
        |at: usize| memchr::memrchr2(b'<', b'>', &bytes[..at]).is_some_and(|i| bytes[i] == b'<');
    // Every double-quoted attribute value starts after `="`; the name
    // before it says whether it matters.
    for found in memchr::memmem::find_iter(bytes, b"=\"") {
        let before = &bytes[..found];
        let kind = if before.ends_with(b" href") || before.ends_with(b" src") {
            Kind::Url
        } else if before.ends_with(b" id") {
            Kind::Id
        } else if before.ends_with(b" http-equiv") && bytes[found..].starts_with(b"=\"refresh\"") {
            Kind::Refresh
        } else {
            continue;
        };
        if !in_tag(found) {
            continue;
        }
        let start = found + 2;
        let end = memchr(b'"', &bytes[start..]).map_or(bytes.len(), |e| start + e);
        let raw = &html[start..end];
        match kind {
            Kind::Id => {
                scanned.ids.insert(decode_entities(raw).into_owned());
            }
            Kind::Refresh => {
                // The whole `<meta …>` tag, read as any page's.
                let tag_start = memchr::memrchr(b'<', before).unwrap_or(0);
                let tag_end = memchr(b'>', &bytes[found..]).map_or(bytes.len(), |e| found + e + 1);
                let tag = scan(&html[tag_start..tag_end], page_path, base_path);
                scanned.links.extend(tag.links.into_iter().map(|link| Link {
                    offset: tag_start + link.offset,
                    ..link
                }));
            }
            Kind::Url => {
                let url = decode_entities(raw.trim());
                if let Some(link) = resolve(&url, page_path, base_path) {
                    scanned.links.push(Link {
                        offset: start,
                        len: raw.len().max(1),
                        ..link
                    });
                }
            }
        }
    }
    scanned.links.sort_by_key(|link| link.offset);
    scanned
}

/// What an attribute of a generated page is to the check.
enum Kind {
    Url,
    Id,
    Refresh,
}

/// Resolves a link of a page; `None` for links out of the site and links
/// to the page itself without a fragment.
fn resolve(url: &str, page_path: &str, base_path: &str) -> Option<Link> {
    if url.is_empty() || is_external(url) {
        return None;
    }
    let (rest, fragment) = match url.split_once('#') {
        Some((rest, fragment)) => (rest, Some(decode_percent(fragment).into_owned())),
        None => (url, None),
    };
    let fragment = fragment.filter(|f| !f.is_empty() && !f.contains('='));
    let path = rest.split('?').next().unwrap_or(rest);
    let page_dir = page_path.rfind('/').map_or("", |i| &page_path[..=i]);
    let target = if path.is_empty() {
        fragment.as_ref()?;
        Ok(page_path.to_string())
    } else if let Some(absolute) = path.strip_prefix('/') {
        let base = base_path.trim_start_matches('/');
        absolute
            .strip_prefix(base)
            .map(|p| decode_percent(p).into_owned())
            .ok_or_else(|| {
                format!("`{url}` starts with `/` but not with the site's base path `{base_path}`; write it relative to the page")
            })
    } else {
        join_path(page_dir, &decode_percent(path))
            .ok_or_else(|| format!("`{url}` climbs out of the site"))
    };
    Some(Link {
        offset: 0,
        len: 0,
        target,
        fragment,
    })
}

/// Checks the links of every page against the files of the output
/// (`outputs`: every site path) and the ids of the pages. `scanned[i]` is
/// what [`scan`] found on `pages[i]`.
pub(crate) fn check(
    pages: &[Page<'_>],
    scanned: &[&Scanned],
    outputs: &HashSet<&str>,
) -> Vec<Diagnostic> {
    let by_path: HashMap<&str, usize> =
        pages.iter().enumerate().map(|(i, p)| (p.path, i)).collect();
    let mut diagnostics = Vec::new();
    for (page, found) in pages.iter().zip(scanned) {
        for link in &found.links {
            let written = page
                .html
                .get(link.offset..link.offset + link.len)
                .map(decode_entities)
                .unwrap_or_default();
            let problem = match &link.target {
                Err(why) => Some(("page/outside", why.clone(), None)),
                Ok(target) => match file_of(target, outputs) {
                    None => Some((
                        "page/missing-file",
                        format!("link to `{written}`, which is not a file of the site"),
                        near(target, outputs.iter().copied())
                            .map(|best| format!("did you mean `{best}`? (paths are relative to this page, {})", page.path)),
                    )),
                    Some(file) => link.fragment.as_ref().and_then(|fragment| {
                        let target_page = by_path.get(file)?;
                        let ids = &scanned[*target_page].ids;
                        (!ids.contains(fragment)).then(|| {
                            (
                                "page/missing-anchor",
                                format!("link to an anchor that does not exist: `{written}`"),
                                near(fragment, ids.iter().map(String::as_str))
                                    .map(|best| format!("did you mean `#{best}`? `{file}` has no id `{fragment}`"))
                                    .or_else(|| Some(format!("`{file}` has no ids to link to"))),
                            )
                        })
                    }),
                },
            };
            if let Some((code, message, hint)) = problem {
                let mut d = Diagnostic::error(code, page.source_path, message)
                    .with_origin(page.origin)
                    .at(page.html, link.offset, link.len);
                if let Some(hint) = hint {
                    d = d.with_hint(hint);
                }
                diagnostics.push(d);
            }
        }
    }
    diagnostics
}

/// `percent_decode`, without a copy when there is nothing to decode.
fn decode_percent(text: &str) -> std::borrow::Cow<'_, str> {
    if text.contains('%') {
        percent_decode(text).into()
    } else {
        text.into()
    }
}

/// `links::join` in one allocation: `dir` (empty or ending in `/`) with a
/// relative `path`, `.` and `..` resolved; `None` when it climbs out.
fn join_path(dir: &str, path: &str) -> Option<String> {
    let mut out = String::with_capacity(dir.len() + path.len() + 1);
    for segment in dir.split('/').chain(path.split('/')) {
        match segment {
            "" | "." => {}
            ".." => {
                if out.is_empty() {
                    return None;
                }
                out.truncate(out[..out.len() - 1].rfind('/').map_or(0, |i| i + 1));
            }
            name => {
                out.push_str(name);
                out.push('/');
            }
        }
    }
    if !path.ends_with('/') || out.is_empty() {
        out.pop();
    }
    Some(out)
}

/// The closest candidate, when it is close enough to be a typo: at most a
/// quarter of the characters differ.
fn near<'a>(wanted: &str, candidates: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    closest(wanted, candidates).filter(|best| {
        strsim::levenshtein(&wanted.to_lowercase(), &best.to_lowercase())
            <= (wanted.chars().count() / 4).max(2)
    })
}

/// The output file a site path names: itself, or for a folder its
/// `index.html`.
fn file_of<'a>(target: &str, outputs: &HashSet<&'a str>) -> Option<&'a str> {
    if let Some(file) = outputs.get(target) {
        return Some(file);
    }
    let index = if target.is_empty() || target.ends_with('/') {
        format!("{target}index.html")
    } else {
        format!("{target}/index.html")
    };
    outputs.get(index.as_str()).copied()
}

/// The URLs of a `srcset`, with their offsets in it.
fn srcset_urls(value: &str) -> Vec<(usize, &str)> {
    let mut urls = Vec::new();
    let mut offset = 0;
    for candidate in value.split(',') {
        let leading = candidate.len() - candidate.trim_start().len();
        if let Some(url) = candidate.split_whitespace().next() {
            urls.push((offset + leading, url));
        }
        offset += candidate.len() + 1;
    }
    urls
}

/// The target of a refresh: `0; url=../new/` gives `../new/`.
fn refresh_url(content: &str) -> Option<(usize, &str)> {
    let lower = content.to_ascii_lowercase();
    let at = lower.find("url=")? + 4;
    let url = content[at..].trim_matches(|c: char| c == '\'' || c == '"' || c.is_whitespace());
    let start = content[at..].find(url).map_or(at, |i| at + i);
    Some((start, url))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page<'a>(path: &'a str, html: &'a str) -> Page<'a> {
        Page {
            path,
            html,
            origin: Origin::Content,
            source_path: path,
        }
    }

    fn problems(pages: &[Page<'_>], outputs: &[&str]) -> Vec<String> {
        let scanned: Vec<Scanned> = pages.iter().map(|p| scan(p.html, p.path, "/")).collect();
        let refs: Vec<&Scanned> = scanned.iter().collect();
        let outputs: HashSet<&str> = outputs.iter().copied().collect();
        check(pages, &refs, &outputs)
            .iter()
            .map(|d| format!("{}:{}:{}: {}", d.path, d.line, d.column, d.message))
            .collect()
    }

    #[test]
    fn every_kind_of_link_is_read_with_its_position() {
        let html = "<!doctype html>\n<a href=\"../b/index.html#x\">b</a>\n<img src='img/p.png' srcset=\"img/p.png 1x, img/p2.png 2x\">\n<meta http-equiv=\"refresh\" content=\"0; url=../c/\">\n<A HREF=d.html>d</A>";
        let scanned = scan(html, "a/index.html", "/");
        let links: Vec<(String, Option<String>)> = scanned
            .links
            .iter()
            .map(|l| (l.target.clone().unwrap(), l.fragment.clone()))
            .collect();
        assert_eq!(
            links,
            [
                ("b/index.html".into(), Some("x".into())),
                ("a/img/p.png".into(), None),
                ("a/img/p.png".into(), None),
                ("a/img/p2.png".into(), None),
                ("c/".into(), None),
                ("a/d.html".into(), None),
            ]
        );
        let first = &scanned.links[0];
        assert_eq!(
            &html[first.offset..first.offset + first.len],
            "../b/index.html#x"
        );
        let refresh = &scanned.links[4];
        assert_eq!(&html[refresh.offset..refresh.offset + refresh.len], "../c/");
    }

    #[test]
    fn external_links_comments_scripts_and_playground_state_are_left_alone() {
        let html = "<a href=\"https://example.com/x\">x</a><a href=\"mailto:a@b\">m</a><a href=\"//cdn.example/x\">c</a><!-- <a href=\"nope.html\"> --><script>let a = '<a href=\"nope.html\">';</script><a href=\"#sample=expired&amp;step=validate\">s</a><a href=\"\">self</a>";
        assert!(scan(html, "index.html", "/").links.is_empty());
    }

    #[test]
    fn ids_and_entities_are_read() {
        let scanned = scan(
            "<h2 id=\"a&amp;b\">x</h2><a name=old></a><p id='c'>",
            "p.html",
            "/",
        );
        assert_eq!(
            scanned.ids,
            HashSet::from(["a&b".to_string(), "old".to_string(), "c".to_string()])
        );
    }

    #[test]
    fn missing_files_and_anchors_are_located_in_the_page() {
        let app = "<p>See\n<a href=\"../08-secrets/index.html\">the lesson</a> and <a href=\"../guide/index.html#nope\">x</a>.</p>";
        let guide =
            "<h2 id=\"setup\">Setup</h2><a href=\"#setup\">here</a><a href=\"#sertup\">typo</a>";
        let pages = [page("app/index.html", app), page("guide/index.html", guide)];
        assert_eq!(
            problems(&pages, &["app/index.html", "guide/index.html"]),
            [
                "app/index.html:2:10: link to `../08-secrets/index.html`, which is not a file of the site",
                "app/index.html:2:64: link to an anchor that does not exist: `../guide/index.html#nope`",
                "guide/index.html:1:60: link to an anchor that does not exist: `#sertup`",
            ]
        );
    }

    #[test]
    fn folders_mean_their_index_and_absolute_links_start_at_the_base_path() {
        let pages = [page(
            "404.html",
            "<a href=\"/course/guide/\">g</a><a href=\"/guide/\">g</a><a href=\"guide\">g</a>",
        )];
        let scanned = scan(pages[0].html, "404.html", "/course/");
        let outputs: HashSet<&str> = HashSet::from(["404.html", "guide/index.html"]);
        let found = check(&pages, &[&scanned], &outputs);
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(
            found[0]
                .message
                .contains("not with the site's base path `/course/`")
        );
    }

    #[test]
    fn links_that_climb_out_of_the_site_are_errors() {
        let pages = [page("a.html", "<a href=\"../../etc/passwd\">x</a>")];
        assert_eq!(
            problems(&pages, &["a.html"]),
            ["a.html:1:10: `../../etc/passwd` climbs out of the site"]
        );
    }

    #[test]
    fn paths_join_as_the_lesson_links_do() {
        for (dir, path) in [
            ("", "a.html"),
            ("a/", "../b/index.html"),
            ("a/b/", "../../c/"),
            ("a/", "./x//y.png"),
            ("a/", ".."),
            ("a/", "../"),
            ("", "../x"),
            ("a/", "../../x"),
            ("", "x/"),
            ("a/", "b/../../c"),
        ] {
            assert_eq!(
                join_path(dir, path),
                crate::links::join(dir, path),
                "{dir} + {path}"
            );
        }
    }

    #[test]
    fn generated_pages_read_the_same_with_the_fast_scan() {
        let lesson = "+++\naliases = [\"old/first/\"]\n+++\n# 01 · First\n\n## Setup {#setup}\n\nSee [the second](./02_Second.md#next-steps), `href=\"x\"` in code, and a href=\"nope\" in text.\n\n```json\n{\"href\": \"<a href='y'>\"}\n```\n\n| a | b |\n|---|---|\n| [x](#setup) | y |\n\n```playground sample=app-token step=validate\n```\n";
        let input = crate::SiteInput {
            sources: [
                ("site.toml", "title = \"T\"\nbase_url = \"https://example.org/c/\"\n"),
                ("01_First.md", lesson),
                ("02_Second.md", "# 02 · Second\n\n## Next Steps\n\nBack to [the first](./01_First.md#setup).\n\n## Beginner Check\n\n1. Why?\n\nAnswers:\n\n1. Because.\n"),
            ]
            .iter()
            .map(|(path, text)| crate::SourceFile {
                path: path.to_string(),
                bytes: text.as_bytes().to_vec(),
            })
            .collect(),
            now: 1_780_000_000,
            ..crate::SiteInput::default()
        };
        let site = crate::build(&input);
        let mut pages = 0;
        for file in site.files.iter().filter(|f| f.path.ends_with(".html")) {
            let html = std::str::from_utf8(&file.contents).unwrap();
            let full = scan(html, &file.path, "/c/");
            assert_eq!(
                scan_generated(html, &file.path, "/c/"),
                full,
                "{}",
                file.path
            );
            assert!(!full.links.is_empty(), "{}", file.path);
            pages += 1;
        }
        assert!(pages >= 6, "lessons, index, alias, 404, print: {pages}");
    }

    #[test]
    fn broken_markup_never_panics() {
        for html in [
            "<",
            "<a href=",
            "<a href=\"x",
            "<a\u{e9} href=\u{e9}>",
            "<!--",
            "<script>",
            "<a b c d=>",
            "&#xFFFFFFFF; <a href=\"&#99999999;\">",
        ] {
            let _ = scan(html, "p.html", "/");
        }
    }
}
