//! The site's two WebAssembly modules, the playground's (`tokenbook-wasm`)
//! and the OAuth lab's (`tokenbook-lab-wasm`, fetched only by pages with
//! exercises): each compiled for `wasm32-unknown-unknown` on its own (so
//! the lab's RS256 signing does not reach the playground through feature
//! unification) with the size-optimised `wasm-release` profile,
//! then bound for the browser by `xtask-bindgen` (the
//! `wasm-bindgen-cli-support` library pinned to the same version as
//! `wasm-bindgen`, in a binary of its own), then shrunk with `wasm-opt -Oz`
//! from npm's `binaryen` (pinned in `xtask/tools`; Debian's older wasm-opt
//! corrupts externref tables), and its JavaScript glue minified with npm's
//! `terser` (pinned there too: about 1.2 KB gzipped less per module).
//! Skipped when none of its inputs changed.

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
    minify_glue(root, &staging.join(format!("{}.js", module.stem)))?;
    let _ = std::fs::remove_dir_all(&pkg);
    std::fs::rename(&staging, &pkg).at_path(&pkg)?;
    std::fs::write(&stamp_file, stamp).at_path(&stamp_file)?;
    Ok(files)
}

/// The build tool `name` of `xtask/tools`, installed with `npm ci` on first
/// use (wasm-opt and terser come together); `None`, with a note saying
/// what is `skipped`, without npm.
fn build_tool(root: &Path, name: &str, skipped: &str) -> Option<PathBuf> {
    let tools = root.join("xtask/tools");
    let tool = tools.join("node_modules/.bin").join(name);
    if !tool.exists() {
        eprintln!(
            "installing the build tools pinned in xtask/tools (npm's binaryen and terser) to shrink the WebAssembly modules"
        );
        let installed = Command::new("npm")
            .args(["ci", "--no-audit", "--no-fund", "--silent"])
            .current_dir(&tools)
            .status()
            .is_ok_and(|s| s.success());
        if !installed || !tool.exists() {
            eprintln!(
                "note: skipped {skipped}: {name} is not available (npm ci in {} failed or npm is missing); the site works, only larger",
                tools.display()
            );
            return None;
        }
    }
    Some(tool)
}

/// Minifies wasm-bindgen's JavaScript glue in place with terser, as an ES
/// module: comments and whitespace go, local names shrink; the exports and
/// the names the WebAssembly imports stay.
fn minify_glue(root: &Path, glue: &Path) -> Result<(), String> {
    let Some(terser) = build_tool(root, "terser", "minifying the modules' JavaScript glue") else {
        return Ok(());
    };
    let mut command = Command::new(&terser);
    command
        .arg(glue)
        .args(["--module", "--compress", "--mangle", "--output"])
        .arg(glue);
    run_on(command, &terser, glue)
}

/// Runs `command` (the build tool `tool` working on `file`); `Err` names
/// the tool and the file when it cannot start or fails.
fn run_on(mut command: Command, tool: &Path, file: &Path) -> Result<(), String> {
    let status = command
        .status()
        .map_err(|e| format!("cannot run {}: {e}", tool.display()))?;
    if status.success() {
        Ok(())
    } else {
        let name = tool.file_name().unwrap_or_default().to_string_lossy();
        Err(format!("{name} failed on {} ({status})", file.display()))
    }
}

/// Runs `wasm-opt -Oz` on the module in place, installing binaryen from
/// npm on first use. Without Node.js the module stays as wasm-bindgen wrote
/// it (about 15% larger), with a note.
fn optimise(root: &Path, module: &Path) -> Result<(), String> {
    let Some(wasm_opt) = build_tool(root, "wasm-opt", "shrinking the WebAssembly modules") else {
        return Ok(());
    };
    // The features Rust's wasm32 target emits; wasm-opt must keep to them.
    let mut command = Command::new(&wasm_opt);
    command
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
        .arg(module);
    run_on(command, &wasm_opt, module)
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
