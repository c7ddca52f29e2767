//! The tokenbook command line as a library: one module per command, each
//! with its arguments and a `run`, plus the file system around the pure
//! crates (`read`, `output`, `wasm`). The pure work happens in the library
//! crates; this does the file system and the terminal.
//!
//! Two binaries use it: `xtask` (`src/main.rs`, what `cargo xtask` runs)
//! and `xtask-serve` (`serve/`, the dev server, which `cargo xtask serve`
//! starts). The server's crates live only in the second, so cargo checks
//! fewer crates before every `cargo xtask build`.

pub mod bench;
pub mod build;
pub mod check;
pub mod fix_encoding;
pub mod new;
pub mod output;
pub mod read;
pub mod size;
pub mod test;
pub mod wasm;

use std::path::PathBuf;

/// The repository root, where the default `content/`, `static/` and
/// `public/` live.
pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(PathBuf::from)
        .unwrap_or_default()
}
