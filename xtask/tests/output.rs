//! Faults around writing the site: a build killed mid-swap, an output
//! folder the user protected, and write errors, each checked on disk with
//! the real binary.

mod support;

use std::os::unix::fs::PermissionsExt as _;
use support::{fixture, snapshot, stderr, xtask_build};

/// The old two-rename swap, killed between its renames, left no output
/// folder, only `.public.tokenbook-old-PID`; the next build deleted that,
/// and if it failed too, no site was left at all.
#[test]
fn a_build_killed_mid_swap_is_recovered_by_the_next_run() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    let good = xtask_build(&fixture("good"), &out, &[]);
    assert!(good.status.success(), "{}", stderr(&good));
    let before = snapshot(&out);
    std::fs::rename(&out, tmp.path().join(".public.tokenbook-old-4242")).unwrap();

    let broken = xtask_build(&fixture("broken"), &out, &[]);
    assert!(!broken.status.success());
    assert_eq!(
        snapshot(&out),
        before,
        "the site of the interrupted build is back"
    );
    assert!(
        stderr(&broken).contains("restored"),
        "says what it did: {}",
        stderr(&broken)
    );
    assert!(!tmp.path().join(".public.tokenbook-old-4242").exists());
}

/// A folder the user made read-only is theirs to protect: the build stops
/// with its path instead of swapping a writable folder in.
#[test]
fn a_read_only_output_folder_is_refused_with_its_path() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    let good = xtask_build(&fixture("good"), &out, &[]);
    assert!(good.status.success(), "{}", stderr(&good));
    let before = snapshot(&out);
    std::fs::set_permissions(&out, std::fs::Permissions::from_mode(0o555)).unwrap();

    let again = xtask_build(&fixture("good"), &out, &[]);
    let report = stderr(&again);
    assert!(!again.status.success(), "{report}");
    assert!(report.contains(&out.display().to_string()), "{report}");
    assert!(report.contains("read-only"), "{report}");
    assert!(report.contains("chmod u+w"), "{report}");
    let mode = std::fs::metadata(&out).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o555, "the folder itself is untouched");
    assert_eq!(snapshot(&out), before);

    std::fs::set_permissions(&out, std::fs::Permissions::from_mode(0o755)).unwrap();
    let fixed = xtask_build(&fixture("good"), &out, &[]);
    assert!(fixed.status.success(), "{}", stderr(&fixed));
}

/// The staging folder is tokenbook's own: whatever stands at its name (a
/// file, a folder the user emptied of write permission) is replaced, not a
/// reason for an unlocated `File exists`.
#[test]
fn whatever_stands_where_the_staging_folder_goes_is_replaced() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    std::fs::write(tmp.path().join(".public.tokenbook-stage"), b"in the way").unwrap();
    let first = xtask_build(&fixture("good"), &out, &[]);
    assert!(first.status.success(), "{}", stderr(&first));
    let stage = tmp.path().join(".public.tokenbook-stage");
    std::fs::set_permissions(&stage, std::fs::Permissions::from_mode(0o555)).ok();
    let second = xtask_build(&fixture("good"), &out, &[]);
    assert!(second.status.success(), "{}", stderr(&second));
    assert!(out.join("index.html").is_file());
}
