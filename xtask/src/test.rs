//! `cargo xtask test`: the whole test suite in one command. First it checks
//! what the browser tests need from the machine (and installs it when it
//! can: `prerequisites`) and installs the npm packages of the JavaScript
//! checks, then runs ESLint and the JavaScript unit tests (seconds, no
//! browser), every Rust test of the workspace, and finally builds the
//! course and runs the browser tests (Node's test runner driving the
//! system's Chromium through playwright-core) against it.

use std::path::Path;
use std::process::{Command, ExitCode};

use crate::fail::AtPath as _;
use crate::prerequisites::{self, Machine as _};
use crate::repo_root;

/// Arguments of `cargo xtask test`.
#[derive(clap::Args)]
pub struct Args {
    /// Leave out the browser tests: run the Rust tests and, where npm is
    /// on PATH, the JavaScript lint and unit tests (no browser, fonts or
    /// Java; ESLint is installed from npm, and when that fails, offline
    /// say, the lint and unit tests are skipped with a note).
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
        install_npm_packages(&BROWSER_PACKAGES, &root)?;
        Some(found)
    };
    // The lint and the unit tests need Node.js and npm, but no browser: they
    // run whenever npm is there (it must be for the browser tests).
    let javascript = javascript_checks(
        args.no_browser,
        prerequisites::System.find("npm").is_some(),
        || install_npm_packages(&JS_CHECK_PACKAGES, &root),
    )?;
    if args.setup {
        eprintln!("everything the tests need is installed");
        return Ok(ExitCode::SUCCESS);
    }
    if javascript {
        for script in ["lint", "unit"] {
            step(
                Command::new("npm")
                    .args(["run", "--silent", script])
                    .current_dir(&root),
                &format!("npm run {script}"),
            )?;
        }
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

/// Whether the JavaScript lint and unit tests run: where npm is on PATH
/// and their packages are installed (`install`: `npm ci` unless they are
/// there). With `--no-browser` a failed install (offline, say) skips them
/// with a note instead of failing the run; otherwise it fails, as the
/// browser tests' install does.
fn javascript_checks(
    no_browser: bool,
    npm_found: bool,
    install: impl FnOnce() -> Result<(), String>,
) -> Result<bool, String> {
    const SKIPPING: &str =
        "note: skipping the JavaScript lint and unit tests (npm run lint, npm run unit)";
    if !npm_found {
        eprintln!("{SKIPPING}: no npm on PATH; they need Node.js 20.19 or later with npm");
        return Ok(false);
    }
    match install() {
        Ok(()) => Ok(true),
        Err(error) if no_browser => {
            eprintln!(
                "{SKIPPING}: their npm packages are not in node_modules and could not be installed ({error}); run npm ci at the repository root when online"
            );
            Ok(false)
        }
        Err(error) => Err(error),
    }
}

/// An npm package folder of the repository (a `package.json` with its
/// lock file) and what `cargo xtask test` needs from it.
struct NpmPackages {
    /// The folder, from the repository root.
    dir: &'static str,
    /// Whose packages they are, for the message.
    whose: &'static str,
    /// The packages that must be installed.
    packages: &'static [&'static str],
}

/// The browser tests' (`tests/browser`).
const BROWSER_PACKAGES: NpmPackages = NpmPackages {
    dir: "tests/browser",
    whose: "the browser tests'",
    packages: &["playwright-core", "axe-core", "vnu-jar"],
};

/// The lint's and the unit tests' (the root `package.json`; the unit tests
/// need none).
const JS_CHECK_PACKAGES: NpmPackages = NpmPackages {
    dir: "",
    whose: "the JavaScript lint's",
    packages: &["eslint", "@eslint/js", "globals"],
};

/// `npm ci` in a package folder unless its packages are there.
fn install_npm_packages(npm: &NpmPackages, root: &Path) -> Result<(), String> {
    let dir = root.join(npm.dir);
    let installed = npm
        .packages
        .iter()
        .all(|package| dir.join("node_modules").join(package).exists());
    if installed {
        return Ok(());
    }
    eprintln!(
        "installing {} npm packages ({})",
        npm.whose,
        npm.packages.join(", ")
    );
    // --ignore-scripts: vnu-jar's install script would download a Java;
    // the machine's Java runs the checker. No other package needs one.
    step(
        Command::new("npm")
            .args(["ci", "--no-audit", "--no-fund", "--ignore-scripts"])
            .current_dir(&dir),
        &format!("npm ci in {}", dir.display()),
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

#[cfg(test)]
mod tests {
    use super::javascript_checks;

    #[test]
    fn the_javascript_checks_run_where_npm_is_and_their_packages_install() {
        assert_eq!(javascript_checks(false, true, || Ok(())), Ok(true));
        assert_eq!(javascript_checks(true, true, || Ok(())), Ok(true));
    }

    #[test]
    fn without_npm_they_are_skipped_and_nothing_is_installed() {
        for no_browser in [false, true] {
            let result = javascript_checks(no_browser, false, || {
                panic!("npm ci started without npm on PATH")
            });
            assert_eq!(result, Ok(false));
        }
    }

    #[test]
    fn a_failed_install_skips_them_under_no_browser_and_fails_otherwise() {
        let offline = || Err("npm ci in /repo failed (exit status: 1)".to_string());
        assert_eq!(javascript_checks(true, true, offline), Ok(false));
        assert_eq!(
            javascript_checks(false, true, offline),
            Err("npm ci in /repo failed (exit status: 1)".to_string())
        );
    }
}
