//! What the browser tests need from the machine — Chromium, the emoji and
//! DejaVu fonts, Java 17 or later for the Nu HTML Checker, and Node.js with
//! npm — checked before `cargo xtask test` starts anything long. What is
//! missing is installed with apt-get when the machine has it and this runs
//! as root (as CI does); otherwise the command stops at once, naming the
//! exact apt command and `--no-browser`.
//!
//! [`Machine`] is the seam: [`System`] looks at the real `PATH` and runs
//! the real tools; the tests hand in a machine of their own.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Names Chromium goes by on `PATH`: Debian, Ubuntu and Fedora, Google's
/// builds.
const CHROMIUM_NAMES: [&str; 4] = [
    "chromium",
    "chromium-browser",
    "google-chrome",
    "google-chrome-stable",
];

/// Where macOS keeps them.
const CHROMIUM_APPS: [&str; 2] = [
    "/Applications/Chromium.app/Contents/MacOS/Chromium",
    "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome",
];

/// The font families the diagram tests measure with.
const FONTS: [(&str, &str); 2] = [
    ("Noto Color Emoji", "fonts-noto-color-emoji"),
    ("DejaVu Sans Mono", "fonts-dejavu-core"),
];

/// The oldest Java the Nu HTML Checker runs on.
const JAVA_MAJOR: u32 = 17;

/// What this module asks of a machine.
pub trait Machine {
    /// An environment variable.
    fn var(&self, name: &str) -> Option<OsString>;
    /// A program on `PATH`, or at an absolute path when `name` is one.
    fn find(&self, name: &str) -> Option<PathBuf>;
    /// What a program printed (stdout, then stderr), when it ran and
    /// succeeded.
    fn output(&self, program: &Path, args: &[&str]) -> Option<String>;
    /// Whether this process may install system packages.
    fn is_root(&self) -> bool;
    /// Runs a program with its output shown; false when it failed.
    fn run(&self, program: &Path, args: &[&str]) -> bool;
}

/// One thing the tests need and the Debian package that provides it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Missing {
    /// What it is, for people: "Chromium", "the Noto Color Emoji font".
    pub what: String,
    /// The Debian package, when one provides it.
    pub package: Option<&'static str>,
}

/// What was found: where Chromium is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    /// The browser the tests drive (passed to them as `CHROME_PATH`).
    pub chromium: PathBuf,
}

/// Looks for everything; returns what is there, or what is not.
pub fn check(machine: &dyn Machine) -> Result<Found, Vec<Missing>> {
    let mut missing = Vec::new();
    let chromium = find_chromium(machine);
    if chromium.is_none() {
        missing.push(Missing {
            what: "Chromium".into(),
            package: Some("chromium"),
        });
    }
    let families = machine
        .find("fc-list")
        .and_then(|fc_list| machine.output(&fc_list, &[":", "family"]))
        .unwrap_or_default();
    for (family, package) in FONTS {
        if !families
            .lines()
            .any(|line| line.split(',').any(|f| f.trim() == family))
        {
            missing.push(Missing {
                what: format!("the {family} font"),
                package: Some(package),
            });
        }
    }
    let java = machine
        .find("java")
        .and_then(|java| machine.output(&java, &["-version"]))
        .and_then(|text| java_major(&text));
    if java.is_none_or(|major| major < JAVA_MAJOR) {
        missing.push(Missing {
            what: format!("Java {JAVA_MAJOR} or later (for the Nu HTML Checker)"),
            package: Some("default-jre-headless"),
        });
    }
    let npm = machine
        .find("npm")
        .and_then(|npm| machine.output(&npm, &["--version"]));
    if npm.is_none() {
        missing.push(Missing {
            what: "Node.js 20.19 or later with npm".into(),
            package: None,
        });
    }
    match (chromium, missing.is_empty()) {
        (Some(chromium), true) => Ok(Found { chromium }),
        _ => Err(missing),
    }
}

/// `CHROME_PATH` when set, else the first of the usual names on `PATH`,
/// else the macOS applications.
fn find_chromium(machine: &dyn Machine) -> Option<PathBuf> {
    if let Some(path) = machine.var("CHROME_PATH").filter(|p| !p.is_empty()) {
        return machine.find(&path.to_string_lossy());
    }
    CHROMIUM_NAMES
        .iter()
        .chain(&CHROMIUM_APPS)
        .find_map(|name| machine.find(name))
}

/// The major version in `java -version`'s banner: `openjdk version
/// "17.0.15"` is 17, `java version "1.8.0_381"` is 8.
fn java_major(banner: &str) -> Option<u32> {
    let version = banner.split('"').nth(1)?;
    let mut parts = version.split(['.', '_', '-', '+']);
    let first: u32 = parts.next()?.parse().ok()?;
    if first == 1 {
        parts.next()?.parse().ok()
    } else {
        Some(first)
    }
}

/// The apt command that installs `packages`, as a user would type it.
pub fn apt_command(packages: &[&str]) -> String {
    format!(
        "apt-get update -qq && apt-get install -y -qq {}",
        packages.join(" ")
    )
}

/// Checks; installs what is missing when it can; returns where Chromium is,
/// or a message that says exactly what to do.
pub fn ensure(machine: &dyn Machine) -> Result<Found, String> {
    let missing = match check(machine) {
        Ok(found) => return Ok(found),
        Err(missing) => missing,
    };
    let mut packages: Vec<&str> = missing.iter().filter_map(|m| m.package).collect();
    packages.dedup();
    let list = missing
        .iter()
        .map(|m| m.what.as_str())
        .collect::<Vec<_>>()
        .join(", ");
    let without_package: Vec<&str> = missing
        .iter()
        .filter(|m| m.package.is_none())
        .map(|m| m.what.as_str())
        .collect();
    let apt = machine.find("apt-get");
    let how = if packages.is_empty() {
        String::new()
    } else {
        format!("\n  {}", apt_command(&packages))
    };
    let stop = |why: &str| {
        format!(
            "the browser tests need {list}, which this machine lacks; {why}{how}\nor run only the Rust tests: cargo xtask test --no-browser"
        )
    };
    if !without_package.is_empty() {
        return Err(stop(&format!(
            "install {} yourself (https://nodejs.org), and with apt (as root):",
            without_package.join(", ")
        )));
    }
    let Some(apt) = apt.filter(|_| machine.is_root()) else {
        return Err(stop("install them (as root) with:"));
    };
    eprintln!(
        "installing what the browser tests need ({list}): {}",
        apt_command(&packages)
    );
    let install: Vec<&str> = ["install", "-y", "-qq"]
        .into_iter()
        .chain(packages)
        .collect();
    if !machine.run(&apt, &["update", "-qq"]) || !machine.run(&apt, &install) {
        return Err(stop(
            "apt-get failed (its messages are above); try it yourself:",
        ));
    }
    check(machine).map_err(|still| {
        let list = still
            .iter()
            .map(|m| m.what.as_str())
            .collect::<Vec<_>>()
            .join(", ");
        format!("after apt-get install, {list} still cannot be found; set CHROME_PATH to the browser, or run cargo xtask test --no-browser")
    })
}

/// The machine this runs on.
pub struct System;

impl Machine for System {
    fn var(&self, name: &str) -> Option<OsString> {
        std::env::var_os(name)
    }

    fn find(&self, name: &str) -> Option<PathBuf> {
        let path = Path::new(name);
        if path.is_absolute() {
            return path.is_file().then(|| path.to_owned());
        }
        let dirs = std::env::var_os("PATH")?;
        std::env::split_paths(&dirs)
            .map(|dir| dir.join(name))
            .find(|candidate| candidate.is_file())
    }

    fn output(&self, program: &Path, args: &[&str]) -> Option<String> {
        let output = Command::new(program).args(args).output().ok()?;
        output.status.success().then(|| {
            let mut text = String::from_utf8_lossy(&output.stdout).into_owned();
            text.push_str(&String::from_utf8_lossy(&output.stderr));
            text
        })
    }

    fn is_root(&self) -> bool {
        is_root()
    }

    fn run(&self, program: &Path, args: &[&str]) -> bool {
        Command::new(program)
            .args(args)
            .env("DEBIAN_FRONTEND", "noninteractive")
            .status()
            .is_ok_and(|s| s.success())
    }
}

#[cfg(unix)]
fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions and cannot fail.
    unsafe { libc::geteuid() == 0 }
}

#[cfg(not(unix))]
fn is_root() -> bool {
    false
}

#[cfg(test)]
mod tests {
    use std::cell::RefCell;
    use std::collections::HashMap;

    use super::*;

    /// A machine made up for the test: the programs it has, what they
    /// print, and what `apt-get install` adds.
    #[derive(Default)]
    struct Fake {
        vars: HashMap<String, String>,
        programs: RefCell<HashMap<String, String>>,
        root: bool,
        /// Programs (name, output) that appear once apt-get installs.
        installs: Vec<(String, String)>,
        ran: RefCell<Vec<String>>,
    }

    impl Fake {
        fn with(mut self, name: &str, output: &str) -> Self {
            self.programs
                .get_mut()
                .insert(name.to_owned(), output.to_owned());
            self
        }

        fn complete() -> Self {
            Fake::default()
                .with("chromium", "")
                .with(
                    "fc-list",
                    "Noto Color Emoji\nDejaVu Sans Mono,DejaVu Sans Mono Bold\n",
                )
                .with("java", "openjdk version \"17.0.15\" 2025-04-15\n")
                .with("npm", "11.19.1\n")
        }
    }

    impl Machine for Fake {
        fn var(&self, name: &str) -> Option<OsString> {
            self.vars.get(name).map(OsString::from)
        }
        fn find(&self, name: &str) -> Option<PathBuf> {
            self.programs
                .borrow()
                .contains_key(name)
                .then(|| PathBuf::from(name))
        }
        fn output(&self, program: &Path, _: &[&str]) -> Option<String> {
            self.programs.borrow().get(program.to_str()?).cloned()
        }
        fn is_root(&self) -> bool {
            self.root
        }
        fn run(&self, program: &Path, args: &[&str]) -> bool {
            self.ran
                .borrow_mut()
                .push(format!("{} {}", program.display(), args.join(" ")));
            if args.first() == Some(&"install") {
                let mut programs = self.programs.borrow_mut();
                for (name, output) in &self.installs {
                    programs.insert(name.clone(), output.clone());
                }
            }
            true
        }
    }

    #[test]
    fn a_complete_machine_is_ready() {
        let found = check(&Fake::complete()).unwrap();
        assert_eq!(found.chromium, PathBuf::from("chromium"));
    }

    #[test]
    fn chromium_is_found_under_each_name_and_chrome_path_wins() {
        for name in CHROMIUM_NAMES.iter().chain(&CHROMIUM_APPS) {
            let mut machine = Fake::complete();
            machine.programs.get_mut().remove("chromium");
            machine
                .programs
                .get_mut()
                .insert(name.to_string(), String::new());
            assert_eq!(check(&machine).unwrap().chromium, PathBuf::from(name));
        }
        let mut machine = Fake::complete().with("/opt/my-chrome", "");
        machine
            .vars
            .insert("CHROME_PATH".into(), "/opt/my-chrome".into());
        assert_eq!(
            check(&machine).unwrap().chromium,
            PathBuf::from("/opt/my-chrome")
        );
        machine.vars.insert("CHROME_PATH".into(), "/nowhere".into());
        assert_eq!(check(&machine).unwrap_err()[0].what, "Chromium");
    }

    #[test]
    fn everything_missing_is_listed_with_its_package() {
        let missing =
            check(&Fake::default().with("java", "java version \"1.8.0_381\"")).unwrap_err();
        let packages: Vec<_> = missing.iter().map(|m| m.package).collect();
        assert_eq!(
            packages,
            [
                Some("chromium"),
                Some("fonts-noto-color-emoji"),
                Some("fonts-dejavu-core"),
                Some("default-jre-headless"),
                None
            ]
        );
    }

    #[test]
    fn java_versions_are_read_from_both_banner_styles() {
        assert_eq!(
            java_major("openjdk version \"17.0.15\" 2025-04-15"),
            Some(17)
        );
        assert_eq!(java_major("openjdk version \"21\" 2023-09-19"), Some(21));
        assert_eq!(java_major("java version \"1.8.0_381\""), Some(8));
        assert_eq!(java_major("no version here"), None);
    }

    #[test]
    fn without_root_it_stops_at_once_with_the_apt_command() {
        let machine = Fake::default()
            .with("apt-get", "")
            .with("npm", "10.0.0")
            .with("java", "openjdk version \"17.0.1\"");
        let message = ensure(&machine).unwrap_err();
        assert!(
            message.contains("apt-get update -qq && apt-get install -y -qq chromium fonts-noto-color-emoji fonts-dejavu-core\n"),
            "{message}"
        );
        assert!(
            message.contains("cargo xtask test --no-browser"),
            "{message}"
        );
        assert!(
            machine.ran.borrow().is_empty(),
            "nothing is installed without root"
        );
    }

    #[test]
    fn as_root_with_apt_it_installs_what_is_missing_and_checks_again() {
        let mut machine = Fake::default()
            .with("apt-get", "")
            .with("npm", "10.0.0")
            .with("fc-list", "DejaVu Sans Mono\n");
        machine.root = true;
        machine.installs = vec![
            ("chromium".into(), String::new()),
            (
                "fc-list".into(),
                "DejaVu Sans Mono\nNoto Color Emoji\n".into(),
            ),
            ("java".into(), "openjdk version \"17.0.15\"".into()),
        ];
        let found = ensure(&machine).unwrap();
        assert_eq!(found.chromium, PathBuf::from("chromium"));
        assert_eq!(
            *machine.ran.borrow(),
            [
                "apt-get update -qq",
                "apt-get install -y -qq chromium fonts-noto-color-emoji default-jre-headless"
            ]
        );
    }

    #[test]
    fn an_install_that_does_not_help_is_an_error() {
        let mut machine = Fake::complete().with("apt-get", "");
        machine.programs.get_mut().remove("chromium");
        machine.root = true;
        let message = ensure(&machine).unwrap_err();
        assert!(
            message.contains("Chromium still cannot be found"),
            "{message}"
        );
    }

    #[test]
    fn node_cannot_come_from_apt_so_it_stops_even_as_root() {
        let mut machine = Fake::complete().with("apt-get", "");
        machine.programs.get_mut().remove("npm");
        machine.root = true;
        let message = ensure(&machine).unwrap_err();
        assert!(
            message.contains("Node.js 20.19 or later with npm"),
            "{message}"
        );
        assert!(machine.ran.borrow().is_empty());
    }
}
