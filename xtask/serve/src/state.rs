//! What the server's threads share: where the output is, the channel that
//! tells open pages what happened, the last problem, and the search index
//! as written.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Mutex;

use tokio::sync::broadcast;

/// A message to open pages.
#[derive(Clone, Debug)]
pub(crate) enum Notice {
    /// The site changed: reload.
    Reload,
    /// The search index was brought up to date (pages ignore it).
    Search,
    /// The content has errors: show them.
    Problem(String),
}

pub(crate) struct Shared {
    pub(crate) out: PathBuf,
    pub(crate) notices: broadcast::Sender<Notice>,
    pub(crate) problem: Mutex<Option<String>>,
    /// The path of the course's `base_url` (`/course/`), which the 404
    /// page links from; also served, as the root.
    pub(crate) base_path: Mutex<String>,
    /// The search index as written. Its lock is also held while the whole
    /// output is replaced, so the two never write at once.
    pub(crate) search: Mutex<SearchState>,
}

/// The search index files in the output.
#[derive(Default)]
pub(crate) struct SearchState {
    /// The job they were made by.
    pub(crate) key: Option<u64>,
    /// Path -> hash of the bytes.
    pub(crate) files: HashMap<String, u64>,
    /// Bumped whenever the whole output is replaced: an index computed
    /// before that is older than the one written with it.
    pub(crate) epoch: u64,
}
