//! What the end-to-end tests of the command line share: where the
//! repository and the fixtures are, running the real `xtask` binary, and
//! reading and copying folders. Used by `xtask/tests/*.rs` and, through a
//! `#[path]`, by `xtask/serve/tests/`.

#![allow(dead_code)] // each test file uses what it needs

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The repository root: the first folder up from this crate with a
/// `Cargo.lock`.
pub(crate) fn repo() -> PathBuf {
    let mut dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    while !dir.join("Cargo.lock").exists() {
        assert!(
            dir.pop(),
            "no Cargo.lock above {}",
            env!("CARGO_MANIFEST_DIR")
        );
    }
    dir
}

/// A fixture folder of `xtask/tests/fixtures`.
pub(crate) fn fixture(name: &str) -> PathBuf {
    repo().join("xtask/tests/fixtures").join(name)
}

/// The `xtask` binary cargo built for these tests.
pub(crate) fn xtask_binary() -> PathBuf {
    match option_env!("CARGO_BIN_EXE_xtask") {
        Some(binary) => PathBuf::from(binary),
        // From another package's tests: the binary beside theirs.
        None => std::env::current_exe()
            .expect("the test binary")
            .parent()
            .and_then(Path::parent)
            .expect("target/debug")
            .join(format!("xtask{}", std::env::consts::EXE_SUFFIX)),
    }
}

/// Runs `xtask ARGS`.
pub(crate) fn xtask(args: &[&str]) -> Output {
    Command::new(xtask_binary())
        .args(args)
        .output()
        .expect("xtask runs")
}

/// Runs `xtask build --content CONTENT --out OUT EXTRA…`.
pub(crate) fn xtask_build(content: &Path, out: &Path, extra: &[&str]) -> Output {
    Command::new(xtask_binary())
        .arg("build")
        .arg("--content")
        .arg(content)
        .arg("--out")
        .arg(out)
        .args(extra)
        .output()
        .expect("xtask runs")
}

/// What a command printed on stderr.
pub(crate) fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Every file below `dir` with its bytes.
pub(crate) fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            (
                e.path().strip_prefix(dir).unwrap().to_path_buf(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect()
}

/// Copies the folder `from`, everything in it, to `to`.
pub(crate) fn copy_dir(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let target = to.join(entry.path().strip_prefix(from).unwrap());
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}
