//! Rebuilding after a save: read again only the paths the watcher
//! reported, build with the cache (an unchanged lesson costs a lookup),
//! write only the files whose fingerprint changed (or the whole output,
//! atomically, when it must), report problems in the terminal and over the
//! page, and hand the search index to the indexer.

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::sync::mpsc::Sender;
use std::time::Instant;

use tokenbook_site::{Cache, Reuse, SearchJob, Severity, SiteInput};
use xtask::{output, read, repo_root};

use crate::state::{Notice, SearchState, Shared};
use xtask::fail::AtPath as _;

/// How many diagnostics a rebuild prints in the terminal.
pub(crate) const SHOWN: usize = 20;

/// What the watcher saw: paths relative to the content and static
/// directories, or that it lost track and everything must be read again.
#[derive(Default)]
pub(crate) struct Changes {
    pub(crate) content: Vec<String>,
    pub(crate) statics: Vec<String>,
    pub(crate) rescan: bool,
}

/// What the rebuilds remember between edits: the content as read, the
/// cache, and what the output holds.
pub(crate) struct Builder {
    pub(crate) content: PathBuf,
    pub(crate) static_dir: PathBuf,
    pub(crate) out: PathBuf,
    pub(crate) plan: output::Plan,
    pub(crate) cache: Cache,
    /// The content directory as read; `None` reads it all next time.
    pub(crate) tree: Option<read::Tree>,
    /// The build's input, kept up to date (sources sorted by path).
    pub(crate) input: SiteInput,
    pub(crate) statics: Vec<(String, PathBuf)>,
    /// HTML files of the static and content directories that could not be
    /// read.
    pub(crate) unreadable: Vec<tokenbook_site::Diagnostic>,
    /// Fingerprints of the generated files in the output (not the search
    /// index).
    pub(crate) generated: HashMap<String, u64>,
    /// Site paths of the files copied into the output.
    pub(crate) copied: HashSet<String>,
    /// Site paths (or folders) of copied files changed since the last write.
    pub(crate) dirty: HashSet<String>,
    /// The next write replaces the whole output, atomically: at first, and
    /// after a write failed or the watcher lost track.
    pub(crate) whole: bool,
    pub(crate) wasm: Vec<(PathBuf, String)>,
    /// Where search indexes are sent to be built and written.
    pub(crate) search: Sender<SearchJob>,
}

/// Whether a problem was already printed on the terminal.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Shown {
    Already,
    No,
}

impl Builder {
    /// Reads what changed, builds, reports, and on success writes what
    /// changed and tells the pages; on failure keeps the last good site and
    /// shows the problems.
    pub(crate) fn rebuild(&mut self, shared: &Shared, changes: Changes) {
        let started = Instant::now();
        if let Err(message) = self.read(changes) {
            // What was half read is read again, all of it, next time.
            self.tree = None;
            return self.fail(shared, format!("error: {message}"), Shown::No);
        }
        let mut site = tokenbook_site::build_with(
            &self.input,
            Reuse {
                cache: &self.cache,
                written: (!self.whole).then_some(&self.generated),
                defer_search: true,
            },
        );
        let mut diagnostics = self
            .tree
            .as_ref()
            .map(read::Tree::diagnostics)
            .unwrap_or_default();
        diagnostics.extend(self.unreadable.iter().cloned());
        diagnostics.append(&mut site.diagnostics);
        site.diagnostics = diagnostics;
        let (content, static_dir, out) = (
            self.content.display().to_string(),
            self.static_dir.display().to_string(),
            self.out.display().to_string(),
        );
        let roots = tokenbook_site::Roots {
            content: &content,
            static_dir: &static_dir,
            out: &out,
        };
        let report: Vec<String> = site.diagnostics.iter().map(|d| d.render(&roots)).collect();
        for line in report.iter().take(SHOWN) {
            eprintln!("{line}\n");
        }
        if report.len() > SHOWN {
            eprintln!(
                "… and {} more (cargo xtask check lists them all)\n",
                report.len() - SHOWN
            );
        }
        if site.count(Severity::Error) > 0 {
            let shown: Vec<&str> = report
                .iter()
                .zip(&site.diagnostics)
                .filter(|(_, d)| d.is_error())
                .map(|(r, _)| r.as_str())
                .collect();
            return self.fail(shared, shown.join("\n\n"), Shown::Already);
        }
        let written = site.files.len();
        if let Err(message) = self.write(&mut site, shared) {
            self.whole = true;
            return self.fail(shared, format!("error: {message}"), Shown::No);
        }
        *shared.problem.lock().unwrap_or_else(|e| e.into_inner()) = None;
        let config = self
            .input
            .sources
            .iter()
            .find(|source| source.path == "site.toml")
            .and_then(|source| std::str::from_utf8(&source.bytes).ok())
            .and_then(|text| tokenbook_site::SiteConfig::parse(text).ok());
        *shared.base_path.lock().unwrap_or_else(|e| e.into_inner()) =
            config.map_or_else(|| "/".to_string(), |config| config.base_path());
        let _ = shared.notices.send(Notice::Reload);
        if site.search.is_none() {
            // The index was written with the pages.
            let _ = shared.notices.send(Notice::Search);
        }
        let (reused, redone) = self.cache.stats();
        eprintln!(
            "built {} lessons in {:.0} ms ({reused} reused, {redone} redone, {written} file(s) written); {} warning(s)",
            site.lessons,
            started.elapsed().as_secs_f64() * 1000.0,
            site.count(Severity::Warning)
        );
        if let Some(job) = site.search.take() {
            let _ = self.search.send(job);
        }
    }

    /// Keeps the last good site, and shows `problem` on the terminal
    /// (unless it is already there) and over every open page.
    pub(crate) fn fail(&self, shared: &Shared, problem: String, shown: Shown) {
        if shown == Shown::No {
            eprintln!("{problem}\n");
        }
        eprintln!("the last good site is still served; fix the problem and save again");
        *shared.problem.lock().unwrap_or_else(|e| e.into_inner()) = Some(problem.clone());
        let _ = shared.notices.send(Notice::Problem(problem));
    }

    /// Brings the input up to date: only the changed paths are read again,
    /// unless there is no tree yet or the watcher lost track.
    pub(crate) fn read(&mut self, changes: Changes) -> Result<(), String> {
        if !self.content.is_dir() {
            self.tree = None;
            return Err(format!(
                "the content directory {} does not exist; create it or pass --content DIR",
                self.content.display()
            ));
        }
        match self.tree.as_mut().filter(|_| !changes.rescan) {
            Some(tree) => {
                for change in tree.update(&changes.content) {
                    let sources = &mut self.input.sources;
                    let path = match &change {
                        read::Change::Read(file) => file.path.as_str(),
                        read::Change::Gone(path) => path.as_str(),
                    };
                    let at = sources.binary_search_by(|s| s.path.as_str().cmp(path));
                    match (change, at) {
                        (read::Change::Read(file), Ok(i)) => sources[i] = file,
                        (read::Change::Read(file), Err(i)) => sources.insert(i, file),
                        (read::Change::Gone(_), Ok(i)) => {
                            sources.remove(i);
                        }
                        (read::Change::Gone(_), Err(_)) => {}
                    }
                }
                self.dirty.extend(changes.content);
                if !changes.statics.is_empty() {
                    self.statics = read::static_files(&self.static_dir)?;
                    self.dirty.extend(changes.statics);
                }
            }
            None => {
                self.tree = None;
                let (tree, mut sources) = read::Tree::scan(&self.content)?;
                sources.sort_by(|a, b| a.path.cmp(&b.path));
                self.input.sources = sources;
                self.tree = Some(tree);
                self.statics = read::static_files(&self.static_dir)?;
                // After losing track, nothing on disk can be trusted.
                self.whole = true;
            }
        }
        let assets = self
            .tree
            .as_ref()
            .map(read::Tree::assets)
            .unwrap_or_default();
        // HTML files are few: read again on every rebuild, for their links.
        let (pages, unreadable) = read::copied_pages(&self.statics, &assets);
        self.input.copied_pages = pages;
        self.unreadable = unreadable;
        self.input.assets = assets.into_iter().map(|(rel, _)| rel).collect();
        self.input.static_files = self.statics.iter().map(|(rel, _)| rel.clone()).collect();
        Ok(())
    }

    /// The static files and content assets to copy, with the playground's
    /// module when a page uses it.
    pub(crate) fn copies(
        &mut self,
        uses_playground: bool,
    ) -> Result<Vec<(PathBuf, String)>, String> {
        if uses_playground && self.wasm.is_empty() {
            self.wasm = xtask::wasm::build(&repo_root())?;
        }
        let assets = self
            .tree
            .as_ref()
            .map(read::Tree::assets)
            .unwrap_or_default();
        Ok(self
            .statics
            .iter()
            .cloned()
            .chain(assets)
            .map(|(rel, path)| (path, rel))
            .chain(self.wasm.iter().filter(|_| uses_playground).cloned())
            .collect())
    }

    /// Writes the whole site atomically when it must, else only what
    /// changed: new or changed pages, changed copies, and removes what is
    /// gone.
    pub(crate) fn write(
        &mut self,
        site: &mut tokenbook_site::Build,
        shared: &Shared,
    ) -> Result<(), String> {
        let copies = self.copies(site.uses_playground)?;
        if self.whole {
            // Everything at once, the search index included.
            let index = site.search.take().map(|job| (job.key(), job.run()));
            let mut files = std::mem::take(&mut site.files);
            let mut search = SearchState::default();
            if let Some((key, index)) = index {
                search.key = Some(key);
                search.files = index
                    .iter()
                    .map(|f| (f.path.clone(), tokenbook_site::hash_bytes(&f.contents)))
                    .collect();
                files.extend(index);
            }
            {
                let mut state = shared.search.lock().unwrap_or_else(|e| e.into_inner());
                self.plan.write(&files, &copies)?;
                search.epoch = state.epoch + 1;
                *state = search;
            }
            self.whole = false;
        } else {
            // What is no longer generated or copied; a path that turned
            // from one into the other is written again below.
            let copied_now: HashSet<&str> = copies.iter().map(|(_, rel)| rel.as_str()).collect();
            for gone in site.gone(&self.generated) {
                output::remove_file(&self.out, &gone);
            }
            for gone in self
                .copied
                .iter()
                .filter(|p| !copied_now.contains(p.as_str()))
            {
                output::remove_file(&self.out, gone);
            }
            for file in &site.files {
                output::replace_file(&self.out, &file.path, &file.contents)?;
            }
            for (from, rel) in &copies {
                let dirty = self.dirty.iter().any(|d| {
                    d.is_empty()
                        || rel == d
                        || rel
                            .strip_prefix(d.as_str())
                            .is_some_and(|r| r.starts_with('/'))
                });
                if dirty || !self.copied.contains(rel) {
                    let bytes = std::fs::read(from).at_path(from)?;
                    output::replace_file(&self.out, rel, &bytes)?;
                }
            }
        }
        self.generated = site.written();
        self.copied = copies.into_iter().map(|(_, rel)| rel).collect();
        self.dirty.clear();
        Ok(())
    }
}
