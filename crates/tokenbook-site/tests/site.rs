//! Whole sites built from in-memory fixtures: the `<main>` of rendered
//! pages as snapshots, and the diagnostics of deliberately broken content.

mod support;

use proptest::prelude::*;
use support::site_of;
use tokenbook_site::{Build, Severity, SiteInput, build};

fn site(files: &[(&str, &[u8])]) -> SiteInput {
    site_of(files, &["img/flow.png"])
}

fn page<'a>(build: &'a Build, path: &str) -> &'a str {
    let file = build
        .files
        .iter()
        .find(|f| f.path == path)
        .unwrap_or_else(|| {
            let paths: Vec<_> = build.files.iter().map(|f| f.path.as_str()).collect();
            panic!("no {path} among {paths:?}")
        });
    std::str::from_utf8(&file.contents).expect("pages are UTF-8")
}

/// The `<main>` element of a page, which is what a lesson's author controls.
fn main_of(html: &str) -> &str {
    let start = html.find("<main").expect("a <main> element");
    let end = html.find("</main>").expect("a </main>") + "</main>".len();
    &html[start..end]
}

/// One line per diagnostic: `path:line:col: severity: message`.
fn diagnostics(build: &Build) -> Vec<String> {
    build
        .diagnostics
        .iter()
        .map(|d| {
            d.render(&tokenbook_site::Roots::default())
                .lines()
                .next()
                .unwrap_or_default()
                .to_string()
        })
        .collect()
}

const LESSON: &str = r#"+++
description = "Two steps, no user."
aliases = ["old/flow/"]
+++

# 03 · The Flow

The client asks for a token, then calls the API. See [the start](../01_Start.md)
and [a picture](../img/flow.png), [the spec](https://www.rfc-editor.org/rfc/rfc6749#section-4.4)
and [step two](#step-two-call-the-api).

```text alt="The client gets a token and calls the API"
┌──────────┐        ┌──────────────┐
│🤖 client │──────► │🔐 auth server│
└──────────┘        └──────────────┘
```

## Step one: get a token

```http
POST /token HTTP/1.1
Host: auth.example.com
Content-Type: application/x-www-form-urlencoded

grant_type=client_credentials&scope=ledger%3Aread
```

## Step two: call the API

| Step | Who |
|------|-----|
| 1 | client → auth server |

## 🤔 Beginner Check

1. How many steps?
2. Is there a user?

Answers:

1. Two.
2. No.

**Next:** [glossary.md](../glossary.md)
"#;

fn fixture() -> SiteInput {
    site(&[
        ("site.toml", b"title = \"Fixture Course\"\nbase_url = \"https://example.org/course/\"\n"),
        ("01_Start.md", "# 01 · Start\n\nBegin here, then [the flow](./02_part/03_The_Flow.md#step-one-get-a-token).\n".as_bytes()),
        ("02_part/_part.toml", b"title = \"The Part\"\ndescription = \"Where it happens.\"\n"),
        ("02_part/03_The_Flow.md", LESSON.as_bytes()),
        ("glossary.md", b"# Glossary\n\nWords.\n"),
    ])
}

#[test]
fn a_lesson_renders_every_feature() {
    let build = build(&fixture());
    assert!(build.diagnostics.is_empty(), "{:?}", diagnostics(&build));
    insta::assert_snapshot!(main_of(page(&build, "02-part/03-the-flow/index.html")));
}

#[test]
fn the_index_lists_parts_and_lessons_with_descriptions() {
    let build = build(&fixture());
    insta::assert_snapshot!(main_of(page(&build, "index.html")));
}

#[test]
fn pages_link_relatively_and_carry_metadata() {
    let build = build(&fixture());
    let html = page(&build, "02-part/03-the-flow/index.html");
    for expected in [
        "<title>03 · The Flow · Fixture Course</title>",
        "<link rel=\"canonical\" href=\"https://example.org/course/02-part/03-the-flow/\">",
        "<meta property=\"og:description\" content=\"Two steps, no user.\">",
        "<meta name=\"twitter:card\" content=\"summary\">",
        "<link rel=\"stylesheet\" href=\"../../css/site.css\">",
        "<a href=\"../../01-start/index.html\" aria-current=\"page\">",
    ]
    .iter()
    .take(5)
    {
        assert!(html.contains(expected), "missing {expected}");
    }
    assert!(html.contains(
        "<a href=\"../../02-part/03-the-flow/index.html\" aria-current=\"page\">03 · The Flow</a>"
    ));
    assert!(html.contains("Content-Security-Policy"));
    assert!(!html.contains("<script>"), "no inline scripts");
    assert!(
        !html.contains("http://") && !html.contains("//cdn"),
        "no external resources"
    );
}

#[test]
fn previous_next_breadcrumbs_and_reading_order() {
    let build = build(&fixture());
    let html = page(&build, "02-part/03-the-flow/index.html");
    assert!(html.contains(
        "<a class=\"prev\" href=\"../../01-start/index.html\" rel=\"prev\" aria-keyshortcuts=\"ArrowLeft\">"
    ));
    assert!(html.contains(
        "<a class=\"next\" href=\"../../glossary/index.html\" rel=\"next\" aria-keyshortcuts=\"ArrowRight\">"
    ));
    assert!(
        html.contains("<li><a href=\"../../02-part/index.html\">The Part</a></li>"),
        "{html}"
    );
    assert!(page(&build, "02-part/index.html").contains("Where it happens."));
}

#[test]
fn aliases_redirect_and_the_sitemap_and_404_exist() {
    let build = build(&fixture());
    let redirect = page(&build, "old/flow/index.html");
    assert!(
        redirect.contains(
            "<meta http-equiv=\"refresh\" content=\"0; url=../../02-part/03-the-flow/index.html\">"
        ),
        "{redirect}"
    );
    let sitemap = page(&build, "sitemap.xml");
    assert!(sitemap.contains("<loc>https://example.org/course/02-part/03-the-flow/</loc>"));
    assert_eq!(
        sitemap.matches("<loc>").count(),
        5,
        "index, part and three lessons: {sitemap}"
    );
    let not_found = page(&build, "404.html");
    assert!(
        not_found.contains("href=\"/course/css/site.css\""),
        "404 links are absolute from the base path"
    );
    assert!(not_found.contains("href=\"/course/02-part/03-the-flow/index.html\""));
}

/// Every generated page, redirects included, carries the same
/// Content-Security-Policy and names an icon (browsers otherwise ask for
/// `/favicon.ico` on every page load and get a 404).
#[test]
fn every_page_carries_the_csp_and_names_an_icon() {
    let build = build(&fixture());
    let csp = "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'self';";
    let pages: Vec<_> = build
        .files
        .iter()
        .filter(|f| f.path.ends_with(".html"))
        .collect();
    assert!(
        pages.iter().any(|f| f.path == "old/flow/index.html"),
        "a redirect is among them"
    );
    for file in pages {
        let html = String::from_utf8_lossy(&file.contents);
        assert!(html.contains(csp), "{}: no CSP", file.path);
        assert!(
            html.contains("<link rel=\"icon\""),
            "{}: no icon",
            file.path
        );
    }
}

#[test]
fn broken_content_gets_one_diagnostic_per_problem() {
    let input = site(&[
        ("01_Start.md", b"# Start\n\nSee [next](./02_Nxt.md) and [flow](03_The_Flow.md#nope).\n\n```klingon\nx\n```\n"),
        ("02_Next.md", b"+++\ntitel = \"x\"\n+++\n# Next\n"),
        ("03_The_Flow.md", b"# Flow\n\n## Step one\n"),
        ("04_Bytes.md", b"# Bytes\n\ncaf\xe9 ok\n"),
        ("05_A.md", b"+++\nslug = \"same\"\n+++\n# A\n"),
        ("06_B.md", b"+++\nslug = \"same\"\n+++\n# B\n"),
    ]);
    let build = build(&input);
    assert!(build.has_errors());
    assert_eq!(
        diagnostics(&build),
        vec![
            "01_Start.md:3:5: error[link/missing-target]: link to a lesson that does not exist: `./02_Nxt.md`",
            "01_Start.md:3:29: error[link/missing-anchor]: link to an anchor that does not exist: `03_The_Flow.md#nope`",
            "01_Start.md:5:4: warning[code/unknown-language]: unknown language `klingon` in a code block; it is shown without highlighting",
            "02_Next.md:2:1: error[toml/invalid]: invalid TOML: unknown field `titel`, expected one of `title`, `order`, `slug`, `description`, `aliases`",
            "04_Bytes.md:3:4: error[encoding/invalid-utf8]: the file is not valid UTF-8: byte 0xE9 cannot start or continue a character",
            "06_B.md:2:9: error[output/duplicate-url]: duplicate URL `same/`: `05_A.md` has it too",
        ]
    );
    let hints: Vec<_> = build
        .diagnostics
        .iter()
        .map(|d| d.hint.clone().unwrap_or_default())
        .collect();
    assert!(
        hints[0].contains("did you mean `./02_Next.md`?"),
        "{hints:?}"
    );
    assert!(
        hints[1].contains("`#flow`?") && hints[1].contains("#step-one"),
        "{hints:?}"
    );
    assert_eq!(build.count(Severity::Warning), 1);
}

#[test]
fn a_missing_title_falls_back_to_the_file_name() {
    let build = build(&site(&[("07_No_Heading_Here.md", b"Just text.\n")]));
    assert!(page(&build, "07-no-heading-here/index.html").contains("<h1>No Heading Here</h1>"));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn any_text_renders_without_panicking_and_deterministically(text in "\\PC*") {
        let input = site(&[("01_A.md", text.as_bytes()), ("02_B.md", b"# B\n")]);
        let first = build(&input);
        let second = build(&input);
        prop_assert_eq!(&first.files, &second.files);
        prop_assert_eq!(&first.diagnostics, &second.diagnostics);
    }

    #[test]
    fn markdown_shaped_input_renders_without_panicking(
        lines in proptest::collection::vec(
            prop_oneof![
                Just("+++".to_string()),
                Just("```".to_string()),
                Just("## Beginner Check".to_string()),
                Just("Answers:".to_string()),
                Just("| a | b |\n|---|---|".to_string()),
                "[#>*|`\\-0-9. ]{0,4}[a-z🤖│┌┐└┘─⚠\u{fe0f}\t ]{0,12}(\\]\\([./#a-z_]{0,12}\\.md\\))?",
            ],
            0..40,
        ),
        bytes in proptest::collection::vec(any::<u8>(), 0..64),
    ) {
        let text = lines.join("\n");
        let input = site(&[("01_A.md", text.as_bytes()), ("02_B.md", &bytes), ("sub/_part.toml", &bytes)]);
        let first = build(&input);
        prop_assert_eq!(&first.files, &build(&input).files);
    }

    /// Generated file trees: lessons in nested parts with hostile names,
    /// front matter with slugs and aliases that collide or climb, raw
    /// HTML, links and invalid bytes. The build never panics, and every
    /// problem is located: it names one of the input files, at a line and
    /// column that exist in it.
    #[test]
    fn generated_courses_never_panic_and_every_problem_is_located(
        lessons in proptest::collection::vec(
            (
                "(sub/|sub/deep/|css/|img/)?[0-9]{0,2}_?[A-Za-z .-]{0,6}\\.(md|MD)",
                proptest::option::of("(slug = \"[a-z./]{0,6}\"|aliases = \\[\"[a-z./]{0,8}\"\\]|title = \"\"|weight = 1)"),
                "(<meta http-equiv=refresh>|<a href=\"java\tscript:x\">|<b onclick=x>|\\[x\\]\\([./a-z_#]{0,10}\\)|# [A-Za-z]{0,5}|text){0,4}",
                proptest::collection::vec(any::<u8>(), 0..6),
            ),
            1..6,
        ),
    ) {
        let mut owned: Vec<(String, Vec<u8>)> = Vec::new();
        for (path, front, body, junk) in &lessons {
            // A folder holds one file of a name.
            if owned.iter().any(|(other, _)| other == path) {
                continue;
            }
            let mut bytes = Vec::new();
            if let Some(front) = front {
                bytes.extend_from_slice(format!("+++\n{front}\n+++\n").as_bytes());
            }
            bytes.extend_from_slice(body.as_bytes());
            bytes.extend_from_slice(junk);
            owned.push((path.clone(), bytes));
        }
        let files: Vec<(&str, &[u8])> = owned.iter().map(|(p, b)| (p.as_str(), b.as_slice())).collect();
        let input = site(&files);
        let result = build(&input);
        for problem in &result.diagnostics {
            let Some(source) = input.sources.iter().find(|f| f.path == problem.path) else {
                // Problems of the whole course or of an output path name
                // no source; they must still say what.
                prop_assert!(!problem.message.is_empty());
                continue;
            };
            let text = String::from_utf8_lossy(&source.bytes);
            let lines = text.split('\n').count().max(1);
            prop_assert!(problem.line >= 1 && problem.line <= lines, "{:?} in {} lines", problem, lines);
            prop_assert!(problem.column >= 1, "{:?}", problem);
        }
    }
}

#[test]
fn a_cached_rebuild_gives_the_same_site_and_redoes_only_the_edited_lesson() {
    let cache = tokenbook_site::Cache::default();
    let input = fixture();
    let fresh = build(&input);
    let first = tokenbook_site::build_cached(&input, &cache);
    assert_eq!(first.files, fresh.files);
    let (_, misses_first) = cache.stats();
    let again = tokenbook_site::build_cached(&input, &cache);
    assert_eq!(again.files, fresh.files);
    assert_eq!(
        cache.stats().1,
        0,
        "nothing recomputed when nothing changed"
    );

    let mut edited = input.clone();
    let source = edited
        .sources
        .iter_mut()
        .find(|s| s.path == "glossary.md")
        .unwrap();
    source.bytes = b"# Glossary\n\nWords, and more words.\n".to_vec();
    let after = tokenbook_site::build_cached(&edited, &cache);
    assert_eq!(after.files, build(&edited).files);
    let (_, misses) = cache.stats();
    assert_eq!(
        misses, 10,
        "redone: the glossary's source, lesson, body and page; the index and the whole-course page, which show its description and body; the search index; the link check's reading of those three pages (of {misses_first} at first)"
    );
}

/// Paths of the files whose bytes differ between two sites (or that only
/// one has).
fn changed_paths(before: &Build, after: &Build) -> std::collections::BTreeSet<String> {
    let old: std::collections::HashMap<&str, &[u8]> = before
        .files
        .iter()
        .map(|f| (f.path.as_str(), f.contents.as_slice()))
        .collect();
    after
        .files
        .iter()
        .filter(|f| old.get(f.path.as_str()) != Some(&f.contents.as_slice()))
        .map(|f| f.path.clone())
        .collect()
}

#[test]
fn a_rebuild_against_written_files_returns_exactly_the_changed_ones() {
    let cache = tokenbook_site::Cache::default();
    fn reuse<'a>(
        cache: &'a tokenbook_site::Cache,
        written: Option<&'a std::collections::HashMap<String, u64>>,
    ) -> tokenbook_site::Reuse<'a> {
        tokenbook_site::Reuse {
            cache,
            written,
            defer_search: true,
        }
    }
    let input = fixture();
    let fresh = build(&input);
    let first = tokenbook_site::build_with(&input, reuse(&cache, None));
    let not_search = |b: &Build| -> Vec<tokenbook_site::OutputFile> {
        b.files
            .iter()
            .filter(|f| !f.path.starts_with(tokenbook_site::SEARCH_DIR))
            .cloned()
            .collect()
    };
    assert_eq!(first.files, not_search(&fresh), "everything but the index");
    let paths: Vec<&str> = first.outputs.iter().map(|(p, _)| p.as_str()).collect();
    let files: Vec<&str> = first.files.iter().map(|f| f.path.as_str()).collect();
    assert_eq!(paths, files);
    let job = first.search.as_ref().expect("the deferred index");
    let index: Vec<_> = fresh
        .files
        .iter()
        .filter(|f| f.path.starts_with(tokenbook_site::SEARCH_DIR))
        .cloned()
        .collect();
    assert!(!index.is_empty());
    assert_eq!(job.run(), index, "the deferred index is the same");

    let mut written: std::collections::HashMap<String, u64> =
        first.outputs.iter().cloned().collect();
    let unchanged = tokenbook_site::build_with(&input, reuse(&cache, Some(&written)));
    assert!(unchanged.files.is_empty(), "nothing to write");
    assert_eq!(unchanged.outputs, first.outputs);
    assert_eq!(unchanged.search.as_ref().map(|j| j.key()), Some(job.key()));

    // Edits: a lesson's text, then a title (every page's sidebar shows it),
    // then a lesson removed.
    let mut edited = input.clone();
    let mut before = fresh;
    let edits: [&dyn Fn(&mut SiteInput); 3] = [
        &|site| site.sources[4].bytes = b"# Glossary\n\nWords, and more words.\n".to_vec(),
        &|site| site.sources[1].bytes = b"# 01 \xC2\xB7 Begin\n\nBegin here.\n".to_vec(),
        &|site| {
            site.sources.remove(4);
        },
    ];
    for edit in edits {
        edit(&mut edited);
        let after = build(&edited);
        let rebuilt = tokenbook_site::build_with(&edited, reuse(&cache, Some(&written)));
        let expected: Vec<String> = changed_paths(&before, &after)
            .into_iter()
            .filter(|p| !p.starts_with(tokenbook_site::SEARCH_DIR))
            .collect();
        let mut got: Vec<String> = rebuilt.files.iter().map(|f| f.path.clone()).collect();
        got.sort();
        assert_eq!(got, expected, "exactly the changed files are returned");
        for file in &rebuilt.files {
            let full = after.files.iter().find(|f| f.path == file.path).unwrap();
            assert_eq!(file, full);
        }
        let all: Vec<String> = not_search(&after).into_iter().map(|f| f.path).collect();
        let listed: Vec<String> = rebuilt.outputs.iter().map(|(p, _)| p.clone()).collect();
        assert_eq!(listed, all, "every file is listed, in order");
        let index: Vec<_> = after
            .files
            .iter()
            .filter(|f| f.path.starts_with(tokenbook_site::SEARCH_DIR))
            .cloned()
            .collect();
        assert_eq!(rebuilt.search.as_ref().map(|j| j.run()), Some(index));
        written = rebuilt.outputs.iter().cloned().collect();
        before = after;
    }
}

/// The attribute values that follow each `prefix` (which ends in `="`).
fn values_after<'a>(html: &'a str, prefix: &str) -> Vec<&'a str> {
    html.match_indices(prefix)
        .map(|(i, m)| {
            let rest = &html[i + m.len()..];
            &rest[..rest.find('"').unwrap()]
        })
        .collect()
}

#[test]
fn the_whole_course_page_holds_every_lesson_with_unique_ids_and_inner_links() {
    let build = build(&fixture());
    assert!(build.diagnostics.is_empty(), "{:?}", diagnostics(&build));
    let html = page(&build, "print/index.html");
    let chapters = values_after(html, "<article class=\"chapter\" id=\"");
    assert_eq!(chapters, ["01-start", "02-part-03-the-flow", "glossary"]);
    // Lesson 01's link into the part's lesson now points inside the page.
    assert!(
        html.contains("href=\"#02-part-03-the-flow--step-one-get-a-token\""),
        "{html}"
    );
    assert!(html.contains("id=\"02-part-03-the-flow--step-one-get-a-token\""));
    // Titles are h2 under the page's own h1; no id repeats.
    assert_eq!(html.matches("<h1").count(), 1, "{html}");
    let ids = values_after(html, " id=\"");
    let unique: std::collections::HashSet<_> = ids.iter().collect();
    assert_eq!(unique.len(), ids.len(), "duplicate ids in {ids:?}");
    assert!(html.contains("<meta name=\"robots\" content=\"noindex\">"));
    // Every page's footer links to it; the sitemap leaves it out.
    assert!(
        page(&build, "02-part/03-the-flow/index.html")
            .contains("<a href=\"../../print/index.html\">The whole course on one page</a>")
    );
    assert!(!page(&build, "sitemap.xml").contains("print/"));
    // The 404 page, served at any depth, links to it from the base path.
    assert!(page(&build, "404.html").contains("<a href=\"/course/print/index.html\">"));

    let mut off = fixture();
    off.sources[0]
        .bytes
        .extend_from_slice(b"print_page = false\n");
    let off = tokenbook_site::build(&off);
    assert!(!off.files.iter().any(|f| f.path.starts_with("print/")));
    assert!(!page(&off, "index.html").contains("print/index.html"));
}

#[test]
fn the_link_preview_picture_must_be_a_file_of_the_site() {
    let mut input = fixture();
    input.sources[0]
        .bytes
        .extend_from_slice(b"image = \"img/flow.png\"\nimage_alt = \"A flow\"\n");
    let ok = build(&input);
    assert!(ok.diagnostics.is_empty(), "{:?}", diagnostics(&ok));
    let html = page(&ok, "01-start/index.html");
    for expected in [
        "<meta property=\"og:image\" content=\"https://example.org/course/img/flow.png\">",
        "<meta property=\"og:image:alt\" content=\"A flow\">",
        "<meta name=\"twitter:card\" content=\"summary_large_image\">",
    ] {
        assert!(html.contains(expected), "missing {expected}");
    }

    let mut missing = fixture();
    missing.sources[0]
        .bytes
        .extend_from_slice(b"image = \"img/card.png\"\n");
    assert_eq!(
        diagnostics(&build(&missing)),
        [
            "site.toml:3:10: error[config/missing-file]: `image` names `img/card.png`, which is neither in the static directory nor in the content directory"
        ]
    );
    let mut outside = fixture();
    outside.sources[0]
        .bytes
        .extend_from_slice(b"image = \"../secret.png\"\n");
    let found = diagnostics(&build(&outside));
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        found[0].contains("is not a path inside the site"),
        "{found:?}"
    );
}

#[test]
fn the_folders_tokenbook_fills_itself_are_refused_to_content() {
    let mut input = site(&[
        ("site.toml", b"title = \"T\"\n"),
        (
            "01_Start.md",
            b"+++\nslug = \"search\"\n+++\n# Start\n\nText.\n",
        ),
        ("wasm/_part.toml", b"title = \"W\"\n"),
        ("wasm/02_In.md", b"# In\n\nText.\n"),
    ]);
    input.assets.push("search/picture.png".into());
    assert_eq!(
        diagnostics(&build(&input)),
        [
            "01_Start.md:2:9: error[output/reserved]: the URL `search/` is inside `search/`, where tokenbook writes its own files",
            "search/picture.png: error[output/reserved]: `search/` is where tokenbook writes its own files; this file would be mixed into them",
            "wasm/: error[output/reserved]: the URL `wasm/` is inside `wasm/`, where tokenbook writes its own files",
            "wasm/02_In.md: error[output/reserved]: the URL `wasm/02-in/` is inside `wasm/`, where tokenbook writes its own files",
        ]
    );
}

#[test]
fn an_upper_case_md_extension_is_a_lesson_too() {
    let input = site(&[
        ("site.toml", b"title = \"T\"\n"),
        (
            "01_Start.MD",
            b"# Start\n\nOn to [the glossary](./Glossary.Md).\n",
        ),
        ("Glossary.Md", b"# Glossary\n"),
    ]);
    let built = build(&input);
    assert!(!built.has_errors(), "{:?}", diagnostics(&built));
    assert_eq!(built.lessons, 2);
    let paths: Vec<&str> = built.files.iter().map(|f| f.path.as_str()).collect();
    assert!(paths.contains(&"01-start/index.html"), "{paths:?}");
    assert!(paths.contains(&"glossary/index.html"), "{paths:?}");
}
