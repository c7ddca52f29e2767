//! Writing the site atomically. Everything is written into a fresh
//! directory beside the target, then swapped in with renames; a failed or
//! interrupted build leaves the previous output as it was. The target is
//! checked first so a mistyped `--out` can never replace the content, the
//! repository or a directory tokenbook did not create.

use std::fs;
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use tokenbook_site::OutputFile;

/// The file that marks a directory as tokenbook's output.
const MARKER: &str = ".tokenbook-output";

/// A checked output location.
pub(crate) struct Plan {
    target: PathBuf,
    parent: PathBuf,
    name: String,
}

impl Plan {
    /// Checks that `out` may be replaced.
    pub(crate) fn new(
        out: &Path,
        content: &Path,
        static_dir: &Path,
        repo: &Path,
    ) -> Result<Plan, String> {
        let target = absolute(out)?;
        let name = target
            .file_name()
            .and_then(|n| n.to_str())
            .ok_or_else(|| format!("--out {} has no usable directory name", out.display()))?
            .to_string();
        let parent = target
            .parent()
            .map(Path::to_path_buf)
            .ok_or("--out cannot be the file system root")?;
        for (what, other) in [
            ("content", content),
            ("static", static_dir),
            ("repository", repo),
        ] {
            let Ok(other) = absolute(other) else { continue };
            if other.starts_with(&target) {
                return Err(format!(
                    "refusing to write the site to {}: it is or contains the {what} directory {}; pick another --out",
                    target.display(),
                    other.display()
                ));
            }
            // Inside content or static, the site would be read back as
            // content or copied into itself on the next build.
            if what != "repository" && target.starts_with(&other) {
                return Err(format!(
                    "refusing to write the site to {}: it is inside the {what} directory {}; pick another --out",
                    target.display(),
                    other.display()
                ));
            }
        }
        if target.exists() {
            if !target.is_dir() {
                return Err(format!(
                    "--out {} is a file, not a directory",
                    target.display()
                ));
            }
            let empty = fs::read_dir(&target)
                .map_err(|e| format!("{}: {e}", target.display()))?
                .next()
                .is_none();
            if !empty && !target.join(MARKER).exists() {
                return Err(format!(
                    "refusing to replace {}: it is not empty and was not made by tokenbook; remove it or pick another --out",
                    target.display()
                ));
            }
        }
        fs::create_dir_all(&parent)
            .map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
        Ok(Plan {
            target,
            parent,
            name,
        })
    }

    /// Writes the generated files and copies (source path, site path), then
    /// swaps the result in.
    pub(crate) fn write(
        &self,
        files: &[OutputFile],
        copies: &[(PathBuf, String)],
    ) -> Result<(), String> {
        self.clean_leftovers();
        let pid = std::process::id();
        let fresh = self
            .parent
            .join(format!(".{}.tokenbook-tmp-{pid}", self.name));
        let old = self
            .parent
            .join(format!(".{}.tokenbook-old-{pid}", self.name));
        let _ = fs::remove_dir_all(&fresh);
        let written = fill(&fresh, files, copies);
        if let Err(e) = written {
            let _ = fs::remove_dir_all(&fresh);
            return Err(format!(
                "writing the site failed, the previous output is untouched: {e}"
            ));
        }
        let had_old = self.target.exists();
        if had_old {
            fs::rename(&self.target, &old).map_err(|e| {
                let _ = fs::remove_dir_all(&fresh);
                format!("cannot move the previous output aside: {e}")
            })?;
        }
        if let Err(e) = fs::rename(&fresh, &self.target) {
            if had_old {
                let _ = fs::rename(&old, &self.target);
            }
            let _ = fs::remove_dir_all(&fresh);
            return Err(format!(
                "cannot move the new site into place, the previous output is untouched: {e}"
            ));
        }
        if had_old {
            let _ = fs::remove_dir_all(&old);
        }
        Ok(())
    }

    /// Removes directories left by builds that were killed mid-way.
    fn clean_leftovers(&self) {
        let Ok(entries) = fs::read_dir(&self.parent) else {
            return;
        };
        let prefixes = [
            format!(".{}.tokenbook-tmp-", self.name),
            format!(".{}.tokenbook-old-", self.name),
        ];
        for entry in entries.flatten() {
            let name = entry.file_name();
            let name = name.to_string_lossy();
            if prefixes.iter().any(|p| name.starts_with(p.as_str())) {
                let _ = fs::remove_dir_all(entry.path());
            }
        }
    }
}

fn fill(dir: &Path, files: &[OutputFile], copies: &[(PathBuf, String)]) -> std::io::Result<()> {
    fs::create_dir_all(dir)?;
    fs::write(
        dir.join(MARKER),
        "This directory is generated by `cargo xtask build` and replaced on every build.\n",
    )?;
    files.par_iter().try_for_each(|file| {
        let path = dir.join(&file.path);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent)?;
        }
        fs::write(path, &file.contents)
    })?;
    copies.par_iter().try_for_each(|(from, rel)| {
        let path = dir.join(rel);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent)?;
        }
        fs::copy(from, path).map(|_| ())
    })
}

/// `path` made absolute and normalised without requiring it to exist.
fn absolute(path: &Path) -> Result<PathBuf, String> {
    let joined = std::path::absolute(path).map_err(|e| format!("{}: {e}", path.display()))?;
    // Resolve symlinks in the part that exists, keep the rest as written.
    let mut existing = joined.clone();
    let mut rest = Vec::new();
    while !existing.exists() {
        match (existing.file_name(), existing.parent()) {
            (Some(name), Some(parent)) => {
                rest.push(name.to_os_string());
                existing = parent.to_path_buf();
            }
            _ => break,
        }
    }
    let mut resolved = existing.canonicalize().unwrap_or(existing);
    for name in rest.into_iter().rev() {
        resolved.push(name);
    }
    Ok(resolved)
}
