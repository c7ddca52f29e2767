//! `cargo xtask test`: the whole test suite in one command. First it checks
//! what the browser tests need from the machine (and installs it when it
//! can: `prerequisites`), then runs every Rust test of the workspace, then
//! builds the course and runs the browser tests (Node's test runner driving
//! the system's Chromium through playwright-core) against it.

use std::path::Path;
use std::process::{Command, ExitCode};

use crate::fail::AtPath as _;
use crate::prerequisites;
use crate::repo_root;

/// Arguments of `cargo xtask test`.
#[derive(clap::Args)]
pub struct Args {
    /// Run only the Rust tests (nothing to install: no browser, fonts or
    /// Java).
    #[arg(long, conflicts_with = "setup")]
    no_browser: bool,
    /// Only check and install what the browser tests need (Chromium,
    /// fonts, Java, the npm packages), then stop.
    #[arg(long)]
    setup: bool,
}

/// Runs the suites one after the other; stops at the first that fails.
pub fn run(args: &Args) -> Result<ExitCode, String> {
    let root = repo_root();
    // Before anything long: a run must not fail at minute 9 for a package.
    let browser = if args.no_browser {
        None
    } else {
        let found = prerequisites::ensure(&prerequisites::System)?;
        install_npm_packages(&root.join("tests/browser"))?;
        Some(found)
    };
    if args.setup {
        eprintln!("everything the tests need is installed");
        return Ok(ExitCode::SUCCESS);
    }
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_string());
    step(
        Command::new(&cargo)
            .args(["test", "--workspace", "--all-targets"])
            .current_dir(&root),
        "cargo test",
    )?;
    let Some(browser) = browser else {
        return Ok(ExitCode::SUCCESS);
    };
    let site = root.join("target/browser-test-site");
    let out = site.join("public");
    std::fs::create_dir_all(&site).at_path(&site)?;
    step(
        crate::quiet_cargo(&root)
            .args(["run", "--package", "xtask", "--", "build", "--out"])
            .arg(&out),
        "building the site for the browser tests",
    )?;
    // The page-weight budgets are part of the suite.
    if crate::size::run(&crate::size::Args { out: out.clone() })? != ExitCode::SUCCESS {
        return Err("a page is over its weight budget (see the table above)".to_string());
    }
    step(
        Command::new("npm")
            .args(["test"])
            .env("TOKENBOOK_SITE", &out)
            .env("CHROME_PATH", &browser.chromium)
            .current_dir(root.join("tests/browser")),
        "browser tests",
    )?;
    Ok(ExitCode::SUCCESS)
}

/// `npm ci` in the browser tests' folder unless its packages are there.
fn install_npm_packages(browser: &Path) -> Result<(), String> {
    let installed = ["playwright-core", "axe-core", "vnu-jar"]
        .iter()
        .all(|package| browser.join("node_modules").join(package).exists());
    if installed {
        return Ok(());
    }
    eprintln!("installing the browser tests' npm packages (playwright-core, axe-core, vnu-jar)");
    // --ignore-scripts: vnu-jar's install script would download a Java;
    // the machine's Java runs the checker.
    step(
        Command::new("npm")
            .args(["ci", "--no-audit", "--no-fund", "--ignore-scripts"])
            .current_dir(browser),
        "npm ci",
    )
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
