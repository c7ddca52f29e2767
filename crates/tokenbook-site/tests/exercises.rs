//! Exercise fences in lessons: rendered at build time by the lab itself
//! (task, goals, starting request, hints, and folded the worked solution
//! with the server's answers), and located diagnostics for broken ones.

mod support;

use support::site_of;
use tokenbook_site::{Build, build};

const EXERCISE: &str = r#"```exercise id=read-only
title = "Read only"
task = "Get a token that can only `read`."
start = """
POST /oauth2/token HTTP/1.1
Host: auth.example.com
Authorization: Basic YmlsbGluZy1zZXJ2aWNlOkZBS0Utc2VjcmV0LWZvci10aGUtY291cnNlLW9ubHk=
Content-Type: application/x-www-form-urlencoded

grant_type=client_credentials&scope=ledger%3Aread+ledger%3Awrite"""
hints = ["Look at <scope>."]

[[goal]]
status = 200
scope = "ledger:read"

[[solution]]
request = """
POST /oauth2/token HTTP/1.1
Host: auth.example.com
Authorization: Basic YmlsbGluZy1zZXJ2aWNlOkZBS0Utc2VjcmV0LWZvci10aGUtY291cnNlLW9ubHk=
Content-Type: application/x-www-form-urlencoded

grant_type=client_credentials&scope=ledger%3Aread"""
```
"#;

fn lesson(body: &str) -> Build {
    let text = format!("# Lab\n\n## Try it\n\n{body}");
    build(&site_of(&[("01_Lab.md", text.as_bytes())], &[]))
}

fn page(build: &Build) -> String {
    let file = build
        .files
        .iter()
        .find(|f| f.path == "01-lab/index.html")
        .expect("the lesson page");
    String::from_utf8(file.contents.clone()).unwrap()
}

fn diagnostics(build: &Build) -> Vec<String> {
    build
        .diagnostics
        .iter()
        .map(|d| {
            let first = d.render(&tokenbook_site::Roots::default());
            first.lines().next().unwrap_or_default().to_owned()
        })
        .collect()
}

#[test]
fn an_exercise_renders_its_task_start_hints_and_folded_solution_without_javascript() {
    let build = lesson(EXERCISE);
    assert!(build.diagnostics.is_empty(), "{:?}", diagnostics(&build));
    let html = page(&build);
    let section = &html[html.find("<section class=\"exercise\"").unwrap()..];
    let section = &section[..section.find("</section>").unwrap()];
    assert!(section.contains("id=\"exercise-read-only\""), "{section}");
    assert!(section.contains(
        "<h3 class=\"exercise-title\" id=\"exercise-read-only-title\">Exercise: Read only</h3>"
    ));
    assert!(section.contains("Get a token that can only <code>read</code>."));
    assert!(section.contains("issuing a token whose scope is exactly ledger:read"));
    assert!(section.contains("Look at &lt;scope&gt;."), "escaped");
    // The start, highlighted; the solution's answer, as the lab gave it.
    assert!(section.contains("data-lang=\"http\""));
    let solution = &section[section
        .find("<details class=\"exercise-solution\">")
        .unwrap()..];
    assert!(
        solution.contains("200</span>") || solution.contains("200 OK"),
        "{solution}"
    );
    assert!(solution.contains("no-store"));
    assert!(solution.contains("RFC 9068 §2"));
    // The same content always gives the same bytes.
    assert_eq!(page(&lesson(EXERCISE)), html);
}

#[test]
fn broken_exercise_fences_are_located_errors() {
    let no_id = lesson(&EXERCISE.replace("```exercise id=read-only", "```exercise"));
    assert_eq!(
        diagnostics(&no_id),
        [
            "01_Lab.md:5:1: error[exercise/fence]: an exercise fence needs an id: ```exercise id=read-only-token"
        ]
    );
    let unknown_key = lesson(&EXERCISE.replace("hints = [", "hint = ["));
    let found = diagnostics(&unknown_key);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        found[0].starts_with(
            "01_Lab.md:15:1: error[exercise/fence]: exercise read-only: unknown field `hint`"
        ),
        "{found:?}"
    );
    let bad_placeholder =
        lesson(&EXERCISE.replace("scope=ledger%3Aread\"\"\"", "scope={{scope}}\"\"\""));
    let found = diagnostics(&bad_placeholder);
    assert!(found[0].starts_with("01_Lab.md:28:37: error[exercise/fence]: exercise read-only: unknown placeholder {{scope}}"), "{found:?}");
    let unsolved =
        lesson(&EXERCISE.replace("scope=ledger%3Aread\"\"\"", "scope=ledger%3Aadmin\"\"\""));
    assert_eq!(
        diagnostics(&unsolved),
        [
            "01_Lab.md:5:1: error[exercise/unsolved]: exercise read-only: its worked solution does not meet \"a request, is answered 200, issuing a token whose scope is exactly ledger:read\""
        ]
    );
    let done_from_start =
        lesson(&EXERCISE.replace("scope=ledger%3Aread+ledger%3Awrite", "scope=ledger%3Aread"));
    assert!(diagnostics(&done_from_start)[0].contains("already done from its start"));
    assert!(!page(&no_id).contains("class=\"exercise\""));
}
