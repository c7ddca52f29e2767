//! `cargo xtask`: the tokenbook command line. Each command is a module with
//! its arguments and a `run`; the pure work happens in the library crates,
//! this binary does the file system and the terminal.

mod bench;
mod build;
mod check;
mod fix_encoding;
mod new;
mod output;
mod read;
mod serve;
mod size;
mod test;
mod wasm;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

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
    Serve(serve::Args),
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
        Command::Serve(args) => serve::run(&args),
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

/// The repository root, where the default `content/`, `static/` and
/// `public/` live.
pub(crate) fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(PathBuf::from)
        .unwrap_or_default()
}
