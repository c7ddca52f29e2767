//! Link checking and rewriting: links to lessons' markdown files become
//! page URLs, `#anchors` are checked against the target's headings, and a
//! link to nothing fails the build with the closest existing target as a
//! hint. External links are left alone: there is no network at build time.

use std::collections::{HashMap, HashSet};

use crate::diagnostic::Diagnostic;
use crate::html::relative_url;
use crate::markdown::{LinkSite, LinkTarget};

/// Everything a link may point at.
#[derive(Debug, Default)]
pub(crate) struct LinkIndex<'a> {
    /// Lesson source path -> lesson index.
    pub lessons: HashMap<&'a str, usize>,
    /// Per lesson: site path.
    pub urls: Vec<&'a str>,
    /// Per lesson: title.
    pub titles: Vec<&'a str>,
    /// Per lesson: heading ids.
    pub anchors: Vec<HashSet<&'a str>>,
    /// Part folder (ending in `/`) -> site path.
    pub parts: HashMap<&'a str, &'a str>,
    /// Other files of the content directory, copied as they are.
    pub assets: HashSet<&'a str>,
    /// Site paths of every output file, for links starting with `/`.
    pub outputs: HashSet<String>,
}

/// Resolves every link of one lesson. Links that need no rewriting are
/// left out of the returned map.
pub(crate) fn resolve_all(
    index: &LinkIndex<'_>,
    lesson: usize,
    path: &str,
    source: &str,
    links: &[LinkSite],
    diagnostics: &mut Vec<Diagnostic>,
) -> HashMap<usize, LinkTarget> {
    let mut targets = HashMap::new();
    for link in links {
        match resolve(index, lesson, path, link) {
            Ok(Some(target)) => {
                targets.insert(link.offset, target);
            }
            Ok(None) => {}
            Err((code, message, hint)) => {
                let mut d =
                    Diagnostic::error(code, path, message).at(source, link.offset, link.len);
                if let Some(hint) = hint {
                    d = d.with_hint(hint);
                }
                diagnostics.push(d);
            }
        }
    }
    targets
}

/// A link's problem: its code, message and hint.
type Problem = (&'static str, String, Option<String>);

fn resolve(
    index: &LinkIndex<'_>,
    lesson: usize,
    path: &str,
    link: &LinkSite,
) -> Result<Option<LinkTarget>, Problem> {
    let dest = link.dest.trim();
    if dest.is_empty() {
        return Err((
            "link/empty",
            "empty link".to_string(),
            Some("write the target between the parentheses: `[text](./03_The_Flow.md)`".into()),
        ));
    }
    if is_external(dest) {
        return Ok(None);
    }
    let (target, fragment) = match dest.split_once('#') {
        Some((t, f)) => (t, Some(f)),
        None => (dest, None),
    };
    let target = target.split('?').next().unwrap_or(target);
    if target.is_empty() {
        let fragment = fragment.unwrap_or("");
        check_anchor(index, lesson, fragment, dest)?;
        return Ok(None);
    }
    let from_url = index.urls[lesson];
    let decoded = percent_decode(target);
    let with_fragment = |href: String| match fragment {
        Some(f) => format!("{href}#{f}"),
        None => href,
    };

    if let Some(site_path) = decoded.strip_prefix('/') {
        let known = index.outputs.contains(site_path)
            || index
                .outputs
                .contains(&format!("{}index.html", ensure_slash(site_path)));
        if !known {
            return Err((
                "link/missing-file",
                format!("link to `{dest}`, which is not a page or file of the site"),
                None,
            ));
        }
        let site_path = if site_path.ends_with('/')
            || site_path.is_empty()
            || index.outputs.contains(site_path)
        {
            site_path.to_string()
        } else {
            ensure_slash(site_path)
        };
        return Ok(Some(LinkTarget {
            href: with_fragment(relative_url(from_url, &site_path)),
            title: None,
        }));
    }

    let dir = path.rfind('/').map_or("", |i| &path[..=i]);
    let Some(resolved) = join(dir, &decoded) else {
        return Err((
            "link/outside",
            format!("link to `{dest}` leaves the content directory"),
            Some("link only to lessons and files inside the content directory".into()),
        ));
    };
    if let Some(&target_lesson) = index.lessons.get(resolved.as_str()) {
        if let Some(fragment) = fragment {
            check_anchor(index, target_lesson, fragment, dest)?;
        }
        return Ok(Some(LinkTarget {
            href: with_fragment(relative_url(from_url, index.urls[target_lesson])),
            title: Some(index.titles[target_lesson].to_string()),
        }));
    }
    if index.assets.contains(resolved.as_str()) {
        return Ok(Some(LinkTarget {
            href: with_fragment(relative_url(from_url, &resolved)),
            title: None,
        }));
    }
    if let Some(part_url) = index.parts.get(ensure_slash(&resolved).as_str()) {
        return Ok(Some(LinkTarget {
            href: with_fragment(relative_url(from_url, part_url)),
            title: None,
        }));
    }
    let what = if crate::files::lesson_stem(&resolved).is_some() {
        "a lesson"
    } else {
        "a file"
    };
    let hint = closest(
        &resolved,
        index
            .lessons
            .keys()
            .copied()
            .chain(index.assets.iter().copied()),
    )
    .map(|best| format!("did you mean `{}`?", relative_path(dir, best)));
    Err((
        "link/missing-target",
        format!("link to {what} that does not exist: `{dest}`"),
        hint,
    ))
}

fn check_anchor(
    index: &LinkIndex<'_>,
    lesson: usize,
    fragment: &str,
    dest: &str,
) -> Result<(), Problem> {
    let fragment = percent_decode(fragment);
    // `#sample=expired&step=validate` is the playground's state, not an anchor.
    if fragment.is_empty()
        || fragment.contains('=')
        || index.anchors[lesson].contains(fragment.as_str())
    {
        return Ok(());
    }
    let mut known: Vec<&str> = index.anchors[lesson].iter().copied().collect();
    known.sort_unstable();
    let listed: Vec<String> = known.iter().take(12).map(|a| format!("#{a}")).collect();
    let more = if known.len() > listed.len() {
        ", …"
    } else {
        ""
    };
    let hint = closest(&fragment, known.iter().copied())
        .map(|best| {
            format!(
                "did you mean `#{best}`? `{}` has: {}{more}",
                index.titles[lesson],
                listed.join(" ")
            )
        })
        .or_else(|| Some("that lesson has no headings to link to".to_string()));
    Err((
        "link/missing-anchor",
        format!("link to an anchor that does not exist: `{dest}`"),
        hint,
    ))
}

/// True for links with a scheme (`https:`, `mailto:`) or protocol-relative.
pub(crate) fn is_external(dest: &str) -> bool {
    if dest.starts_with("//") {
        return true;
    }
    match dest.find(':') {
        Some(i) => {
            let scheme = &dest[..i];
            !scheme.is_empty()
                && scheme.starts_with(|c: char| c.is_ascii_alphabetic())
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
        }
        None => false,
    }
}

/// `dir` (ending in `/` or empty) joined with a relative `path`, with `.`
/// and `..` resolved; `None` when it climbs out of the root.
pub(crate) fn join(dir: &str, path: &str) -> Option<String> {
    let mut parts: Vec<&str> = dir.split('/').filter(|s| !s.is_empty()).collect();
    for segment in path.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    let mut joined = parts.join("/");
    if path.ends_with('/') && !joined.is_empty() {
        joined.push('/');
    }
    Some(joined)
}

/// How to write `to` (a content path) from a file in `from_dir`.
fn relative_path(from_dir: &str, to: &str) -> String {
    let from: Vec<&str> = from_dir.split('/').filter(|s| !s.is_empty()).collect();
    let to_parts: Vec<&str> = to.split('/').collect();
    let common = from
        .iter()
        .zip(&to_parts)
        .take_while(|(a, b)| a == b)
        .count();
    let ups = from.len() - common;
    let rest = to_parts[common..].join("/");
    if ups == 0 {
        format!("./{rest}")
    } else {
        format!("{}{rest}", "../".repeat(ups))
    }
}

fn ensure_slash(path: &str) -> String {
    if path.ends_with('/') {
        path.to_string()
    } else {
        format!("{path}/")
    }
}

pub(crate) fn closest<'a>(
    wanted: &str,
    candidates: impl Iterator<Item = &'a str>,
) -> Option<&'a str> {
    let wanted = wanted.to_lowercase();
    candidates
        .map(|c| (strsim::levenshtein(&wanted, &c.to_lowercase()), c))
        .min()
        .map(|(_, c)| c)
}

pub(crate) fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && text.is_char_boundary(i + 3)
            && let Ok(byte) = u8::from_str_radix(&text[i + 1..i + 3], 16)
        {
            out.push(byte);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8(out).unwrap_or_else(|_| text.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn index() -> LinkIndex<'static> {
        LinkIndex {
            lessons: HashMap::from([
                ("01_Intro.md", 0),
                ("03_The_Flow.md", 1),
                ("part/05_Deep.md", 2),
            ]),
            urls: vec!["01-intro/", "03-the-flow/", "part/05-deep/"],
            titles: vec!["Intro", "The Flow", "Deep"],
            anchors: vec![
                HashSet::from(["start"]),
                HashSet::from(["the-flow", "step-two"]),
                HashSet::new(),
            ],
            parts: HashMap::from([("part/", "part/")]),
            assets: HashSet::from(["img/flow.png"]),
            outputs: HashSet::from(["css/site.css".to_string(), "index.html".to_string()]),
        }
    }

    fn check(from: usize, path: &str, dest: &str) -> Result<Option<String>, String> {
        let link = LinkSite {
            dest: dest.into(),
            offset: 0,
            len: 1,
            text: None,
        };
        resolve(&index(), from, path, &link)
            .map(|t| t.map(|t| t.href))
            .map_err(|(_, m, h)| format!("{m} / {}", h.unwrap_or_default()))
    }

    #[test]
    fn lesson_links_become_relative_page_urls() {
        assert_eq!(
            check(0, "01_Intro.md", "./03_The_Flow.md"),
            Ok(Some("../03-the-flow/index.html".into()))
        );
        assert_eq!(
            check(0, "01_Intro.md", "03_The_Flow.md#step-two"),
            Ok(Some("../03-the-flow/index.html#step-two".into()))
        );
        assert_eq!(
            check(2, "part/05_Deep.md", "../01_Intro.md"),
            Ok(Some("../../01-intro/index.html".into()))
        );
        assert_eq!(
            check(0, "01_Intro.md", "img/flow.png"),
            Ok(Some("../img/flow.png".into()))
        );
        assert_eq!(
            check(0, "01_Intro.md", "/css/site.css"),
            Ok(Some("../css/site.css".into()))
        );
        assert_eq!(
            check(0, "01_Intro.md", "./part/"),
            Ok(Some("../part/index.html".into()))
        );
        assert_eq!(
            check(0, "01_Intro.md", "03_The%5FFlow.md"),
            Ok(Some("../03-the-flow/index.html".into()))
        );
    }

    #[test]
    fn external_and_same_page_links_stay() {
        assert_eq!(
            check(
                0,
                "01_Intro.md",
                "https://www.rfc-editor.org/rfc/rfc6749#section-4.4"
            ),
            Ok(None)
        );
        assert_eq!(check(0, "01_Intro.md", "mailto:a@example.com"), Ok(None));
        assert_eq!(check(0, "01_Intro.md", "#start"), Ok(None));
        assert_eq!(
            check(0, "01_Intro.md", "#sample=expired&step=validate"),
            Ok(None)
        );
    }

    #[test]
    fn broken_links_name_the_closest_target() {
        let e = check(0, "01_Intro.md", "./03_The_Flw.md").unwrap_err();
        assert!(
            e.contains("does not exist: `./03_The_Flw.md`")
                && e.contains("did you mean `./03_The_Flow.md`?"),
            "{e}"
        );
        let e = check(2, "part/05_Deep.md", "../03_Flow.md").unwrap_err();
        assert!(e.contains("did you mean `../03_The_Flow.md`?"), "{e}");
        let e = check(0, "01_Intro.md", "03_The_Flow.md#step-too").unwrap_err();
        assert!(
            e.contains("anchor that does not exist") && e.contains("`#step-two`"),
            "{e}"
        );
        let e = check(0, "01_Intro.md", "#strat").unwrap_err();
        assert!(e.contains("`#start`"), "{e}");
        let e = check(0, "01_Intro.md", "../../etc/passwd").unwrap_err();
        assert!(e.contains("leaves the content directory"), "{e}");
        assert!(check(0, "01_Intro.md", "/nope.css").is_err());
        assert!(check(0, "01_Intro.md", "").is_err());
    }

    #[test]
    fn schemes_are_recognised() {
        assert!(is_external("https://x"));
        assert!(is_external("//cdn.example.com/x.js"));
        assert!(!is_external("./a.md"));
        assert!(!is_external("a.md#b:c"));
    }
}
