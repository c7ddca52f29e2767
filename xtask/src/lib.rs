//! The tokenbook command line as a library: one module per command, each
//! with its arguments and a `run`, plus the file system around the pure
//! crates (`read`, `output`, `wasm`). The pure work happens in the library
//! crates; this does the file system and the terminal.
//!
//! Two binaries use it: `xtask` (`src/main.rs`, what `cargo xtask` runs)
//! and `xtask-serve` (`serve/`, the dev server, which `cargo xtask serve`
//! starts). The server's crates live only in the second, so cargo checks
//! fewer crates before every `cargo xtask build`.

pub mod build;
pub mod check;
pub mod fail;
pub mod fix_encoding;
pub mod new;
pub mod output;
pub mod prerequisites;
pub mod read;
pub mod size;
pub mod test;
pub mod toolchain;
pub mod wasm;

use std::path::{Path, PathBuf};
use std::process::Command;

/// The repository root, where the default `content/`, `static/` and
/// `public/` live.
pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(PathBuf::from)
        .unwrap_or_default()
}

/// The options that keep cargo quiet while still showing its progress bar
/// when it compiles: `--quiet` alone hides that too, and a first build
/// compiles for minutes. A warm run prints nothing of cargo's. The
/// `cargo xtask` alias in `.cargo/config.toml` passes the same.
pub const QUIET_WITH_PROGRESS: [&str; 5] = [
    "--quiet",
    "--config",
    "term.progress.when='always'",
    "--config",
    "term.progress.width=60",
];

/// The cargo running this command (`$CARGO`, else `cargo` on `PATH`), in
/// `root`, with [`QUIET_WITH_PROGRESS`] after the subcommand the caller
/// adds first.
pub fn quiet_cargo(root: &Path) -> QuietCargo {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut command = Command::new(cargo);
    command.current_dir(root);
    QuietCargo(command)
}

/// A cargo command waiting for its subcommand; see [`quiet_cargo`].
pub struct QuietCargo(Command);

impl QuietCargo {
    /// The subcommand and its arguments.
    pub fn args<I, S>(mut self, args: I) -> Command
    where
        I: IntoIterator<Item = S>,
        S: AsRef<std::ffi::OsStr>,
    {
        let mut args = args.into_iter();
        if let Some(subcommand) = args.next() {
            self.0.arg(subcommand);
        }
        self.0.args(QUIET_WITH_PROGRESS).args(args);
        self.0
    }
}
