//! The site's two WebAssembly modules, the playground's (`tokenbook-wasm`)
//! and the OAuth lab's (`tokenbook-lab-wasm`, fetched only by pages with
//! exercises): each compiled for `wasm32-unknown-unknown` on its own (so
//! the lab's RS256 signing does not reach the playground through feature
//! unification) with the size-optimised `wasm-release` profile,
//! then bound for the browser by `xtask-bindgen` (the
//! `wasm-bindgen-cli-support` library pinned to the same version as
//! `wasm-bindgen`, in a binary of its own), then shrunk with `wasm-opt -Oz`
//! from npm's `binaryen` (pinned in `xtask/tools`; Debian's older wasm-opt
//! corrupts externref tables). Skipped when none of its inputs changed.

use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::fail::AtPath as _;
use walkdir::WalkDir;

/// One module: its package, the file stem cargo and wasm-bindgen give it,
/// how messages name it, and the crates it is built from.
struct Module {
    package: &'static str,
    stem: &'static str,
    what: &'static str,
    sources: &'static [&'static str],
}

const MODULES: [Module; 2] = [
    Module {
        package: "tokenbook-wasm",
        stem: "tokenbook_wasm",
        what: "the playground",
        sources: &["crates/tokenbook-wasm", "crates/tokenbook-token"],
    },
    Module {
        package: "tokenbook-lab-wasm",
        stem: "tokenbook_lab_wasm",
        what: "the OAuth lab",
        sources: &[
            "crates/tokenbook-lab-wasm",
            "crates/tokenbook-lab",
            "crates/tokenbook-token",
        ],
    },
];

/// The files the site needs: where they are, and their site paths.
pub fn build(root: &Path) -> Result<Vec<(PathBuf, String)>, String> {
    let mut files = Vec::new();
    for module in &MODULES {
        files.extend(build_module(root, module)?);
    }
    Ok(files)
}

fn build_module(root: &Path, module: &Module) -> Result<Vec<(PathBuf, String)>, String> {
    let work = root.join("target").join(module.package);
    let pkg = work.join("pkg");
    let stamp_file = work.join("stamp");
    let stamp = format!("{:016x}", inputs_hash(root, module.sources));
    let files: Vec<(PathBuf, String)> = [
        format!("{}_bg.wasm", module.stem),
        format!("{}.js", module.stem),
    ]
    .into_iter()
    .map(|name| (pkg.join(&name), format!("wasm/{name}")))
    .collect();
    let fresh = std::fs::read_to_string(&stamp_file).is_ok_and(|s| s == stamp)
        && files.iter().all(|(p, _)| p.exists());
    if fresh {
        return Ok(files);
    }

    crate::toolchain::ensure_target(
        &crate::toolchain::Rustup::of_running_cargo(),
        crate::toolchain::WASM_TARGET,
    )?;
    let what = module.what;
    eprintln!(
        "compiling the WebAssembly of {what} ({}, optimised for size; the first time takes a few minutes)",
        module.package
    );
    let status = crate::quiet_cargo(root)
        .args(["build", "--package", module.package, "--target"])
        .args([crate::toolchain::WASM_TARGET, "--profile", "wasm-release"])
        .status()
        .map_err(|e| format!("cannot run cargo to build {what}: {e}"))?;
    if !status.success() {
        return Err(format!(
            "compiling the WebAssembly of {what} failed ({status}); cargo's messages above say why"
        ));
    }
    let input = root
        .join("target/wasm32-unknown-unknown/wasm-release")
        .join(format!("{}.wasm", module.stem));
    // Generate beside the final place, then swap, so a concurrent build
    // never sees half the files.
    let staging = work.join(format!("pkg-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&staging);
    let status = crate::quiet_cargo(root)
        .args(["run", "--package", "xtask-bindgen", "--"])
        .arg(&input)
        .arg(&staging)
        .status()
        .map_err(|e| format!("cannot run cargo to bind {what}: {e}"))?;
    if !status.success() {
        return Err(format!(
            "binding the WebAssembly of {what} for the browser failed ({status})"
        ));
    }
    optimise(root, &staging.join(format!("{}_bg.wasm", module.stem)))?;
    let _ = std::fs::remove_dir_all(&pkg);
    std::fs::rename(&staging, &pkg).at_path(&pkg)?;
    std::fs::write(&stamp_file, stamp).at_path(&stamp_file)?;
    Ok(files)
}

/// Runs `wasm-opt -Oz` on the module in place, installing binaryen from
/// npm on first use. Without Node.js the module stays as wasm-bindgen wrote
/// it (about 15% larger), with a note.
fn optimise(root: &Path, module: &Path) -> Result<(), String> {
    let tools = root.join("xtask/tools");
    let wasm_opt = tools.join("node_modules/.bin/wasm-opt");
    if !wasm_opt.exists() {
        eprintln!(
            "installing wasm-opt (npm's binaryen, pinned in xtask/tools) to shrink the playground"
        );
        let installed = Command::new("npm")
            .args(["ci", "--no-audit", "--no-fund", "--silent"])
            .current_dir(&tools)
            .status()
            .is_ok_and(|s| s.success());
        if !installed || !wasm_opt.exists() {
            eprintln!(
                "note: skipped shrinking the playground's WebAssembly: wasm-opt is not available (npm ci in {} failed or npm is missing); the site works, its module is about 15% larger",
                tools.display()
            );
            return Ok(());
        }
    }
    // The features Rust's wasm32 target emits; wasm-opt must keep to them.
    let status = Command::new(&wasm_opt)
        .args([
            "-Oz",
            "--enable-bulk-memory",
            "--enable-mutable-globals",
            "--enable-nontrapping-float-to-int",
        ])
        .args([
            "--enable-sign-ext",
            "--enable-reference-types",
            "--enable-multivalue",
            "-o",
        ])
        .arg(module)
        .arg(module)
        .status()
        .map_err(|e| format!("cannot run {}: {e}", wasm_opt.display()))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!(
            "wasm-opt failed on {} ({status})",
            module.display()
        ))
    }
}

/// A hash of everything a module is built from: its crates' files, the
/// binding tool, the workspace manifest, the lock file and the toolchain file.
fn inputs_hash(root: &Path, sources: &[&str]) -> u64 {
    let mut hasher = DefaultHasher::new();
    let mut paths: Vec<PathBuf> = sources
        .iter()
        .chain(&["xtask/bindgen"])
        .flat_map(|dir| WalkDir::new(root.join(dir)).into_iter().flatten())
        .filter(|e| e.file_type().is_file())
        .map(|e| e.into_path())
        .collect();
    paths.extend(
        [
            "Cargo.toml",
            "Cargo.lock",
            "rust-toolchain.toml",
            "xtask/tools/package-lock.json",
            "xtask/src/wasm.rs",
        ]
        .iter()
        .map(|f| root.join(f)),
    );
    paths.sort();
    for path in paths {
        path.hash(&mut hasher);
        std::fs::read(&path).unwrap_or_default().hash(&mut hasher);
    }
    hasher.finish()
}
