//! Reading the content and static directories into memory with walkdir.
//! Unreadable files become diagnostics, not failures of the whole run.
//!
//! [`Tree`] remembers what the content directory held, so `serve` can
//! re-read only the paths its watcher reports (a file, or a whole folder
//! created, deleted or renamed) and get the same result as reading it all
//! again.

use std::cmp::Ordering;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use tokenbook_site::{CopiedPage, Diagnostic, Origin, SourceFile};
use walkdir::WalkDir;

/// The largest lesson or TOML file read, in bytes: far above any real
/// lesson (the course's longest is about 30 KB), low enough that a stray
/// log or dump named `.md` is reported instead of rendered.
pub const MAX_SOURCE_BYTES: u64 = 4 * 1024 * 1024;

/// Reads the regular file at `path`, at most `limit` bytes. Anything else
/// (a FIFO, a socket, a device) is refused without blocking: it is opened
/// non-blocking, and checked on the opened handle, so a file swapped for a
/// FIFO after the walk is refused too.
pub fn regular_file(path: &Path, limit: u64) -> std::io::Result<Vec<u8>> {
    use std::io::Read as _;
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        options.custom_flags(libc::O_NONBLOCK);
    }
    let file = options.open(path)?;
    let meta = file.metadata()?;
    if !meta.is_file() {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            NOT_A_FILE,
        ));
    }
    if meta.len() > limit {
        return Err(std::io::Error::new(
            std::io::ErrorKind::FileTooLarge,
            too_large(meta.len(), limit),
        ));
    }
    let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
    file.take(limit.saturating_add(1)).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        return Err(std::io::Error::new(
            std::io::ErrorKind::FileTooLarge,
            too_large(bytes.len() as u64, limit),
        ));
    }
    Ok(bytes)
}

const NOT_A_FILE: &str = "not a regular file (a FIFO, socket or device)";

fn too_large(len: u64, limit: u64) -> String {
    format!(
        "{} MB, more than the {} MB a lesson or TOML file may have",
        len.div_ceil(1024 * 1024),
        limit / (1024 * 1024)
    )
}

/// What the content directory holds.
pub struct Content {
    /// Lessons, `site.toml` and `_part.toml` files.
    pub sources: Vec<SourceFile>,
    /// Other files: relative path and where they are.
    pub assets: Vec<(String, PathBuf)>,
    /// Files that could not be read.
    pub diagnostics: Vec<Diagnostic>,
}

/// Reads every file of the content directory, skipping hidden files and
/// editor backups.
pub fn content(dir: &Path) -> Result<Content, String> {
    let (tree, sources) = Tree::scan(dir)?;
    Ok(Content {
        sources,
        assets: tree.assets(),
        diagnostics: tree.diagnostics(),
    })
}

/// The content directory as last read: every file, in the order a walk
/// visits them, with what it is. Sources' bytes are handed out, not kept.
pub struct Tree {
    root: PathBuf,
    entries: BTreeMap<WalkOrder, Found>,
}

/// A change to the sources since the tree was last read.
pub enum Change {
    /// A source was read (it is new or may have changed).
    Read(SourceFile),
    /// A source is gone.
    Gone(String),
}

#[derive(Clone)]
enum Found {
    /// A lesson, `site.toml` or `_part.toml`.
    Source,
    /// Any other file: where it is.
    Asset(PathBuf),
    /// Found while walking (a symlink, a name that is not UTF-8, an
    /// unreadable folder).
    WalkProblem(Diagnostic),
    /// A source that could not be read.
    ReadProblem(Diagnostic),
}

/// A relative path ordered as a walk sorted by file name visits it:
/// component by component, so `a/x` comes before `a-b/x`.
#[derive(Clone, PartialEq, Eq)]
struct WalkOrder(String);

impl Ord for WalkOrder {
    fn cmp(&self, other: &Self) -> Ordering {
        self.0.split('/').cmp(other.0.split('/'))
    }
}

impl PartialOrd for WalkOrder {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Tree {
    /// Reads the whole content directory.
    pub fn scan(dir: &Path) -> Result<(Tree, Vec<SourceFile>), String> {
        if !dir.is_dir() {
            return Err(format!(
                "the content directory {} does not exist; create it or pass --content DIR",
                dir.display()
            ));
        }
        let mut tree = Tree {
            root: dir.to_path_buf(),
            entries: BTreeMap::new(),
        };
        let mut sources = Vec::new();
        tree.walk(dir, true, Some(&mut sources));
        Ok((tree, sources))
    }

    /// Reads again what is at these paths (relative to the content
    /// directory, `/`-separated; `""` is all of it): files and whole
    /// folders, whether they were changed, created, deleted or renamed.
    /// Returns the sources read and the sources gone, each path once.
    pub fn update(&mut self, paths: &[String]) -> Vec<Change> {
        let mut changes: BTreeMap<String, Change> = BTreeMap::new();
        for rel in paths {
            let rel = rel.trim_matches('/');
            // Everything at or below `rel` is forgotten, then read again.
            let below = format!("{rel}/");
            let stale: Vec<WalkOrder> = if rel.is_empty() {
                self.entries.keys().cloned().collect()
            } else {
                self.entries
                    .range(WalkOrder(rel.to_string())..)
                    .map(|(k, _)| k)
                    .take_while(|k| k.0 == rel || k.0.starts_with(&below))
                    .cloned()
                    .collect()
            };
            for key in stale {
                if let Some(Found::Source) = self.entries.remove(&key) {
                    changes.insert(key.0.clone(), Change::Gone(key.0));
                }
            }
            if is_ignored(rel) {
                continue;
            }
            let path = if rel.is_empty() {
                self.root.clone()
            } else {
                self.root.join(rel)
            };
            let mut read = Vec::new();
            if path.symlink_metadata().is_ok() {
                self.walk(&path, rel.is_empty(), Some(&mut read));
            }
            for file in read {
                changes.insert(file.path.clone(), Change::Read(file));
            }
        }
        changes.into_values().collect()
    }

    /// Content files that are not sources, in walk order: relative path
    /// and where they are.
    pub fn assets(&self) -> Vec<(String, PathBuf)> {
        self.entries
            .iter()
            .filter_map(|(rel, found)| match found {
                Found::Asset(path) => Some((rel.0.clone(), path.clone())),
                _ => None,
            })
            .collect()
    }

    /// What could not be read: problems of the walk, then unreadable
    /// sources, each in walk order.
    pub fn diagnostics(&self) -> Vec<Diagnostic> {
        let walk = self.entries.values().filter_map(|found| match found {
            Found::WalkProblem(d) => Some(d.clone()),
            _ => None,
        });
        let read = self.entries.values().filter_map(|found| match found {
            Found::ReadProblem(d) => Some(d.clone()),
            _ => None,
        });
        walk.chain(read).collect()
    }

    /// Walks `start` (the root, or a path below it) and records what it
    /// finds; sources' contents go to `sources` (without it, every file is
    /// an asset).
    fn walk(&mut self, start: &Path, is_root: bool, mut sources: Option<&mut Vec<SourceFile>>) {
        let walker = WalkDir::new(start)
            .sort_by_file_name()
            // Below the root, a symlink is reported, never followed.
            .follow_root_links(is_root)
            .into_iter()
            .filter_entry(|e| e.depth() == 0 || !is_hidden(e.file_name().to_str().unwrap_or("")));
        // Sources are read after the walk, in parallel: reading a thousand
        // lessons one by one leaves the other cores idle.
        let mut to_read: Vec<(String, PathBuf)> = Vec::new();
        for entry in walker {
            let entry = match entry {
                Ok(entry) => entry,
                // Deleted meanwhile: the watcher reports that too.
                Err(e)
                    if e.io_error().map(std::io::Error::kind)
                        == Some(std::io::ErrorKind::NotFound) =>
                {
                    continue;
                }
                Err(e) => {
                    let rel = e
                        .path()
                        .and_then(|p| p.strip_prefix(&self.root).ok())
                        .map(|p| p.display().to_string())
                        .unwrap_or_default();
                    let problem = Diagnostic::error(
                        "read/unreadable",
                        rel.clone(),
                        format!("cannot read: {e}"),
                    );
                    self.entries
                        .insert(WalkOrder(rel), Found::WalkProblem(problem));
                    continue;
                }
            };
            if entry.file_type().is_dir() {
                continue;
            }
            let Ok(rel) = entry.path().strip_prefix(&self.root) else {
                continue;
            };
            let Some(rel) = rel.to_str().map(|s| s.replace('\\', "/")) else {
                let shown = rel.display().to_string();
                let problem = Diagnostic::error(
                    "read/name-not-utf8",
                    shown.clone(),
                    "the file name is not valid UTF-8",
                )
                .with_hint("rename the file");
                self.entries
                    .insert(WalkOrder(shown), Found::WalkProblem(problem));
                continue;
            };
            if entry.file_type().is_symlink() {
                let problem =
                    Diagnostic::warning("read/symlink", rel.clone(), "symbolic link skipped")
                        .with_hint("copy the file into the directory instead");
                self.entries
                    .insert(WalkOrder(rel), Found::WalkProblem(problem));
                continue;
            }
            if !entry.file_type().is_file() {
                let problem = Diagnostic::error("read/not-a-file", rel.clone(), NOT_A_FILE)
                    .with_hint("remove it, or put an ordinary file in its place");
                self.entries
                    .insert(WalkOrder(rel), Found::WalkProblem(problem));
                continue;
            }
            let name = rel.rsplit('/').next().unwrap_or(&rel);
            let is_source = tokenbook_site::lesson_stem(name).is_some()
                || name == "site.toml"
                || name == "_part.toml";
            if is_source && sources.is_some() {
                to_read.push((rel, entry.into_path()));
            } else {
                self.entries
                    .insert(WalkOrder(rel), Found::Asset(entry.into_path()));
            }
        }
        let read: Vec<(String, std::io::Result<Vec<u8>>)> = to_read
            .into_par_iter()
            .map(|(rel, path)| (rel, regular_file(&path, MAX_SOURCE_BYTES)))
            .collect();
        for (rel, bytes) in read {
            let found = match bytes {
                Ok(bytes) => {
                    if let Some(sources) = sources.as_deref_mut() {
                        sources.push(SourceFile {
                            path: rel.clone(),
                            bytes,
                        });
                    }
                    Found::Source
                }
                Err(e) if e.kind() == std::io::ErrorKind::FileTooLarge => Found::ReadProblem(
                    Diagnostic::error("read/too-large", rel.clone(), format!("the file is {e}"))
                        .with_hint(
                            "split it into several lessons, or move it out of the content folder",
                        ),
                ),
                Err(e) if e.kind() == std::io::ErrorKind::InvalidInput => Found::ReadProblem(
                    Diagnostic::error("read/not-a-file", rel.clone(), NOT_A_FILE)
                        .with_hint("remove it, or put an ordinary file in its place"),
                ),
                Err(e) => Found::ReadProblem(
                    Diagnostic::error(
                        "read/unreadable",
                        rel.clone(),
                        format!("cannot read the file: {e}"),
                    )
                    .with_hint("check its permissions"),
                ),
            };
            self.entries.insert(WalkOrder(rel), found);
        }
    }
}

/// The files of the static directory: site path and where they are.
pub fn static_files(dir: &Path) -> Result<Vec<(String, PathBuf)>, String> {
    if !dir.is_dir() {
        return Err(format!(
            "the static directory {} does not exist; pass --static DIR",
            dir.display()
        ));
    }
    let mut tree = Tree {
        root: dir.to_path_buf(),
        entries: BTreeMap::new(),
    };
    // In the static directory every file is copied as it is.
    tree.walk(dir, true, None);
    match tree.diagnostics().first() {
        Some(problem) => Err(format!(
            "{}: {}",
            dir.join(&problem.path).display(),
            problem.message
        )),
        None => Ok(tree.assets()),
    }
}

/// The HTML files among the static files and content assets, read: they
/// are copied as they are, and the build checks their links. A file that
/// cannot be read is a diagnostic.
pub fn copied_pages(
    statics: &[(String, PathBuf)],
    assets: &[(String, PathBuf)],
) -> (Vec<CopiedPage>, Vec<Diagnostic>) {
    let is_html = |rel: &str| {
        let lower = rel.to_ascii_lowercase();
        lower.ends_with(".html") || lower.ends_with(".htm")
    };
    let mut pages = Vec::new();
    let mut problems = Vec::new();
    let found = statics
        .iter()
        .map(|file| (file, Origin::Static))
        .chain(assets.iter().map(|file| (file, Origin::Content)));
    for ((rel, path), origin) in found {
        if !is_html(rel) {
            continue;
        }
        match regular_file(path, MAX_SOURCE_BYTES) {
            Ok(bytes) => pages.push(CopiedPage {
                path: rel.clone(),
                origin,
                bytes,
            }),
            Err(e) => problems.push(
                Diagnostic::error(
                    "read/unreadable",
                    rel.as_str(),
                    format!("cannot read this page: {e}"),
                )
                .with_origin(origin),
            ),
        }
    }
    (pages, problems)
}

/// True for a relative path that reading skips: a hidden file or folder
/// on the way, or an editor's backup or swap file.
pub fn is_ignored(rel: &str) -> bool {
    rel.split('/').any(is_hidden)
}

fn is_hidden(name: &str) -> bool {
    name.starts_with('.') || name.ends_with('~') || name.ends_with(".swp")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(root: &Path, rel: &str, text: &str) {
        let path = root.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    /// Sources (path, text), assets and diagnostics as a full read sees them.
    fn snapshot(
        tree: &Tree,
        sources: &BTreeMap<String, Vec<u8>>,
    ) -> (Vec<(String, String)>, Vec<String>, Vec<String>) {
        (
            sources
                .iter()
                .map(|(p, b)| (p.clone(), String::from_utf8_lossy(b).into_owned()))
                .collect(),
            tree.assets().into_iter().map(|(rel, _)| rel).collect(),
            tree.diagnostics()
                .iter()
                .map(|d| d.render(&tokenbook_site::Roots::default()))
                .collect(),
        )
    }

    fn apply(sources: &mut BTreeMap<String, Vec<u8>>, changes: Vec<Change>) {
        for change in changes {
            match change {
                Change::Read(file) => {
                    sources.insert(file.path, file.bytes);
                }
                Change::Gone(path) => {
                    sources.remove(&path);
                }
            }
        }
    }

    #[test]
    fn walk_order_is_by_component() {
        let mut paths = vec!["a-b/x.md", "a/x.md", "a/b/c.md", "a.md", "ab.md"];
        paths.sort_by_key(|p| WalkOrder(p.to_string()));
        assert_eq!(paths, ["a/b/c.md", "a/x.md", "a-b/x.md", "a.md", "ab.md"]);
    }

    #[test]
    fn updating_the_changed_paths_gives_what_a_full_read_gives() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("content");
        write(&root, "01_A.md", "# A");
        write(&root, "part/01_B.md", "# B");
        write(&root, "part/img/b.png", "png");
        write(&root, "site.toml", "title = \"T\"");
        let (mut tree, read) = Tree::scan(&root).unwrap();
        let mut sources: BTreeMap<String, Vec<u8>> =
            read.into_iter().map(|s| (s.path, s.bytes)).collect();

        // Each step: change the directory, tell the tree which paths the
        // watcher would report, and compare with reading it all again.
        type Step = (&'static str, fn(&Path), &'static [&'static str]);
        let steps: [Step; 8] = [
            ("edit", |r| write(r, "01_A.md", "# A again"), &["01_A.md"]),
            ("create", |r| write(r, "02_C.md", "# C"), &["02_C.md"]),
            (
                "delete",
                |r| std::fs::remove_file(r.join("01_A.md")).unwrap(),
                &["01_A.md"],
            ),
            (
                "rename a folder",
                |r| std::fs::rename(r.join("part"), r.join("part-2")).unwrap(),
                &["part", "part-2"],
            ),
            (
                "new folder with files",
                |r| {
                    write(r, "new/x.md", "# X");
                    write(r, "new/deeper/y.md", "# Y");
                    write(r, "new/.hidden.md", "# hidden");
                },
                &["new"],
            ),
            (
                "a symlink and a backup",
                |r| {
                    #[cfg(unix)]
                    std::os::unix::fs::symlink(r.join("02_C.md"), r.join("link.md")).unwrap();
                    write(r, "02_C.md~", "# backup");
                },
                &["link.md", "02_C.md~"],
            ),
            (
                "delete a folder",
                |r| std::fs::remove_dir_all(r.join("new")).unwrap(),
                &["new/x.md", "new/deeper", "new"],
            ),
            ("everything", |r| write(r, "z.md", "# Z"), &[""]),
        ];
        for (what, change, reported) in steps {
            change(&root);
            let reported: Vec<String> = reported.iter().map(|s| s.to_string()).collect();
            apply(&mut sources, tree.update(&reported));
            let (fresh, read) = Tree::scan(&root).unwrap();
            let fresh_sources: BTreeMap<String, Vec<u8>> =
                read.into_iter().map(|s| (s.path, s.bytes)).collect();
            assert_eq!(
                snapshot(&tree, &sources),
                snapshot(&fresh, &fresh_sources),
                "after: {what}"
            );
        }
        #[cfg(unix)]
        assert!(
            tree.diagnostics()
                .iter()
                .any(|d| d.path == "link.md" && d.message == "symbolic link skipped")
        );
    }
}
