//! The search index of whole in-memory sites: every section it lists opens
//! at a heading id its page really has and names that heading, every
//! lesson is in it, and its files are scripts holding JSON.

mod support;

use std::collections::HashMap;

use serde_json::Value;
use support::site_of;
use tokenbook_site::{SiteInput, build};

fn site(files: &[(&str, &str)]) -> SiteInput {
    let files: Vec<(&str, &[u8])> = files.iter().map(|(p, t)| (*p, t.as_bytes())).collect();
    site_of(&files, &[])
}

/// The search files of a build, by name (`manifest`, `lengths`, `t0`,
/// `d0`…), parsed; and its HTML pages by path.
fn index(input: &SiteInput) -> (HashMap<String, Value>, HashMap<String, String>) {
    let built = build(input);
    assert!(!built.has_errors(), "{:?}", built.diagnostics);
    let mut parts = HashMap::new();
    let mut pages = HashMap::new();
    for file in &built.files {
        let text = String::from_utf8(file.contents.clone()).unwrap();
        if let Some(name) = file.path.strip_prefix("search/") {
            let name = name.strip_suffix(".js").unwrap();
            let json = text
                .strip_prefix(&format!("tokenbookSearch.load(\"{name}\","))
                .and_then(|t| t.strip_suffix(");\n"))
                .unwrap_or_else(|| panic!("{}: not a load() call: {text}", file.path));
            parts.insert(name.to_string(), serde_json::from_str(json).unwrap());
        } else if file.path.ends_with(".html") {
            pages.insert(file.path.clone(), text);
        }
    }
    (parts, pages)
}

/// Every section of the document chunks, in section order, as the browser
/// reads them: (page, anchor, heading shown, lesson title).
fn sections(parts: &HashMap<String, Value>) -> Vec<(String, String, String, String)> {
    let manifest = &parts["manifest"];
    let firsts = manifest["docChunks"].as_array().unwrap();
    let mut out = Vec::new();
    for (c, first) in firsts.iter().enumerate() {
        assert_eq!(first.as_u64(), Some(out.len() as u64), "d{c} starts there");
        let mut seen: Vec<String> = Vec::new();
        for lesson in parts[&format!("d{c}")]["lessons"].as_array().unwrap() {
            let lesson = lesson.as_array().unwrap();
            let dir = lesson[0].as_str().unwrap();
            let page = if dir.is_empty() || dir.ends_with('/') {
                format!("{dir}index.html")
            } else {
                dir.to_string()
            };
            let title = lesson[1].as_str().unwrap().to_string();
            for section in &lesson[2..] {
                let (anchor, heading) = match section {
                    Value::Number(n) if n.as_u64() == Some(0) => (String::new(), title.clone()),
                    // The anchor is left out where the browser derives it
                    // (search-core.js: headingId, as slug::heading_id),
                    // and such a heading again in the chunk is its number.
                    Value::String(_) | Value::Number(_) => {
                        let heading = match section.as_u64() {
                            Some(n) => seen[n as usize - 1].clone(),
                            None => {
                                seen.push(section.as_str().unwrap().to_string());
                                seen.last().unwrap().clone()
                            }
                        };
                        assert!(
                            heading
                                .chars()
                                .all(|c| c.is_ascii() || !c.is_alphanumeric()),
                            "{heading:?}: the browser derives ids of ASCII headings only"
                        );
                        (tokenbook_site::heading_id(&heading), heading)
                    }
                    Value::Array(pair) => (
                        pair[0].as_str().unwrap().to_string(),
                        pair[1].as_str().unwrap().to_string(),
                    ),
                    other => panic!("not a section: {other}"),
                };
                out.push((page.clone(), anchor, heading, title.clone()));
            }
        }
    }
    assert_eq!(manifest["docs"].as_u64(), Some(out.len() as u64));
    out
}

#[test]
fn every_section_opens_at_a_heading_its_page_has() {
    let input = site(&[
        ("site.toml", "title = \"T\"\n"),
        (
            "01_Intro.md",
            "+++\ndescription = \"d\"\n+++\n\n# 01 · Intro\n\nOpening words.\n\n## 🧭 Where It Fits\n\nText.\n\n## Where It Fits\n\nAgain.\n\n### Custom {#my-id}\n\nMore.\n",
        ),
        (
            "part/02_Deep.md",
            "# Deep\n\n## Ça Marche\n\nLe café.\n\n## `code` and *emphasis*\n\nx y\n\n## 🧭 Where It Fits\n\nz\n",
        ),
        ("notes.md", "No title heading here, just text.\n"),
    ]);
    let (parts, pages) = index(&input);
    let found = sections(&parts);
    for (page, anchor, heading, _) in &found {
        let html = pages
            .get(page)
            .unwrap_or_else(|| panic!("{page} is not a page"));
        if anchor.is_empty() {
            continue;
        }
        // The heading with that id, and its text, as the page shows it.
        let open = html
            .find(&format!(" id=\"{anchor}\">"))
            .unwrap_or_else(|| panic!("{page} has no id {anchor}"));
        let tag = &html[html[..open].rfind('<').unwrap()..open];
        assert!(
            ["<h1", "<h2", "<h3", "<h4"].contains(&tag),
            "{page}#{anchor} is on {tag}, not a heading"
        );
        let text = &html[open..html[open..].find("</h").unwrap() + open];
        let plain: String = text
            .split('<')
            .map(|part| part.split_once('>').map_or(part, |(_, t)| t))
            .collect();
        assert_eq!(
            plain.replace("&amp;", "&").trim(),
            heading,
            "{page}#{anchor}"
        );
    }
    let expected: Vec<(&str, &str, &str, &str)> = vec![
        ("01-intro/index.html", "", "01 · Intro", "01 · Intro"),
        (
            "01-intro/index.html",
            "where-it-fits",
            "🧭 Where It Fits",
            "01 · Intro",
        ),
        (
            "01-intro/index.html",
            "where-it-fits-1",
            "Where It Fits",
            "01 · Intro",
        ),
        ("01-intro/index.html", "my-id", "Custom", "01 · Intro"),
        // No heading: opened at the top under the title from its name.
        ("notes/index.html", "", "notes", "notes"),
        ("part/02-deep/index.html", "", "Deep", "Deep"),
        ("part/02-deep/index.html", "ça-marche", "Ça Marche", "Deep"),
        (
            "part/02-deep/index.html",
            "code-and-emphasis",
            "code and emphasis",
            "Deep",
        ),
        (
            "part/02-deep/index.html",
            "where-it-fits",
            "🧭 Where It Fits",
            "Deep",
        ),
    ];
    let found: Vec<(&str, &str, &str, &str)> = found
        .iter()
        .map(|(p, a, h, t)| (p.as_str(), a.as_str(), h.as_str(), t.as_str()))
        .collect();
    assert_eq!(found, expected);
    assert_eq!(
        parts["lengths"].as_str().map(|l| l.chars().count()),
        Some(expected.len())
    );

    // A heading repeated in a chunk is written once, then by number.
    assert_eq!(
        parts["d0"].to_string().matches("🧭 Where It Fits").count(),
        1,
        "{}",
        parts["d0"]
    );

    // No section text is stored: the pages give the snippets.
    for (name, part) in &parts {
        if name.starts_with('d') {
            let text = part.to_string();
            for word in ["Opening words", "Le café", "just text"] {
                assert!(!text.contains(word), "{name} holds section text: {text}");
            }
        }
    }

    // Words are folded; terms sit in the chunk the manifest's keys say.
    let keys: Vec<&str> = parts["manifest"]["terms"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k.as_str().unwrap())
        .collect();
    for word in ["cafe", "marche", "opening", "fits", "emphasis", "just"] {
        let chunk = keys.iter().rposition(|k| *k <= word).unwrap_or(0);
        assert!(
            parts[&format!("t{chunk}")]["terms"]
                .as_array()
                .unwrap()
                .iter()
                .any(|t| t == word),
            "`{word}` is not in t{chunk}"
        );
    }
}

#[test]
fn the_same_course_gives_the_same_index_and_an_edit_changes_its_version() {
    let lessons = |text: &str| {
        site(&[
            ("site.toml", "title = \"T\"\n"),
            ("01_A.md", "# A\n\nalpha beta\n"),
            ("02_B.md", text),
        ])
    };
    let version = |input: &SiteInput| index(input).0["manifest"]["version"].clone();
    let first = lessons("# B\n\ngamma\n");
    assert_eq!(index(&first).0, index(&first).0);
    assert_ne!(version(&first), version(&lessons("# B\n\ndelta\n")));
}

#[test]
fn the_whole_course_page_is_not_indexed_and_pages_carry_no_search_box() {
    let input = site(&[
        ("site.toml", "title = \"T\"\nprint_page = true\n"),
        ("01_A.md", "# A\n\nalpha beta\n\n## Two\n\ngamma\n"),
    ]);
    let (parts, pages) = index(&input);
    assert!(pages.contains_key("print/index.html"), "{:?}", pages.keys());
    let pages_indexed: Vec<String> = sections(&parts).into_iter().map(|s| s.0).collect();
    assert_eq!(pages_indexed, ["01-a/index.html", "01-a/index.html"]);
    // search.js builds the box; without JavaScript there is none.
    for (path, html) in &pages {
        if html.contains("<header") {
            assert!(html.contains("js/search.js\" defer></script>"), "{path}");
            assert!(
                !html.contains("search-input"),
                "{path} has the box's markup"
            );
        }
    }
}
