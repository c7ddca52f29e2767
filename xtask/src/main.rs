//! `cargo xtask`: the tokenbook command line. Parses the command and runs
//! it from the xtask library; `serve` is handed to the `xtask-serve`
//! binary through cargo (see the library's documentation for why).

use std::ffi::OsString;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use xtask::{build, check, fix_encoding, new, repo_root, size, test};

/// tokenbook: a static site generator for a course of markdown lessons.
#[derive(Parser)]
#[command(name = "cargo xtask", bin_name = "cargo xtask", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Render the content directory into a complete static site.
    Build(build::Args),
    /// Build, serve on 127.0.0.1 and rebuild on every change, reloading open pages.
    #[command(disable_help_flag = true)]
    Serve {
        /// Options of the server (`cargo xtask serve --help` lists them).
        #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
        args: Vec<OsString>,
    },
    /// Run every lint without writing anything; --format json for editors.
    Check(check::Args),
    /// Create the next numbered lesson from a template.
    New(new::Args),
    /// Repair mojibake (UTF-8 misread through Windows-1254, -1252 or
    /// Latin-1) in place, keeping the original as FILE.orig.
    FixEncoding(fix_encoding::Args),
    /// Report what readers download: every page's gzipped weight, and the
    /// playground's WebAssembly, against their budgets.
    Size(size::Args),
    /// Run every test: the Rust workspace, then the browser tests.
    Test(test::Args),
    /// Time builds of a synthetic course at 100 and 1000 lessons, beside
    /// mdBook and Zola, and serve's edit-to-reload latency (Unix only).
    #[command(disable_help_flag = true)]
    Bench {
        /// Options of the benchmark (`cargo xtask bench --help` lists them).
        #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
        args: Vec<OsString>,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Build(args) => build::run(&args),
        Command::Test(args) => test::run(&args),
        Command::FixEncoding(args) => fix_encoding::run(&args),
        Command::Size(args) => size::run(&args),
        Command::Check(args) => check::run(&args),
        Command::Serve { args } => hand_over("xtask-serve", &args),
        Command::New(args) => new::run(&args),
        Command::Bench { args } => hand_over("xtask-bench", &args),
    };
    match result {
        Ok(code) => code,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

/// Becomes `cargo run --package PACKAGE -- ARGS`: the dev server and the
/// benchmark are binaries of their own (their crates are not checked before
/// every `cargo xtask build`). Cargo builds one first when needed, showing
/// its progress, then runs it; on Unix it becomes the process itself
/// (`exec`), so a signal sent to `cargo xtask serve` reaches the server.
fn hand_over(package: &str, args: &[OsString]) -> Result<ExitCode, String> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let compiled =
        std::env::current_exe().is_ok_and(|xtask| xtask.with_file_name(package).exists());
    let mut cargo_run = std::process::Command::new(cargo);
    cargo_run.arg("run");
    if compiled {
        cargo_run.arg("--quiet");
    }
    cargo_run
        .arg("--manifest-path")
        .arg(repo_root().join("Cargo.toml"))
        .args(["--package", package, "--"])
        .args(args);
    run_as_this_process(cargo_run, package)
}

#[cfg(unix)]
fn run_as_this_process(
    mut command: std::process::Command,
    package: &str,
) -> Result<ExitCode, String> {
    use std::os::unix::process::CommandExt as _;
    let error = command.exec();
    Err(format!("cannot run cargo to start {package}: {error}"))
}

#[cfg(not(unix))]
fn run_as_this_process(
    mut command: std::process::Command,
    package: &str,
) -> Result<ExitCode, String> {
    let status = command
        .status()
        .map_err(|e| format!("cannot run cargo to start {package}: {e}"))?;
    Ok(match status.code() {
        Some(code) => ExitCode::from(u8::try_from(code).unwrap_or(1)),
        None => ExitCode::FAILURE,
    })
}
