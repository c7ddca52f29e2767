//! Watching (notify): the content and static directories, whose changes
//! are rebuilt once a save has settled, and the templates and crates, which
//! are compiled in (a change there is only reported: restart `serve`).
//! The folders holding the content and static directories are watched too
//! (not recursively), so a directory that is deleted and created again
//! (`rm -rf content && cp -r … content`) is watched again and read whole.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::mpsc::RecvTimeoutError;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use xtask::{read, repo_root};

use crate::rebuild::{Builder, Changes};
use crate::state::Shared;

/// How long the watcher waits for quiet after an event that may be
/// followed by more of the same save (a file truncated, then written).
pub(crate) const SETTLE: Duration = Duration::from_millis(10);
/// How long it waits once every file of the save is complete (closed
/// after writing, renamed into place, deleted): only for events already
/// on their way.
pub(crate) const SETTLED: Duration = Duration::from_millis(2);

/// What one save looks like while it arrives: per path, whether its last
/// event leaves it complete.
#[derive(Default)]
pub(crate) struct Batch {
    pub(crate) pending: HashMap<PathBuf, bool>,
    pub(crate) rescan: bool,
}

impl Batch {
    pub(crate) fn add(&mut self, event: notify::Result<notify::Event>) {
        use notify::EventKind;
        use notify::event::{AccessKind, AccessMode, ModifyKind, RenameMode};
        let event = match event {
            Ok(event) => event,
            // An error (the event queue overflowed, a watch was lost): read
            // everything again.
            Err(_) => {
                self.rescan = true;
                return;
            }
        };
        if event.need_rescan() {
            self.rescan = true;
        }
        let complete = match event.kind {
            // Opening and reading (serve's own reads too) change nothing.
            EventKind::Access(AccessKind::Close(AccessMode::Write)) => true,
            EventKind::Access(_) => return,
            EventKind::Modify(ModifyKind::Name(RenameMode::From)) => false,
            EventKind::Modify(ModifyKind::Name(_) | ModifyKind::Metadata(_)) => true,
            EventKind::Remove(_) => true,
            EventKind::Create(notify::event::CreateKind::Folder) => true,
            _ => false,
        };
        for path in event.paths {
            if path.extension().is_some_and(|x| x == "tokenbook-tmp") {
                continue;
            }
            self.pending.insert(path, complete);
        }
    }

    /// How long to wait for more events before building.
    pub(crate) fn wait(&self) -> Duration {
        if self.pending.values().all(|&complete| complete) {
            SETTLED
        } else {
            SETTLE
        }
    }
}

/// Watches the content and static directories (rebuilding on changes) and
/// the templates and crates (which are compiled in: it says so).
pub(crate) fn watch(
    mut builder: Builder,
    shared: Arc<Shared>,
) -> Result<Arc<Mutex<notify::RecommendedWatcher>>, String> {
    use notify::{RecursiveMode, Watcher as _};
    let (sender, receiver) = std::sync::mpsc::channel::<notify::Result<notify::Event>>();
    let missing = sender.clone();
    let mut watcher = notify::recommended_watcher(move |event| {
        let _ = sender.send(event);
    })
    .map_err(|e| format!("cannot watch for changes: {e}"))?;
    let root = repo_root();
    let compiled_in = [root.join("templates"), root.join("crates")];
    let watched = [builder.content.clone(), builder.static_dir.clone()];
    // The parents first, so a folder removed or replaced from now on is
    // seen (best effort: without it, only a replaced folder goes unseen).
    for dir in &watched {
        if let Some(parent) = std::path::absolute(dir)
            .ok()
            .and_then(|d| d.parent().map(Path::to_path_buf))
            && parent.is_dir()
        {
            let _ = watcher.watch(&parent, RecursiveMode::NonRecursive);
        }
    }
    for dir in &compiled_in {
        if dir.is_dir() {
            watcher
                .watch(dir, RecursiveMode::Recursive)
                .map_err(|e| format!("cannot watch {}: {e}", dir.display()))?;
        }
    }
    // A content or static folder that is gone (or went while it was being
    // watched) is no reason to stop: the loop below is told, rebuilds, and
    // the terminal says what is missing; the folder is watched again when
    // it comes back.
    for dir in unwatchable(&mut watcher, &watched) {
        let gone = notify::Event::new(notify::EventKind::Remove(notify::event::RemoveKind::Folder))
            .add_path(std::path::absolute(&dir).unwrap_or(dir));
        let _ = missing.send(Ok(gone));
    }
    let watcher = Arc::new(Mutex::new(watcher));
    let rewatcher = Arc::clone(&watcher);
    // Events name paths under the directory as watched (made absolute);
    // accept the canonical form too.
    let forms = |dir: &Path| -> Vec<PathBuf> {
        let mut forms = vec![std::path::absolute(dir).unwrap_or_else(|_| dir.to_path_buf())];
        if let Ok(canonical) = std::fs::canonicalize(dir) {
            forms.push(canonical);
        }
        forms
    };
    let content = forms(&builder.content);
    let static_dir = forms(&builder.static_dir);
    let relative = |path: &Path, roots: &[PathBuf]| -> Option<String> {
        roots.iter().find_map(|root| {
            let rel = path.strip_prefix(root).ok()?;
            Some(rel.to_string_lossy().replace('\\', "/"))
        })
    };
    std::thread::spawn(move || {
        while let Ok(first) = receiver.recv() {
            // A save is often several events: take them all, waiting less
            // once every file in it is complete.
            let mut batch = Batch::default();
            batch.add(first);
            loop {
                match receiver.recv_timeout(batch.wait()) {
                    Ok(event) => batch.add(event),
                    Err(RecvTimeoutError::Timeout) => break,
                    Err(RecvTimeoutError::Disconnected) => return,
                }
            }
            let mut changes = Changes {
                rescan: batch.rescan,
                ..Changes::default()
            };
            let mut code = None;
            for path in batch.pending.keys() {
                let is_root = content.iter().chain(&static_dir).any(|root| root == path);
                if is_root {
                    // The directory itself was created, deleted or renamed:
                    // watch it afresh (if it is there) and read it whole.
                    changes.rescan = true;
                    let mut watcher = rewatcher.lock().unwrap_or_else(|e| e.into_inner());
                    for dir in &watched {
                        let _ = watcher.unwatch(dir);
                        if dir.is_dir() {
                            let _ = watcher.watch(dir, RecursiveMode::Recursive);
                        }
                    }
                } else if let Some(rel) = relative(path, &content) {
                    changes.content.push(rel);
                } else if let Some(rel) = relative(path, &static_dir) {
                    changes.statics.push(rel);
                } else if compiled_in.iter().any(|dir| path.starts_with(dir)) {
                    code = Some(path);
                }
                // Anything else is a sibling seen through the parent's
                // watch (the output folder, say): not part of the site.
            }
            if let Some(code) = code {
                eprintln!(
                    "{} changed: templates and Rust code are compiled in; stop and run cargo xtask serve again to see it",
                    code.display()
                );
            }
            // Hidden files and editor backups (swap files while typing)
            // are not part of the site.
            let relevant = changes
                .content
                .iter()
                .chain(&changes.statics)
                .any(|rel| !read::is_ignored(rel));
            if changes.rescan || relevant {
                builder.rebuild(&shared, changes);
            }
        }
    });
    Ok(watcher)
}

/// Watches each of `dirs` recursively; returns those that are not there or
/// could not be watched (a folder deleted meanwhile: "No path was found").
fn unwatchable(watcher: &mut impl notify::Watcher, dirs: &[PathBuf]) -> Vec<PathBuf> {
    dirs.iter()
        .filter(|dir| {
            !dir.is_dir()
                || watcher
                    .watch(dir, notify::RecursiveMode::Recursive)
                    .is_err()
        })
        .cloned()
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(crate) fn event(kind: notify::EventKind, path: &str) -> notify::Result<notify::Event> {
        Ok(notify::Event::new(kind).add_path(PathBuf::from(path)))
    }

    /// A folder that is gone when it is to be watched (deleted between the
    /// first build and the watch: seen in CI as "cannot watch …: No path
    /// was found", which stopped serve) is reported, not an error.
    #[test]
    fn a_folder_gone_before_it_is_watched_is_reported_not_fatal() {
        let tmp = tempfile::tempdir().unwrap();
        let here = tmp.path().join("here");
        std::fs::create_dir(&here).unwrap();
        let gone = tmp.path().join("gone");
        let mut watcher = notify::recommended_watcher(|_| {}).unwrap();
        assert_eq!(
            unwatchable(&mut watcher, &[here.clone(), gone.clone()]),
            [gone]
        );
    }

    #[test]
    pub(crate) fn a_save_settles_once_every_file_in_it_is_complete() {
        use notify::EventKind;
        use notify::event::{AccessKind, AccessMode, CreateKind, DataChange, ModifyKind};
        let mut batch = Batch::default();
        batch.add(event(
            EventKind::Modify(ModifyKind::Data(DataChange::Any)),
            "/c/a.md",
        ));
        assert_eq!(batch.wait(), SETTLE, "more writes may follow");
        batch.add(event(EventKind::Create(CreateKind::File), "/c/b.md"));
        batch.add(event(
            EventKind::Access(AccessKind::Close(AccessMode::Write)),
            "/c/a.md",
        ));
        assert_eq!(batch.wait(), SETTLE, "b.md is still being written");
        batch.add(event(
            EventKind::Access(AccessKind::Close(AccessMode::Write)),
            "/c/b.md",
        ));
        // Reading (serve's own reads too) is no change.
        batch.add(event(
            EventKind::Access(AccessKind::Open(AccessMode::Any)),
            "/c/c.md",
        ));
        assert_eq!(batch.wait(), SETTLED);
        assert_eq!(batch.pending.len(), 2);
        assert!(!batch.rescan);
        batch.add(Err(notify::Error::generic("queue overflow")));
        assert!(batch.rescan, "lost events: everything is read again");
    }
}
