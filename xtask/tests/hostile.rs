//! The hostile-content suite: each folder of `tests/hostile/` is a course
//! an attacker or a careless author could send, and its `expected.txt`
//! lists every diagnostic the build must give (`path:line:col:
//! severity[code]`, nothing more, nothing less). The build must fail with
//! exactly those, never panic, and write nothing.

mod support;

use support::{repo, stderr, xtask_build};

#[test]
fn every_hostile_course_gets_exactly_its_diagnostics_and_no_output() {
    let suite = repo().join("tests/hostile");
    let mut cases = 0;
    for entry in std::fs::read_dir(&suite).unwrap() {
        let dir = entry.unwrap().path();
        let Ok(expected) = std::fs::read_to_string(dir.join("expected.txt")) else {
            continue;
        };
        cases += 1;
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        let built = xtask_build(&dir, &out, &[]);
        let report = stderr(&built);
        assert!(!report.contains("panicked"), "{}: {report}", dir.display());
        let prefix = format!("{}/", dir.display());
        let mut found: Vec<String> = report
            .lines()
            .filter_map(|line| line.strip_prefix(&prefix))
            .filter_map(|line| {
                let end = line.find("]: ")?;
                Some(line[..=end].to_string())
            })
            .collect();
        found.sort();
        let mut wanted: Vec<String> = expected.lines().map(str::to_string).collect();
        wanted.sort();
        assert_eq!(found, wanted, "{}:\n{report}", dir.display());
        if wanted.iter().any(|line| line.contains(": error[")) {
            assert!(!built.status.success(), "{}", dir.display());
            assert!(
                !out.exists(),
                "{}: a failed build wrote {}",
                dir.display(),
                out.display()
            );
        }
    }
    assert!(cases >= 6, "only {cases} hostile courses");
}
