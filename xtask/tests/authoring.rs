//! `cargo xtask check`, `cargo xtask new` and the hand-over of
//! `cargo xtask serve` to its own binary, end to end on fixture folders.

mod support;

use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use support::{copy_dir, fixture, xtask};

/// [`xtask`], killed and failed after `limit`: a `serve` that lost its
/// arguments would start serving instead of answering.
fn xtask_within(args: &[&str], limit: Duration) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("xtask runs");
    let started = Instant::now();
    while child.try_wait().expect("waits").is_none() {
        if started.elapsed() > limit {
            let _ = child.kill();
            panic!("`xtask {}` still running after {limit:?}", args.join(" "));
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    child.wait_with_output().expect("output")
}

#[test]
fn check_reports_json_for_editors_and_fails_on_errors() {
    let broken = fixture("broken");
    let output = xtask(&[
        "check",
        "--format",
        "json",
        "--content",
        broken.to_str().unwrap(),
    ]);
    assert!(!output.status.success());
    let items: serde_json::Value = serde_json::from_slice(&output.stdout).expect("stdout is JSON");
    let items = items.as_array().unwrap();
    let summary: Vec<(String, u64, u64, String, String)> = items
        .iter()
        .map(|d| {
            let path = d["path"].as_str().unwrap();
            assert_eq!(d["origin"], "content", "{d}");
            (
                path.rsplit('/').next().unwrap().to_string(),
                d["line"].as_u64().unwrap(),
                d["column"].as_u64().unwrap(),
                d["severity"].as_str().unwrap().to_string(),
                d["code"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        vec![
            (
                "01_No_User_Involved.md".into(),
                5,
                5,
                "error".into(),
                "link/missing-target".into()
            ),
            (
                "01_No_User_Involved.md".into(),
                7,
                5,
                "error".into(),
                "link/missing-anchor".into()
            ),
            (
                "01_No_User_Involved.md".into(),
                9,
                4,
                "warning".into(),
                "code/unknown-language".into()
            ),
            (
                "04_Bad_Front_Matter.md".into(),
                3,
                1,
                "error".into(),
                "toml/invalid".into()
            ),
        ]
    );
    assert!(
        items
            .iter()
            .all(|d| d["message"].is_string() && d.get("hint").is_some())
    );

    let good = fixture("good");
    let output = xtask(&[
        "check",
        "--format",
        "json",
        "--content",
        good.to_str().unwrap(),
    ]);
    assert!(output.status.success());
    assert_eq!(String::from_utf8_lossy(&output.stdout).trim(), "[]");
}

#[test]
fn check_writes_nothing_and_deny_warnings_fails_on_warnings() {
    let tmp = tempfile::tempdir().unwrap();
    let content = tmp.path().join("content");
    std::fs::create_dir(&content).unwrap();
    std::fs::write(
        content.join("01_A.md"),
        "# A\n\n```text\n┌──┐\n│ab │\n└──┘\n```\n",
    )
    .unwrap();
    let lenient = xtask(&["check", "--content", content.to_str().unwrap()]);
    assert!(lenient.status.success());
    assert!(
        String::from_utf8_lossy(&lenient.stderr)
            .contains("01_A.md:5:5: warning[diagram/ragged-box]: ragged box")
    );
    let strict = xtask(&[
        "check",
        "--deny-warnings",
        "--content",
        content.to_str().unwrap(),
    ]);
    assert!(!strict.status.success());
    let entries: Vec<_> = std::fs::read_dir(tmp.path())
        .unwrap()
        .flatten()
        .map(|e| e.file_name())
        .collect();
    assert_eq!(entries, vec![std::ffi::OsString::from("content")]);
}

#[test]
fn new_creates_the_next_numbered_lesson_that_checks_clean() {
    let tmp = tempfile::tempdir().unwrap();
    let content = tmp.path().join("content");
    copy_dir(&fixture("good"), &content);
    let before: Vec<_> = std::fs::read_dir(&content)
        .unwrap()
        .flatten()
        .map(|e| e.file_name())
        .collect();

    let output = xtask(&[
        "new",
        "Token Caching & Retries",
        "--content",
        content.to_str().unwrap(),
    ]);
    let said = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let file = content.join("03_Token_Caching_Retries.md");
    assert!(
        said.contains(&file.display().to_string()) && said.contains("/03-token-caching-retries/"),
        "{said}"
    );
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(
        text.starts_with("+++\n")
            && text.contains("# 03 · Token Caching & Retries")
            && text.contains("## 🤔 Beginner Check")
    );

    let after: Vec<_> = std::fs::read_dir(&content)
        .unwrap()
        .flatten()
        .map(|e| e.file_name())
        .collect();
    assert_eq!(after.len(), before.len() + 1, "only the new file appears");
    let check = xtask(&[
        "check",
        "--deny-warnings",
        "--content",
        content.to_str().unwrap(),
    ]);
    assert!(
        check.status.success(),
        "the template is lint-clean: {}",
        String::from_utf8_lossy(&check.stderr)
    );

    let again = xtask(&[
        "new",
        "Token Caching & Retries",
        "--content",
        content.to_str().unwrap(),
    ]);
    assert!(again.status.success(), "the next one gets number 04");
    assert!(content.join("04_Token_Caching_Retries.md").exists());
    let bad = xtask(&["new", "🤔", "--content", content.to_str().unwrap()]);
    assert!(!bad.status.success());
}

#[test]
fn serve_is_handed_to_its_own_binary_with_every_argument_and_its_exit_status() {
    // xtask becomes `cargo run -p xtask-serve -- ARGS`, which builds the
    // server when needed.
    let help = xtask_within(&["serve", "--help"], Duration::from_secs(300));
    let text = String::from_utf8_lossy(&help.stdout);
    assert!(help.status.success(), "{text}");
    assert!(
        text.contains("Usage: cargo xtask serve [OPTIONS]"),
        "{text}"
    );
    assert!(text.contains("--port <PORT>"), "{text}");

    let wrong = xtask_within(&["serve", "--no-such-option"], Duration::from_secs(60));
    assert_eq!(
        wrong.status.code(),
        Some(2),
        "clap's usage error comes back"
    );
    let error = String::from_utf8_lossy(&wrong.stderr);
    assert!(error.contains("--no-such-option"), "{error}");
}
