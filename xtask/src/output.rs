//! Writing the site atomically. Everything is written into a staging
//! directory beside the target (the build before last, so only changed
//! files are rewritten), then swapped in: in one step where the system can
//! exchange two directories (Linux's `renameat2` with `RENAME_EXCHANGE`),
//! else with two renames, and a run that finds the target missing after an
//! interrupted two-rename swap puts the previous site back first. A failed
//! or interrupted build leaves the previous output as it was. The target is
//! checked first so a mistyped `--out` can never replace the content, the
//! repository, a directory tokenbook did not create, or one the user made
//! read-only. Every write error names its file.
//!
//! `serve` writes in place instead, file by file, with [`replace_file`]
//! and [`remove_file`]: every write into an output directory is here.

use std::collections::HashSet;
use std::fs;
use std::path::{Path, PathBuf};

use crate::fail::AtPath as _;
use rayon::prelude::*;
use tokenbook_site::OutputFile;

/// The file that marks a directory as tokenbook's output.
const MARKER: &str = ".tokenbook-output";

/// A checked output location.
pub struct Plan {
    target: PathBuf,
    parent: PathBuf,
    name: String,
}

impl Plan {
    /// Checks that `out` may be replaced.
    pub fn new(out: &Path, content: &Path, static_dir: &Path, repo: &Path) -> Result<Plan, String> {
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
            if fs::metadata(&target)
                .at_path(&target)?
                .permissions()
                .readonly()
            {
                return Err(format!(
                    "--out {} is read-only, and tokenbook does not replace a folder you protected: make it writable (chmod u+w {}) or pick another --out",
                    target.display(),
                    target.display()
                ));
            }
            let empty = fs::read_dir(&target).at_path(&target)?.next().is_none();
            if !empty && !target.join(MARKER).exists() {
                return Err(format!(
                    "refusing to replace {}: it is not empty and was not made by tokenbook; remove it or pick another --out",
                    target.display()
                ));
            }
        }
        fs::create_dir_all(&parent)
            .map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
        let plan = Plan {
            target,
            parent,
            name,
        };
        // Before the build, which may fail: its failure must not leave the
        // site of an interrupted swap unrestored.
        if let Ok(lock) = fs::File::open(&plan.parent)
            && lock.lock().is_ok()
        {
            plan.recover_interrupted_swap();
        }
        Ok(plan)
    }

    /// Writes the generated files and copies (source path, site path), then
    /// swaps the result in.
    ///
    /// The site is written into a staging directory beside the target,
    /// `.NAME.tokenbook-stage`, which holds the build before the last one:
    /// only files whose bytes differ are written, files no longer part of
    /// the site are deleted, and then the staging directory and the target
    /// trade places with renames. A failed or interrupted build never
    /// touches the target. Rewriting only what changed spares the file
    /// system creating and deleting thousands of files on every build (on
    /// ext4 that cost more than rendering the site). A lock keeps two builds
    /// into the same directory from sharing the staging directory.
    pub fn write(&self, files: &[OutputFile], copies: &[(PathBuf, String)]) -> Result<(), String> {
        // The lock is on the parent directory itself (it outlives every
        // rename below, and leaves no file behind).
        let lock = fs::File::open(&self.parent).at_path(&self.parent)?;
        lock.lock()
            .map_err(|e| format!("cannot lock {}: {e}", self.parent.display()))?;
        self.recover_interrupted_swap();
        self.clean_leftovers();
        let stage = self.stage();
        let old = self.parent.join(format!(
            ".{}.tokenbook-old-{}",
            self.name,
            std::process::id()
        ));
        // The staging folder is ours: when it cannot be brought up to date
        // (something else stands at its name, or it was damaged), it is
        // rebuilt from nothing once before the build gives up.
        if sync(&stage, files, copies).is_err() {
            remove_anything(&stage);
            if let Err(e) = sync(&stage, files, copies) {
                remove_anything(&stage);
                return Err(format!(
                    "writing the site failed, the previous output is untouched: {e}"
                ));
            }
        }
        let had_old = self.target.exists();
        if had_old && exchange(&stage, &self.target) {
            // One atomic step: the target is the new site, and the staging
            // folder the previous one, ready for the next build.
            return Ok(());
        }
        if had_old {
            fs::rename(&self.target, &old)
                .map_err(|e| format!("cannot move the previous output aside: {e}"))?;
        }
        if let Err(e) = fs::rename(&stage, &self.target) {
            if had_old {
                let _ = fs::rename(&old, &self.target);
            }
            return Err(format!(
                "cannot move the new site into place, the previous output is untouched: {e}"
            ));
        }
        // The previous site becomes the next build's staging directory.
        if had_old && fs::rename(&old, &stage).is_err() {
            let _ = fs::remove_dir_all(&old);
        }
        Ok(())
    }

    /// Where the next build is prepared.
    fn stage(&self) -> PathBuf {
        self.parent.join(format!(".{}.tokenbook-stage", self.name))
    }

    /// A build killed between the two renames of a swap left the target
    /// missing and the previous site under `.NAME.tokenbook-old-PID`: puts
    /// the newest such site back, so no later failure can leave no site.
    fn recover_interrupted_swap(&self) {
        if fs::symlink_metadata(&self.target).is_ok() {
            return;
        }
        let prefix = format!(".{}.tokenbook-old-", self.name);
        let Ok(entries) = fs::read_dir(&self.parent) else {
            return;
        };
        let newest = entries
            .flatten()
            .filter(|entry| entry.file_name().to_string_lossy().starts_with(&prefix))
            .filter(|entry| entry.path().join(MARKER).is_file())
            .max_by_key(|entry| entry.metadata().and_then(|m| m.modified()).ok());
        if let Some(old) = newest
            && fs::rename(old.path(), &self.target).is_ok()
        {
            eprintln!(
                "restored {} from {}, left by a build that was interrupted while swapping it in",
                self.target.display(),
                old.path().display()
            );
        }
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

/// Swaps the directories `a` and `b` in one step, where the system can.
#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> bool {
    use rustix::fs::{CWD, RenameFlags, renameat_with};
    renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE).is_ok()
}

/// Swaps the directories `a` and `b` in one step, where the system can.
#[cfg(not(target_os = "linux"))]
fn exchange(_a: &Path, _b: &Path) -> bool {
    false
}

/// Removes whatever is at `path`: a file, a link, or a folder tree, first
/// making its folders writable again (a tree copied from a read-only
/// output keeps its modes).
fn remove_anything(path: &Path) {
    let Ok(meta) = fs::symlink_metadata(path) else {
        return;
    };
    if !meta.is_dir() {
        let _ = fs::remove_file(path);
        return;
    }
    if fs::remove_dir_all(path).is_ok() {
        return;
    }
    for entry in walkdir::WalkDir::new(path).into_iter().flatten() {
        if entry.file_type().is_dir() {
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt as _;
                let _ = fs::set_permissions(entry.path(), fs::Permissions::from_mode(0o700));
            }
        }
    }
    let _ = fs::remove_dir_all(path);
}

/// Makes `dir` hold exactly `files`, `copies` and the marker: deletes what
/// is not part of the site, then writes what is missing or differs. An
/// error names the file it happened at (and, for a copy, its source).
fn sync(dir: &Path, files: &[OutputFile], copies: &[(PathBuf, String)]) -> Result<(), String> {
    fs::create_dir_all(dir).at_path(dir)?;
    let mut wanted: HashSet<PathBuf> = files
        .iter()
        .map(|f| PathBuf::from(&f.path))
        .chain(copies.iter().map(|(_, rel)| PathBuf::from(rel)))
        .collect();
    wanted.insert(PathBuf::from(MARKER));
    let folders: HashSet<PathBuf> = wanted
        .iter()
        .flat_map(|path| path.ancestors().skip(1))
        .map(Path::to_path_buf)
        .collect();
    prune(dir, Path::new(""), &wanted, &folders)?;
    let marker = dir.join(MARKER);
    write_if_changed(
        &marker,
        b"This directory is generated by `cargo xtask build` and replaced on every build.\n",
    )
    .at_path(&marker)?;
    files.par_iter().try_for_each(|file| {
        let path = dir.join(&file.path);
        write_if_changed(&path, &file.contents).map_err(|e| {
            format!(
                "cannot write {} (site path {:?}): {e}",
                path.display(),
                file.path
            )
        })
    })?;
    copies.par_iter().try_for_each(|(from, rel)| {
        let bytes = crate::read::regular_file(from, u64::MAX).at_path(from)?;
        let path = dir.join(rel);
        write_if_changed(&path, &bytes)
            .map_err(|e| format!("cannot copy {} to {}: {e}", from.display(), path.display()))
    })
}

/// Deletes what is in `dir` (at `rel` in the site) and is neither a wanted
/// file nor a folder holding one; folders are pruned in parallel. A folder
/// that holds no wanted file goes whole, so none is left empty.
fn prune(
    dir: &Path,
    rel: &Path,
    files: &HashSet<PathBuf>,
    folders: &HashSet<PathBuf>,
) -> Result<(), String> {
    let entries = fs::read_dir(dir)
        .and_then(|entries| entries.collect::<std::io::Result<Vec<_>>>())
        .at_path(dir)?;
    entries.par_iter().try_for_each(|entry| {
        let path = entry.path();
        let rel = rel.join(entry.file_name());
        // Not following symlinks: a link is removed like a file.
        if entry.file_type().at_path(&path)?.is_dir() {
            if folders.contains(&rel) {
                prune(&path, &rel, files, folders)
            } else {
                fs::remove_dir_all(&path).at_path(&path)
            }
        } else if files.contains(&rel) {
            Ok(())
        } else {
            fs::remove_file(&path).at_path(&path)
        }
    })
}

/// Writes `contents` to `path` unless the file already holds exactly them.
/// Anything else in the way (a directory, a symlink) is removed first.
fn write_if_changed(path: &Path, contents: &[u8]) -> std::io::Result<()> {
    match fs::symlink_metadata(path) {
        Ok(meta) if meta.is_file() => {
            if meta.len() == contents.len() as u64 && fs::read(path)? == contents {
                return Ok(());
            }
        }
        Ok(meta) if meta.is_dir() => fs::remove_dir_all(path)?,
        Ok(_) => fs::remove_file(path)?,
        Err(_) => {
            if let Some(parent) = path.parent() {
                fs::create_dir_all(parent)?;
            }
        }
    }
    fs::write(path, contents)
}

/// `path` made absolute and normalised without requiring it to exist.
fn absolute(path: &Path) -> Result<PathBuf, String> {
    let joined = std::path::absolute(path).at_path(path)?;
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

/// Writes `bytes` at site path `rel` of `out` in place, through a
/// temporary file and a rename, so `serve` never serves a page
/// half-written. Nothing is written through a symlink: a link (or a file)
/// where a folder of the path should be is replaced by a folder, and a link
/// at the page's own path is replaced by the page.
pub fn replace_file(out: &Path, rel: &str, bytes: &[u8]) -> Result<(), String> {
    let path = out.join(rel);
    let mut folder = out.to_path_buf();
    let parents: Vec<_> = Path::new(rel)
        .parent()
        .into_iter()
        .flat_map(Path::components)
        .collect();
    for part in parents {
        folder.push(part);
        match fs::symlink_metadata(&folder) {
            Ok(meta) if meta.is_dir() => continue,
            Ok(_) => fs::remove_file(&folder).at_path(&folder)?,
            Err(_) => {}
        }
        fs::create_dir(&folder).at_path(&folder)?;
    }
    let temporary = path.with_extension("tokenbook-tmp");
    // A new file, never an existing one or whatever a link names.
    let _ = fs::remove_file(&temporary);
    let mut file = fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&temporary)
        .at_path(&temporary)?;
    std::io::Write::write_all(&mut file, bytes).at_path(&temporary)?;
    drop(file);
    fs::rename(&temporary, &path).at_path(&path)
}

/// Removes the file at site path `rel` and the folders it leaves empty.
/// Where a folder of the path is a symlink, the link goes, never anything
/// it points at.
pub fn remove_file(out: &Path, rel: &str) {
    let mut folder = out.to_path_buf();
    for part in Path::new(rel)
        .parent()
        .into_iter()
        .flat_map(Path::components)
    {
        folder.push(part);
        match fs::symlink_metadata(&folder) {
            Ok(meta) if meta.is_dir() => {}
            Ok(_) => {
                let _ = fs::remove_file(&folder);
                return;
            }
            Err(_) => return,
        }
    }
    let path = out.join(rel);
    if fs::remove_file(&path).is_err() {
        return;
    }
    let mut dir = path.parent();
    while let Some(d) = dir.filter(|d| *d != out && d.starts_with(out)) {
        if fs::remove_dir(d).is_err() {
            break;
        }
        dir = d.parent();
    }
}
