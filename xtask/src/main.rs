//! `cargo xtask`: the tokenbook command line. Parses the command and runs
//! it from the xtask library; `serve` is handed to the `xtask-serve`
//! binary through cargo (see the library's documentation for why).

use std::ffi::OsString;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use xtask::{bench, build, check, fix_encoding, new, repo_root, size, test};

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
    /// mdBook and Zola, and serve's edit-to-reload latency.
    Bench(bench::Args),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Build(args) => build::run(&args),
        Command::Test(args) => test::run(&args),
        Command::FixEncoding(args) => fix_encoding::run(&args),
        Command::Size(args) => size::run(&args),
        Command::Check(args) => check::run(&args),
        Command::Serve { args } => serve(&args),
        Command::New(args) => new::run(&args),
        Command::Bench(args) => bench::run(&args),
    };
    match result {
        Ok(code) => code,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

/// Becomes `cargo run --package xtask-serve -- ARGS` (cargo builds the
/// server first when needed, then itself becomes the server): one process
/// throughout, so a signal sent to `cargo xtask serve` reaches the server.
fn serve(args: &[OsString]) -> Result<ExitCode, String> {
    use std::os::unix::process::CommandExt as _;
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    // The first start compiles the server and its crates: let cargo show
    // that; afterwards it stays quiet.
    let compiled =
        std::env::current_exe().is_ok_and(|xtask| xtask.with_file_name("xtask-serve").exists());
    let mut cargo_run = std::process::Command::new(cargo);
    cargo_run.arg("run");
    if compiled {
        cargo_run.arg("--quiet");
    }
    let error = cargo_run
        .arg("--manifest-path")
        .arg(repo_root().join("Cargo.toml"))
        .args(["--package", "xtask-serve", "--"])
        .args(args)
        .exec();
    Err(format!("cannot run cargo to start the server: {error}"))
}
