//! Only fake, clearly labelled credentials may exist in the repository and
//! in the built site. This builds the course and scans every text file of
//! the output, and every file git tracks, with the site builder's own
//! credential scanner (private key blocks, JWTs, client secret values).

mod support;

use std::process::Command;

use tokenbook_site::credentials::{is_known_fake_jwt, jwts, scan};

use support::repo;

#[test]
fn the_built_course_and_the_repository_hold_only_fake_credentials() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    let build = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(["build", "--out"])
        .arg(&out)
        .output()
        .unwrap();
    assert!(
        build.status.success(),
        "{}",
        String::from_utf8_lossy(&build.stderr)
    );

    let mut files: Vec<(String, String)> = walkdir::WalkDir::new(&out)
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file())
        .filter_map(|e| {
            let text = std::fs::read_to_string(e.path()).ok()?;
            Some((
                format!("site:{}", e.path().strip_prefix(&out).unwrap().display()),
                text,
            ))
        })
        .collect();
    let tracked = Command::new("git")
        .args(["ls-files"])
        .current_dir(repo())
        .output()
        .unwrap();
    for path in String::from_utf8_lossy(&tracked.stdout).lines() {
        if let Ok(text) = std::fs::read_to_string(repo().join(path)) {
            files.push((format!("repo:{path}"), text));
        }
    }
    assert!(
        files.iter().any(|(p, _)| p.starts_with("site:playground/")),
        "the course has a playground page"
    );

    let mut problems = Vec::new();
    let mut fakes_seen = 0;
    for (path, text) in &files {
        fakes_seen += jwts(text)
            .iter()
            .filter(|(_, _, h, p)| is_known_fake_jwt(h, p))
            .count();
        // The scanner's own tests hold examples of what it must catch, and the
        // course's key pair is labelled FAKE in its file names.
        if path.ends_with("src/credentials.rs")
            || (path.starts_with("repo:") && path.contains("/FAKE-"))
        {
            continue;
        }
        for finding in scan(text) {
            let shown: String = text[finding.offset..].chars().take(40).collect();
            problems.push(format!("{path}: {}: {shown}…", finding.what));
        }
    }
    assert!(
        fakes_seen >= 9,
        "the playground's sample tokens should be found ({fakes_seen} seen)"
    );
    assert!(
        problems.is_empty(),
        "credential-looking strings:\n{}",
        problems.join("\n")
    );
}
