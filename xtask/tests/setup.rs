//! What a fresh machine lacks, with the real binary and the real process
//! spawning, against programs this test writes: a missing Chromium stops
//! `cargo xtask test` at once with the apt command (or, as root with
//! apt-get, installs it), and a toolchain without the wasm target gets it
//! added through rustup for the right toolchain.

#![cfg(unix)]

use std::os::unix::fs::PermissionsExt as _;
use std::path::{Path, PathBuf};
use std::process::Command;

use xtask::toolchain::{self, Toolchain as _};

/// Writes an executable shell script.
fn script(dir: &Path, name: &str, body: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, format!("#!/bin/sh\n{body}\n")).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    path
}

/// A `PATH` with everything the browser tests need but Chromium.
fn machine_without_chromium(bin: &Path) {
    script(bin, "npm", "echo 10.9.0");
    script(
        bin,
        "fc-list",
        "printf 'Noto Color Emoji\\nDejaVu Sans Mono,DejaVu Sans Mono:style=Bold\\n'",
    );
    script(
        bin,
        "java",
        "echo 'openjdk version \"17.0.15\" 2025-04-15' >&2",
    );
}

fn xtask_test(bin: &Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_xtask"))
        .arg("test")
        .args(args)
        .env("PATH", bin)
        .env_remove("CHROME_PATH")
        .output()
        .unwrap()
}

#[test]
fn without_chromium_and_without_apt_the_test_command_stops_at_once_with_the_command_to_run() {
    let tmp = tempfile::tempdir().unwrap();
    machine_without_chromium(tmp.path());
    let output = xtask_test(tmp.path(), &[]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success(), "{stderr}");
    assert!(
        stderr.contains("the browser tests need Chromium, which this machine lacks"),
        "{stderr}"
    );
    assert!(
        stderr.contains("\n  apt-get update -qq && apt-get install -y -qq chromium\n"),
        "{stderr}"
    );
    assert!(stderr.contains("cargo xtask test --no-browser"), "{stderr}");
    // It stopped before the Rust tests: cargo was never started.
    assert!(!stderr.contains("cargo test"), "{stderr}");
    assert!(!stderr.contains("test result"), "{stderr}");
}

#[test]
fn chrome_path_names_the_browser() {
    let tmp = tempfile::tempdir().unwrap();
    machine_without_chromium(tmp.path());
    let browser = script(tmp.path(), "my-browser", "exit 0");
    let output = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(["test", "--setup"])
        .env("PATH", tmp.path())
        .env("CHROME_PATH", &browser)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    assert!(
        stderr.contains("everything the tests need is installed"),
        "{stderr}"
    );
}

#[test]
fn as_root_with_apt_get_the_missing_packages_are_installed_first() {
    let tmp = tempfile::tempdir().unwrap();
    let bin = tmp.path();
    machine_without_chromium(bin);
    let log = bin.join("apt.log");
    // An apt-get that records its arguments and, on install, provides a
    // Chromium.
    script(
        bin,
        "apt-get",
        &format!(
            "echo \"$@\" >> {log}\ncase \"$1\" in install) printf '#!/bin/sh\\n' > {chromium}; /bin/chmod +x {chromium};; esac",
            log = log.display(),
            chromium = bin.join("chromium").display()
        ),
    );
    let output = xtask_test(bin, &["--setup"]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    // SAFETY: geteuid has no preconditions.
    if unsafe { libc_geteuid() } != 0 {
        // Not root: nothing may be installed; the command says what to run.
        assert!(!output.status.success(), "{stderr}");
        assert!(stderr.contains("install them (as root) with:"), "{stderr}");
        assert!(!log.exists());
        return;
    }
    assert!(output.status.success(), "{stderr}");
    assert!(
        stderr.contains("installing what the browser tests need (Chromium): apt-get update -qq && apt-get install -y -qq chromium"),
        "{stderr}"
    );
    assert_eq!(
        std::fs::read_to_string(&log).unwrap(),
        "update -qq\ninstall -y -qq chromium\n"
    );
}

unsafe extern "C" {
    #[link_name = "geteuid"]
    fn libc_geteuid() -> u32;
}

#[test]
fn a_toolchain_without_the_wasm_target_gets_it_from_rustup_for_that_toolchain() {
    let tmp = tempfile::tempdir().unwrap();
    let sysroot = tmp
        .path()
        .join("home/.rustup/toolchains/stable-x86_64-unknown-linux-gnu");
    std::fs::create_dir_all(sysroot.join("lib/rustlib/x86_64-unknown-linux-gnu/lib")).unwrap();
    let rustc = script(
        tmp.path(),
        "rustc",
        &format!(
            "[ \"$*\" = '--print sysroot' ] && echo {}",
            sysroot.display()
        ),
    );
    let log = tmp.path().join("rustup.log");
    let rustup = script(
        tmp.path(),
        "rustup",
        &format!(
            "echo \"$@\" >> {log}\n/bin/mkdir -p {sysroot}/lib/rustlib/$3/lib",
            log = log.display(),
            sysroot = sysroot.display()
        ),
    );
    let toolchain = toolchain::Rustup {
        rustc,
        rustup: rustup.clone().into(),
    };
    assert!(!toolchain.has_target(toolchain::WASM_TARGET).unwrap());
    toolchain::ensure_target(&toolchain, toolchain::WASM_TARGET).unwrap();
    assert_eq!(
        std::fs::read_to_string(&log).unwrap(),
        "target add wasm32-unknown-unknown --toolchain stable-x86_64-unknown-linux-gnu\n"
    );
    assert!(toolchain.has_target(toolchain::WASM_TARGET).unwrap());
    // Installed now: a second build asks for nothing.
    toolchain::ensure_target(&toolchain, toolchain::WASM_TARGET).unwrap();
    assert_eq!(std::fs::read_to_string(&log).unwrap().lines().count(), 1);
}

#[test]
fn a_rustup_that_fails_leaves_the_command_to_run_by_hand() {
    let tmp = tempfile::tempdir().unwrap();
    let sysroot = tmp.path().join("toolchains/stable-aarch64-apple-darwin");
    std::fs::create_dir_all(&sysroot).unwrap();
    let rustc = script(tmp.path(), "rustc", &format!("echo {}", sysroot.display()));
    let rustup = script(
        tmp.path(),
        "rustup",
        "echo 'error: could not download' >&2; exit 1",
    );
    let error = toolchain::ensure_target(
        &toolchain::Rustup {
            rustc,
            rustup: rustup.clone().into(),
        },
        toolchain::WASM_TARGET,
    )
    .unwrap_err();
    assert!(
        error.contains(&format!(
            "run `{} target add wasm32-unknown-unknown --toolchain stable-aarch64-apple-darwin` yourself",
            rustup.display()
        )),
        "{error}"
    );
}
