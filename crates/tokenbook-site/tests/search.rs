//! The search index of whole in-memory sites: every section it lists opens
//! at an id its page really has, every lesson is in it, and its files are
//! scripts holding JSON.

use std::collections::HashMap;

use serde_json::Value;
use tokenbook_site::{SiteInput, SourceFile, build};

fn site(files: &[(&str, &str)]) -> SiteInput {
    SiteInput {
        sources: files
            .iter()
            .map(|(p, t)| SourceFile {
                path: p.to_string(),
                bytes: t.as_bytes().to_vec(),
            })
            .collect(),
        now: 1_780_000_000,
        ..SiteInput::default()
    }
}

/// The search files of a build, by name (`manifest`, `t0`, `d0`…), parsed.
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

#[test]
fn every_section_opens_at_an_id_its_page_has() {
    let input = site(&[
        ("site.toml", "title = \"T\"\n"),
        (
            "01_Intro.md",
            "+++\ndescription = \"d\"\n+++\n\n# 01 · Intro\n\nOpening words.\n\n## 🧭 Where It Fits\n\nText.\n\n## Where It Fits\n\nAgain.\n\n### Custom {#my-id}\n\nMore.\n",
        ),
        (
            "part/02_Deep.md",
            "# Deep\n\n## Ça Marche\n\nLe café.\n\n## `code` and *emphasis*\n\nx y\n",
        ),
        ("notes.md", "No title heading here, just text.\n"),
    ]);
    let (parts, pages) = index(&input);
    let manifest = &parts["manifest"];
    let mut seen = Vec::new();
    for (name, part) in &parts {
        if !name.starts_with('d') {
            continue;
        }
        let lessons = part["lessons"].as_array().unwrap();
        for doc in part["docs"].as_array().unwrap() {
            let lesson = &lessons[doc[0].as_u64().unwrap() as usize];
            let url = lesson[1].as_str().unwrap();
            let anchor = doc[1].as_str().unwrap();
            let page = pages
                .get(url)
                .unwrap_or_else(|| panic!("{url} is not a page"));
            if !anchor.is_empty() {
                assert!(
                    page.contains(&format!(" id=\"{anchor}\"")),
                    "{url} has no id {anchor}"
                );
            }
            seen.push((
                url.to_string(),
                anchor.to_string(),
                doc[2].as_str().unwrap().to_string(),
            ));
        }
    }
    seen.sort();
    let expected: Vec<(String, String, String)> = [
        ("01-intro/index.html", "", "01 · Intro"),
        ("01-intro/index.html", "my-id", "Custom"),
        ("01-intro/index.html", "where-it-fits", "🧭 Where It Fits"),
        ("01-intro/index.html", "where-it-fits-1", "Where It Fits"),
        ("notes/index.html", "", ""),
        ("part/02-deep/index.html", "", "Deep"),
        (
            "part/02-deep/index.html",
            "code-and-emphasis",
            "code and emphasis",
        ),
        ("part/02-deep/index.html", "ça-marche", "Ça Marche"),
    ]
    .iter()
    .map(|(u, a, h)| (u.to_string(), a.to_string(), h.to_string()))
    .collect();
    assert_eq!(seen, expected);
    assert_eq!(manifest["docs"].as_u64(), Some(expected.len() as u64));

    // Words are folded; terms sit in the chunk the manifest's keys say.
    let keys: Vec<&str> = manifest["terms"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k.as_str().unwrap())
        .collect();
    for word in ["cafe", "marche", "opening", "fits", "emphasis"] {
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
