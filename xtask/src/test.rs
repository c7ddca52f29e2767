//! `cargo xtask test`: the whole test suite in one command. First every
//! Rust test of the workspace, then a fresh build of the course and the
//! browser tests (Node's test runner driving Debian's Chromium through
//! playwright-core) against it.

use std::path::Path;
use std::process::{Command, ExitCode};

use crate::repo_root;

/// Arguments of `cargo xtask test`.
#[derive(clap::Args)]
pub struct Args {
    /// Run only the Rust tests.
    #[arg(long)]
    no_browser: bool,
}

/// Runs the suites one after the other; stops at the first that fails.
pub fn run(args: &Args) -> Result<ExitCode, String> {
    let root = repo_root();
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_string());
    step(
        Command::new(&cargo)
            .args(["test", "--workspace", "--all-targets"])
            .current_dir(&root),
        "cargo test",
    )?;
    if args.no_browser {
        return Ok(ExitCode::SUCCESS);
    }
    let chromium = Path::new("/usr/bin/chromium");
    if !chromium.exists() {
        return Err(format!(
            "the browser tests need Debian's Chromium at {}: apt-get install -y chromium fonts-noto-color-emoji fonts-dejavu-core (or pass --no-browser)",
            chromium.display()
        ));
    }
    let site = root.join("target/browser-test-site");
    let out = site.join("public");
    std::fs::create_dir_all(&site).map_err(|e| format!("{}: {e}", site.display()))?;
    step(
        Command::new(&cargo)
            .args([
                "run",
                "--quiet",
                "--package",
                "xtask",
                "--",
                "build",
                "--out",
            ])
            .arg(&out)
            .current_dir(&root),
        "building the site for the browser tests",
    )?;
    // The page-weight budgets are part of the suite.
    if crate::size::run(&crate::size::Args { out: out.clone() })? != ExitCode::SUCCESS {
        return Err("a page is over its weight budget (see the table above)".to_string());
    }
    let browser = root.join("tests/browser");
    let installed = ["playwright-core", "axe-core", "vnu-jar"]
        .iter()
        .all(|package| browser.join("node_modules").join(package).exists());
    if !installed {
        // --ignore-scripts: vnu-jar's install script would download a Java;
        // the machine's Java runs the checker.
        step(
            Command::new("npm")
                .args(["ci", "--no-audit", "--no-fund", "--ignore-scripts"])
                .current_dir(&browser),
            "npm ci",
        )?;
    }
    step(
        Command::new("npm")
            .args(["test"])
            .env("TOKENBOOK_SITE", &out)
            .current_dir(&browser),
        "browser tests",
    )?;
    Ok(ExitCode::SUCCESS)
}

fn step(command: &mut Command, what: &str) -> Result<(), String> {
    let status = command
        .status()
        .map_err(|e| format!("{what}: cannot start: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("{what} failed ({status})"))
    }
}
