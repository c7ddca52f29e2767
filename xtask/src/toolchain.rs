//! The Rust toolchain the playground is compiled with, and the one thing a
//! fresh machine lacks: rustup installs the targets `rust-toolchain.toml`
//! lists only when it installs the toolchain, so an already installed
//! `stable` has no `wasm32-unknown-unknown`. [`ensure_target`] adds it
//! through rustup, for the toolchain cargo runs with, and says so.
//!
//! [`Toolchain`] is the seam: [`Rustup`] asks the real rustc and rustup
//! (their paths are fields, so a test can hand it scripts), and the
//! decision is tested with a toolchain made up in the test.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The target the playground's WebAssembly is compiled for.
pub const WASM_TARGET: &str = "wasm32-unknown-unknown";

/// What the build asks of a Rust toolchain.
pub trait Toolchain {
    /// How messages name it, e.g. `stable-x86_64-unknown-linux-gnu`.
    fn name(&self) -> String;
    /// Whether the standard library for `target` is installed.
    fn has_target(&self, target: &str) -> Result<bool, String>;
    /// The command that installs `target`, as a user would type it; `None`
    /// when this toolchain is not managed by rustup.
    fn add_command(&self, target: &str) -> Option<Vec<String>>;
    /// Runs [`Toolchain::add_command`].
    fn add_target(&self, target: &str) -> Result<(), String>;
}

/// Makes sure `target` is installed, adding it when it is not. Prints one
/// line when it adds it; says exactly what to run when it cannot.
pub fn ensure_target(toolchain: &dyn Toolchain, target: &str) -> Result<(), String> {
    if toolchain.has_target(target)? {
        return Ok(());
    }
    let Some(command) = toolchain.add_command(target) else {
        return Err(format!(
            "the Rust toolchain {} has no `{target}` target, and it is not managed by rustup; install the target for it (with rustup: rustup target add {target})",
            toolchain.name()
        ));
    };
    eprintln!(
        "adding the {target} target the playground is compiled for: {}",
        command.join(" ")
    );
    toolchain.add_target(target).map_err(|e| {
        format!(
            "{e}\nadding the `{target}` target failed; run `{}` yourself, then build again",
            command.join(" ")
        )
    })?;
    if toolchain.has_target(target)? {
        Ok(())
    } else {
        Err(format!(
            "`{}` succeeded but the toolchain {} still has no `{target}` target",
            command.join(" "),
            toolchain.name()
        ))
    }
}

/// The toolchain of a `rustc`, managed (or not) by a `rustup`.
pub struct Rustup {
    /// The compiler cargo uses.
    pub rustc: PathBuf,
    /// rustup, looked up on `PATH` by default.
    pub rustup: OsString,
}

impl Rustup {
    /// The toolchain of the cargo running this command: the `rustc` next to
    /// `$CARGO` (cargo sets it for the programs it runs; through rustup's
    /// proxy it is the toolchain `rust-toolchain.toml` pins), else the
    /// `rustc` on `PATH`.
    pub fn of_running_cargo() -> Self {
        let rustc = std::env::var_os("CARGO")
            .map(PathBuf::from)
            .map(|cargo| cargo.with_file_name(format!("rustc{}", std::env::consts::EXE_SUFFIX)))
            .filter(|rustc| rustc.is_file())
            .unwrap_or_else(|| PathBuf::from("rustc"));
        Rustup {
            rustc,
            rustup: "rustup".into(),
        }
    }

    fn sysroot(&self) -> Result<PathBuf, String> {
        let output = Command::new(&self.rustc)
            .args(["--print", "sysroot"])
            .output()
            .map_err(|e| format!("cannot run {}: {e}", self.rustc.display()))?;
        if !output.status.success() {
            return Err(format!(
                "{} --print sysroot failed ({}): {}",
                self.rustc.display(),
                output.status,
                String::from_utf8_lossy(&output.stderr).trim()
            ));
        }
        let text = String::from_utf8_lossy(&output.stdout);
        Ok(PathBuf::from(text.trim()))
    }

    /// The rustup name of the toolchain at `sysroot`: rustup keeps each in
    /// `toolchains/NAME`.
    fn rustup_name(sysroot: &Path) -> Option<String> {
        let parent = sysroot.parent()?;
        (parent.file_name()? == "toolchains")
            .then(|| sysroot.file_name()?.to_str().map(str::to_owned))
            .flatten()
    }
}

impl Toolchain for Rustup {
    fn name(&self) -> String {
        match self.sysroot() {
            Ok(sysroot) => {
                Self::rustup_name(&sysroot).unwrap_or_else(|| sysroot.display().to_string())
            }
            Err(_) => self.rustc.display().to_string(),
        }
    }

    fn has_target(&self, target: &str) -> Result<bool, String> {
        Ok(self
            .sysroot()?
            .join("lib/rustlib")
            .join(target)
            .join("lib")
            .is_dir())
    }

    fn add_command(&self, target: &str) -> Option<Vec<String>> {
        let name = Self::rustup_name(&self.sysroot().ok()?)?;
        Some(vec![
            self.rustup.to_string_lossy().into_owned(),
            "target".into(),
            "add".into(),
            target.into(),
            "--toolchain".into(),
            name,
        ])
    }

    fn add_target(&self, target: &str) -> Result<(), String> {
        let command = self
            .add_command(target)
            .ok_or_else(|| format!("{} is not a rustup toolchain", self.name()))?;
        let status = Command::new(&self.rustup)
            .args(&command[1..])
            .status()
            .map_err(|e| format!("cannot run {}: {e}", self.rustup.to_string_lossy()))?;
        if status.success() {
            Ok(())
        } else {
            Err(format!("{} failed ({status})", command.join(" ")))
        }
    }
}

#[cfg(test)]
mod tests {
    use std::cell::{Cell, RefCell};

    use super::*;

    /// A toolchain made up for the test: whether it has the target, whether
    /// rustup manages it, whether adding works; it records what was run.
    struct Fake {
        installed: Cell<bool>,
        managed: bool,
        add_works: bool,
        added: RefCell<Vec<String>>,
    }

    impl Fake {
        fn new(installed: bool, managed: bool, add_works: bool) -> Self {
            Fake {
                installed: Cell::new(installed),
                managed,
                add_works,
                added: RefCell::new(Vec::new()),
            }
        }
    }

    impl Toolchain for Fake {
        fn name(&self) -> String {
            "stable-test".into()
        }
        fn has_target(&self, _: &str) -> Result<bool, String> {
            Ok(self.installed.get())
        }
        fn add_command(&self, target: &str) -> Option<Vec<String>> {
            self.managed.then(|| {
                vec![
                    "rustup".into(),
                    "target".into(),
                    "add".into(),
                    target.into(),
                ]
            })
        }
        fn add_target(&self, target: &str) -> Result<(), String> {
            self.added.borrow_mut().push(target.to_owned());
            if self.add_works {
                self.installed.set(true);
                Ok(())
            } else {
                Err("network unreachable".into())
            }
        }
    }

    #[test]
    fn an_installed_target_is_left_alone() {
        let toolchain = Fake::new(true, true, true);
        ensure_target(&toolchain, WASM_TARGET).unwrap();
        assert!(toolchain.added.borrow().is_empty());
    }

    #[test]
    fn a_missing_target_is_added_for_the_toolchain() {
        let toolchain = Fake::new(false, true, true);
        ensure_target(&toolchain, WASM_TARGET).unwrap();
        assert_eq!(*toolchain.added.borrow(), [WASM_TARGET]);
    }

    #[test]
    fn a_failed_add_names_the_command_to_run() {
        let toolchain = Fake::new(false, true, false);
        let error = ensure_target(&toolchain, WASM_TARGET).unwrap_err();
        assert!(error.contains("network unreachable"), "{error}");
        assert!(
            error.contains("run `rustup target add wasm32-unknown-unknown` yourself"),
            "{error}"
        );
    }

    #[test]
    fn a_toolchain_without_rustup_is_not_touched() {
        let toolchain = Fake::new(false, false, true);
        let error = ensure_target(&toolchain, WASM_TARGET).unwrap_err();
        assert!(error.contains("not managed by rustup"), "{error}");
        assert!(toolchain.added.borrow().is_empty());
    }

    #[test]
    fn rustup_names_toolchains_by_their_folder() {
        assert_eq!(
            Rustup::rustup_name(Path::new(
                "/home/a/.rustup/toolchains/stable-x86_64-unknown-linux-gnu"
            ))
            .as_deref(),
            Some("stable-x86_64-unknown-linux-gnu")
        );
        assert_eq!(Rustup::rustup_name(Path::new("/usr")), None);
        assert_eq!(Rustup::rustup_name(Path::new("/usr/lib/rust")), None);
    }
}
