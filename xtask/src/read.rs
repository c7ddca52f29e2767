//! Reading the content and static directories into memory with walkdir.
//! Unreadable files become diagnostics, not failures of the whole run.

use std::path::{Path, PathBuf};

use tokenbook_site::{Diagnostic, SourceFile};
use walkdir::WalkDir;

/// What the content directory holds.
pub(crate) struct Content {
    /// Lessons, `site.toml` and `_part.toml` files.
    pub(crate) sources: Vec<SourceFile>,
    /// Other files: relative path and where they are.
    pub(crate) assets: Vec<(String, PathBuf)>,
    /// Files that could not be read.
    pub(crate) diagnostics: Vec<Diagnostic>,
}

/// Reads every file of the content directory, skipping hidden files and
/// editor backups.
pub(crate) fn content(dir: &Path) -> Result<Content, String> {
    if !dir.is_dir() {
        return Err(format!(
            "the content directory {} does not exist; create it or pass --content DIR",
            dir.display()
        ));
    }
    let mut content = Content {
        sources: Vec::new(),
        assets: Vec::new(),
        diagnostics: Vec::new(),
    };
    for (rel, path) in files(dir, &mut content.diagnostics) {
        let name = rel.rsplit('/').next().unwrap_or(&rel);
        if name.ends_with(".md") || name == "site.toml" || name == "_part.toml" {
            match std::fs::read(&path) {
                Ok(bytes) => content.sources.push(SourceFile { path: rel, bytes }),
                Err(e) => content.diagnostics.push(
                    Diagnostic::error(rel, format!("cannot read the file: {e}"))
                        .with_hint("check its permissions"),
                ),
            }
        } else {
            content.assets.push((rel, path));
        }
    }
    Ok(content)
}

/// The files of the static directory: site path and where they are.
pub(crate) fn static_files(dir: &Path) -> Result<Vec<(String, PathBuf)>, String> {
    if !dir.is_dir() {
        return Err(format!(
            "the static directory {} does not exist; pass --static DIR",
            dir.display()
        ));
    }
    let mut problems = Vec::new();
    let found = files(dir, &mut problems);
    match problems.first() {
        Some(problem) => Err(format!(
            "{}: {}",
            dir.join(&problem.path).display(),
            problem.message
        )),
        None => Ok(found),
    }
}

/// Every regular file below `dir`, sorted, as (relative `/` path, path).
fn files(dir: &Path, diagnostics: &mut Vec<Diagnostic>) -> Vec<(String, PathBuf)> {
    let mut found = Vec::new();
    let walker = WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !is_hidden(e.file_name().to_str().unwrap_or("")));
    for entry in walker {
        let entry = match entry {
            Ok(entry) => entry,
            Err(e) => {
                let rel = e
                    .path()
                    .and_then(|p| p.strip_prefix(dir).ok())
                    .map(|p| p.display().to_string())
                    .unwrap_or_default();
                diagnostics.push(Diagnostic::error(rel, format!("cannot read: {e}")));
                continue;
            }
        };
        if entry.file_type().is_dir() {
            continue;
        }
        let Ok(rel) = entry.path().strip_prefix(dir) else {
            continue;
        };
        let Some(rel) = rel.to_str().map(|s| s.replace('\\', "/")) else {
            diagnostics.push(
                Diagnostic::error(
                    rel.display().to_string(),
                    "the file name is not valid UTF-8",
                )
                .with_hint("rename the file"),
            );
            continue;
        };
        if entry.file_type().is_symlink() {
            diagnostics.push(
                Diagnostic::warning(rel, "symbolic link skipped")
                    .with_hint("copy the file into the directory instead"),
            );
            continue;
        }
        found.push((rel, entry.into_path()));
    }
    found
}

fn is_hidden(name: &str) -> bool {
    name.starts_with('.') || name.ends_with('~') || name.ends_with(".swp")
}
