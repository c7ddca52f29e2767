//! Whole sites built from in-memory fixtures: the `<main>` of rendered
//! pages as snapshots, and the diagnostics of deliberately broken content.

use proptest::prelude::*;
use tokenbook_site::{Build, Severity, SiteInput, SourceFile, build};

fn site(files: &[(&str, &[u8])]) -> SiteInput {
    SiteInput {
        sources: files
            .iter()
            .map(|(p, b)| SourceFile {
                path: p.to_string(),
                bytes: b.to_vec(),
            })
            .collect(),
        assets: vec!["img/flow.png".into()],
        static_files: vec![
            "css/site.css".into(),
            "js/site.js".into(),
            "js/theme.js".into(),
        ],
        now: 1_780_000_000,
    }
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
        .map(|d| d.render("").lines().next().unwrap_or_default().to_string())
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
    assert!(html.contains("<a class=\"prev\" href=\"../../01-start/index.html\" rel=\"prev\">"));
    assert!(html.contains("<a class=\"next\" href=\"../../glossary/index.html\" rel=\"next\">"));
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
            "01_Start.md:3:5: error: link to a lesson that does not exist: `./02_Nxt.md`",
            "01_Start.md:3:29: error: link to an anchor that does not exist: `03_The_Flow.md#nope`",
            "01_Start.md:5:4: warning: unknown language `klingon` in a code block; it is shown without highlighting",
            "02_Next.md:2:1: error: invalid TOML: unknown field `titel`, expected one of `title`, `order`, `slug`, `description`, `aliases`",
            "04_Bytes.md:3:4: error: the file is not valid UTF-8: byte 0xE9 cannot start or continue a character",
            "06_B.md:2:1: error: duplicate URL `same/`: `05_A.md` has it too",
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
        misses, 4,
        "one scan, one outline, one body and one page redone, of {misses_first} at first"
    );
}
