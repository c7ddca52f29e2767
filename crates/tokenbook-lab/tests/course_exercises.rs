//! Every exercise of the course, found in `content/`: its fence parses,
//! its starting state does not meet its goals, and its worked solution
//! does, run against the simulated servers. The course must have at least
//! twelve, with ids unique across it.

use std::path::{Path, PathBuf};

use tokenbook_lab::{EXERCISE_START, parse_exercise};

/// Every exercise fence of the course: file, line, id and body.
fn fences() -> Vec<(String, usize, String, String)> {
    let content = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../content");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&content)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "md"))
        .collect();
    files.sort();
    let mut found = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        let name = file.file_name().unwrap().to_string_lossy().into_owned();
        let lines: Vec<&str> = text.lines().collect();
        let mut i = 0;
        while i < lines.len() {
            if let Some(info) = lines[i].strip_prefix("```exercise") {
                let id = info
                    .split_whitespace()
                    .find_map(|a| a.strip_prefix("id="))
                    .unwrap_or("")
                    .to_owned();
                let end = (i + 1..lines.len())
                    .find(|&j| lines[j].trim_end() == "```")
                    .unwrap_or_else(|| panic!("{name}:{}: unclosed exercise fence", i + 1));
                let body = lines[i + 1..end].join("\n") + "\n";
                found.push((name.clone(), i + 1, id, body));
                i = end;
            }
            i += 1;
        }
    }
    found
}

#[test]
fn every_exercise_fails_from_its_start_and_passes_with_its_solution() {
    let fences = fences();
    assert!(fences.len() >= 12, "only {} exercises", fences.len());
    let mut ids = Vec::new();
    let mut problems = Vec::new();
    for (file, line, id, body) in &fences {
        let at = format!("{file}:{line} ({id})");
        assert!(!ids.contains(id), "{at}: the id is used twice");
        ids.push(id.clone());
        let exercise = match parse_exercise(id, body) {
            Ok(exercise) => exercise,
            Err(error) => {
                problems.push(format!("{at}: {}", error.message));
                continue;
            }
        };
        match exercise.run_start(EXERCISE_START) {
            Ok(run) if run.done() => problems.push(format!("{at}: done from its start")),
            Ok(run) => assert!(run.answers.len() == 1, "{at}"),
            Err(why) => problems.push(format!("{at}: the start cannot run: {why}")),
        }
        match exercise.run_solution(EXERCISE_START) {
            Ok(run) if run.done() => {}
            Ok(run) => {
                let last = run.answers.last().map(|(_, a)| a.explanation.clone());
                problems.push(format!(
                    "{at}: the solution meets {:?}; last answer: {last:?}",
                    run.met
                ));
            }
            Err(why) => problems.push(format!("{at}: the solution cannot run: {why}")),
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn exercises_spread_over_lessons_03_to_11() {
    let lessons: std::collections::BTreeSet<String> = fences()
        .into_iter()
        .map(|(file, ..)| file[..2].to_owned())
        .collect();
    for lesson in ["03", "04", "06", "07", "09", "11"] {
        assert!(
            lessons.contains(lesson),
            "no exercise in lesson {lesson}: {lessons:?}"
        );
    }
}

/// Lesson 05's revocation exercise is graded on the token the setup
/// issued: revoking a made-up token (answered 200, RFC 7009 §2.2) and then
/// sending the API a made-up token (refused by introspection) is not it.
#[test]
fn revoking_a_made_up_token_does_not_do_the_revocation_exercise() {
    let (.., body) = fences()
        .into_iter()
        .find(|(.., id, _)| id == "revoke-an-opaque-token")
        .expect("lesson 05 has the revocation exercise");
    let exercise = parse_exercise("revoke-an-opaque-token", &body).unwrap();
    let step = |request: String| tokenbook_lab::Step {
        advance: 0,
        certificate: None,
        request,
    };
    let mut shortcut = exercise.clone();
    shortcut.solution = vec![
        step(
            exercise.solution[0]
                .request
                .replace("{{access_token}}", "opaque-FAKE-made-up"),
        ),
        step(
            exercise.solution[1]
                .request
                .replace("{{access_token}}", "opaque-FAKE-made-up"),
        ),
    ];
    let run = shortcut.run_solution(EXERCISE_START).unwrap();
    assert_eq!(
        run.answers[0].1.response.status, 200,
        "revoking junk is 200"
    );
    assert_eq!(run.answers[1].1.response.status, 401, "junk is refused");
    assert_eq!(run.met, [false, false]);
    assert!(exercise.run_solution(EXERCISE_START).unwrap().done());
}
