//! Golden vectors: tables and rules written twice, in Rust and in the
//! browser's JavaScript (folding, terms, heading ids, the index's number
//! and Rice codes, the playground's steps, checks and samples), kept in step
//! by files the Rust tests write from the Rust side and Node unit tests
//! (`tests/unit/`, `npm run unit` at the repository root) check the
//! JavaScript against. Test-only.

use std::path::PathBuf;

/// Where the vector files live: `tests/golden/` of the repository.
fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/golden")
}

/// Checks that `tests/golden/NAME` holds `contents` (pretty JSON), or with
/// `TOKENBOOK_UPDATE_GOLDEN=1` writes it.
pub(crate) fn check(name: &str, value: &serde_json::Value) {
    let mut contents = serde_json::to_string_pretty(value).expect("JSON");
    contents.push('\n');
    let path = dir().join(name);
    if std::env::var_os("TOKENBOOK_UPDATE_GOLDEN").is_some() {
        std::fs::create_dir_all(dir()).expect("tests/golden");
        std::fs::write(&path, &contents).expect("writes the vectors");
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == contents,
        "{} is not what the Rust side computes now: run `TOKENBOOK_UPDATE_GOLDEN=1 cargo test -p tokenbook-site golden` and then the JavaScript unit tests (`npm run unit` at the repository root), which must agree",
        path.display()
    );
}
