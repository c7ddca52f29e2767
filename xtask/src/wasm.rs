//! The playground's WebAssembly: `tokenbook-wasm` compiled for
//! `wasm32-unknown-unknown` with the size-optimised `wasm-release` profile,
//! then bound for the browser through the `wasm-bindgen-cli-support`
//! library (pinned to the same version as `wasm-bindgen`, so no separately
//! installed CLI can drift). Skipped when none of its inputs changed.

use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::process::Command;

use walkdir::WalkDir;

/// The files the site needs: where they are, and their site paths.
pub(crate) fn build(root: &Path) -> Result<Vec<(PathBuf, String)>, String> {
    let work = root.join("target/tokenbook-wasm");
    let pkg = work.join("pkg");
    let stamp_file = work.join("stamp");
    let stamp = format!("{:016x}", inputs_hash(root));
    let outputs = [("tokenbook_wasm_bg.wasm", "wasm/tokenbook_wasm_bg.wasm"), ("tokenbook_wasm.js", "wasm/tokenbook_wasm.js")];
    let files: Vec<(PathBuf, String)> = outputs.iter().map(|(name, site)| (pkg.join(name), site.to_string())).collect();
    let fresh = std::fs::read_to_string(&stamp_file).is_ok_and(|s| s == stamp) && files.iter().all(|(p, _)| p.exists());
    if fresh {
        return Ok(files);
    }

    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_string());
    let status = Command::new(cargo)
        .args(["build", "--quiet", "--package", "tokenbook-wasm", "--target", "wasm32-unknown-unknown", "--profile", "wasm-release"])
        .current_dir(root)
        .status()
        .map_err(|e| format!("cannot run cargo to build the playground: {e}"))?;
    if !status.success() {
        return Err(format!(
            "building the playground's WebAssembly failed ({status}); is the target installed? rustup target add wasm32-unknown-unknown"
        ));
    }
    let input = root.join("target/wasm32-unknown-unknown/wasm-release/tokenbook_wasm.wasm");
    // Generate beside the final place, then swap, so a concurrent build
    // never sees half the files.
    let staging = work.join(format!("pkg-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&staging);
    wasm_bindgen_cli_support::Bindgen::new()
        .input_path(&input)
        .web(true)
        .map_err(|e| format!("wasm-bindgen: {e}"))?
        .omit_default_module_path(false)
        .typescript(false)
        .generate(&staging)
        .map_err(|e| format!("wasm-bindgen on {}: {e}", input.display()))?;
    let _ = std::fs::remove_dir_all(&pkg);
    std::fs::rename(&staging, &pkg).map_err(|e| format!("{}: {e}", pkg.display()))?;
    std::fs::write(&stamp_file, stamp).map_err(|e| format!("{}: {e}", stamp_file.display()))?;
    Ok(files)
}

/// A hash of everything the module is built from: both crates' files, the
/// workspace manifest, the lock file and the toolchain file.
fn inputs_hash(root: &Path) -> u64 {
    let mut hasher = DefaultHasher::new();
    let mut paths: Vec<PathBuf> = ["crates/tokenbook-wasm", "crates/tokenbook-token"]
        .iter()
        .flat_map(|dir| WalkDir::new(root.join(dir)).into_iter().flatten())
        .filter(|e| e.file_type().is_file())
        .map(|e| e.into_path())
        .collect();
    paths.extend(["Cargo.toml", "Cargo.lock", "rust-toolchain.toml"].iter().map(|f| root.join(f)));
    paths.sort();
    for path in paths {
        path.hash(&mut hasher);
        std::fs::read(&path).unwrap_or_default().hash(&mut hasher);
    }
    hasher.finish()
}
