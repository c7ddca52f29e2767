//! `cargo xtask serve` (this binary, `xtask-serve`, which `cargo xtask`
//! starts): build, serve the output on 127.0.0.1, and rebuild on every
//! change to the content or static files. Rebuilds re-read only the
//! paths the watcher reports, reuse a [`Cache`] (an unchanged lesson costs a
//! lookup), write only the files whose fingerprint changed and then tell
//! every open page to reload, keeping its scroll position. The search index
//! follows a moment later: it is rebuilt for the whole course, on a
//! low-priority thread, and written when ready (`event: search`). A content
//! error is printed and shown as an overlay in the browser while the last
//! good site keeps being served.
//!
//! The server answers GET and HEAD for files inside the output directory
//! only: `..`, encoded slashes and dots, backslashes and symlinks that lead
//! out of it get 404. Pages are never cached.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderValue, Method, Request, StatusCode, header};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use tokenbook_site::{Cache, OutputFile, Reuse, SearchJob, Severity, SiteInput};
use tokio::sync::broadcast;
use tokio_stream::StreamExt as _;
use tokio_stream::wrappers::BroadcastStream;

use clap::Parser;
use xtask::{output, read, repo_root};

/// Where the live-reload script and its event stream are served.
const LIVE_SCRIPT: &str = "/__tokenbook/live.js";
const EVENTS: &str = "/__tokenbook/events";
/// How many diagnostics a rebuild prints in the terminal.
const SHOWN: usize = 20;
/// How long the watcher waits for quiet after an event that may be
/// followed by more of the same save (a file truncated, then written).
const SETTLE: Duration = Duration::from_millis(10);
/// How long it waits once every file of the save is complete (closed
/// after writing, renamed into place, deleted): only for events already
/// on their way.
const SETTLED: Duration = Duration::from_millis(2);

/// Build, serve on 127.0.0.1 and rebuild on every change, reloading open
/// pages.
#[derive(Parser)]
#[command(name = "cargo xtask serve", bin_name = "cargo xtask serve", version)]
struct Args {
    /// The content and static directories are watched; the site is written
    /// to and served from the output directory.
    #[command(flatten)]
    dirs: xtask::build::Dirs,
    /// The port on 127.0.0.1; 0 picks a free one.
    #[arg(long, default_value_t = 8000)]
    port: u16,
    /// Open the site in the default browser.
    #[arg(long)]
    open: bool,
}

/// A message to open pages.
#[derive(Clone, Debug)]
enum Notice {
    /// The site changed: reload.
    Reload,
    /// The search index was brought up to date (pages ignore it).
    Search,
    /// The content has errors: show them.
    Problem(String),
}

struct Shared {
    out: PathBuf,
    notices: broadcast::Sender<Notice>,
    problem: Mutex<Option<String>>,
    /// The search index as written. Its lock is also held while the whole
    /// output is replaced, so the two never write at once.
    search: Mutex<SearchState>,
}

/// The search index files in the output.
#[derive(Default)]
struct SearchState {
    /// The job they were made by.
    key: Option<u64>,
    /// Path -> hash of the bytes.
    files: HashMap<String, u64>,
    /// Bumped whenever the whole output is replaced: an index computed
    /// before that is older than the one written with it.
    epoch: u64,
}

/// What the watcher saw: paths relative to the content and static
/// directories, or that it lost track and everything must be read again.
#[derive(Default)]
struct Changes {
    content: Vec<String>,
    statics: Vec<String>,
    rescan: bool,
}

/// What the rebuilds remember between edits: the content as read, the
/// cache, and what the output holds.
struct Builder {
    content: PathBuf,
    static_dir: PathBuf,
    out: PathBuf,
    plan: output::Plan,
    cache: Cache,
    /// The content directory as read; `None` reads it all next time.
    tree: Option<read::Tree>,
    /// The build's input, kept up to date (sources sorted by path).
    input: SiteInput,
    statics: Vec<(String, PathBuf)>,
    /// HTML files of the static and content directories that could not be
    /// read.
    unreadable: Vec<tokenbook_site::Diagnostic>,
    /// Fingerprints of the generated files in the output (not the search
    /// index).
    generated: HashMap<String, u64>,
    /// Site paths of the files copied into the output.
    copied: HashSet<String>,
    /// Site paths (or folders) of copied files changed since the last write.
    dirty: HashSet<String>,
    /// The next write replaces the whole output, atomically: at first, and
    /// after a write failed or the watcher lost track.
    whole: bool,
    wasm: Vec<(PathBuf, String)>,
    /// Where search indexes are sent to be built and written.
    search: Sender<SearchJob>,
}

/// Serves until interrupted.
fn main() -> ExitCode {
    match run(&Args::parse()) {
        Ok(code) => code,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

fn run(args: &Args) -> Result<ExitCode, String> {
    let plan = args.dirs.plan()?;
    let (notices, _) = broadcast::channel(16);
    let shared = Arc::new(Shared {
        out: args.dirs.out.clone(),
        notices,
        problem: Mutex::new(None),
        search: Mutex::default(),
    });
    let (search, jobs) = std::sync::mpsc::channel();
    let mut builder = Builder {
        content: args.dirs.content.clone(),
        static_dir: args.dirs.static_dir.clone(),
        out: args.dirs.out.clone(),
        plan,
        cache: Cache::default(),
        tree: None,
        input: SiteInput {
            // When this session's playground samples are issued: fixed, so
            // a rebuild reuses every lesson it does not need to redo.
            now: xtask::build::unix_now(),
            ..SiteInput::default()
        },
        statics: Vec::new(),
        unreadable: Vec::new(),
        generated: HashMap::new(),
        copied: HashSet::new(),
        dirty: HashSet::new(),
        whole: true,
        wasm: Vec::new(),
        search,
    };
    builder.rebuild(&shared, Changes::default());
    let indexer = Arc::clone(&shared);
    std::thread::Builder::new()
        .name("search index".into())
        .spawn(move || index_search(&jobs, &indexer))
        .map_err(|e| format!("cannot start the search indexer: {e}"))?;

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the server runtime: {e}"))?;
    runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", args.port))
            .await
            .map_err(|e| {
                format!(
                    "cannot listen on 127.0.0.1:{}: {e}; pick another --port",
                    args.port
                )
            })?;
        let address = listener.local_addr().map_err(|e| e.to_string())?;
        let url = format!("http://{address}/");
        println!(
            "serving {} at {url} (Ctrl-C to stop)",
            args.dirs.out.display()
        );
        if args.open {
            open_browser(&url);
        }
        let watched = watch(builder, Arc::clone(&shared))?;
        let app = Router::new()
            .route(LIVE_SCRIPT, get(live_script))
            .route(EVENTS, get(events))
            .fallback(serve_file)
            .with_state(Arc::clone(&shared));
        let served = axum::serve(listener, app)
            .await
            .map_err(|e| format!("the server stopped: {e}"));
        drop(watched);
        served
    })?;
    Ok(ExitCode::SUCCESS)
}

impl Builder {
    /// Reads what changed, builds, reports, and on success writes what
    /// changed and tells the pages; on failure keeps the last good site and
    /// shows the problems.
    fn rebuild(&mut self, shared: &Shared, changes: Changes) {
        let started = Instant::now();
        if let Err(message) = self.read(changes) {
            // What was half read is read again, all of it, next time.
            self.tree = None;
            return self.fail(shared, format!("error: {message}"));
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
            return self.fail(shared, shown.join("\n\n"));
        }
        let written = site.files.len();
        if let Err(message) = self.write(&mut site, shared) {
            self.whole = true;
            return self.fail(shared, format!("error: {message}"));
        }
        *shared.problem.lock().unwrap_or_else(|e| e.into_inner()) = None;
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

    fn fail(&self, shared: &Shared, problem: String) {
        eprintln!("the last good site is still served; fix the problem and save again");
        *shared.problem.lock().unwrap_or_else(|e| e.into_inner()) = Some(problem.clone());
        let _ = shared.notices.send(Notice::Problem(problem));
    }

    /// Brings the input up to date: only the changed paths are read again,
    /// unless there is no tree yet or the watcher lost track.
    fn read(&mut self, changes: Changes) -> Result<(), String> {
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
    fn copies(&mut self, uses_playground: bool) -> Result<Vec<(PathBuf, String)>, String> {
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
    fn write(&mut self, site: &mut tokenbook_site::Build, shared: &Shared) -> Result<(), String> {
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
                remove(&self.out, &gone);
            }
            for gone in self
                .copied
                .iter()
                .filter(|p| !copied_now.contains(p.as_str()))
            {
                remove(&self.out, gone);
            }
            for file in &site.files {
                replace(&self.out.join(&file.path), &file.contents)?;
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
                    let bytes =
                        std::fs::read(from).map_err(|e| format!("{}: {e}", from.display()))?;
                    replace(&self.out.join(rel), &bytes)?;
                }
            }
        }
        self.generated = site.written();
        self.copied = copies.into_iter().map(|(_, rel)| rel).collect();
        self.dirty.clear();
        Ok(())
    }
}

/// Writes `bytes` to `path` through a temporary file and a rename, so a
/// page is never served half-written.
fn replace(path: &Path, bytes: &[u8]) -> Result<(), String> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|e| format!("{}: {e}", parent.display()))?;
    }
    let temporary = path.with_extension("tokenbook-tmp");
    std::fs::write(&temporary, bytes).map_err(|e| format!("{}: {e}", temporary.display()))?;
    std::fs::rename(&temporary, path).map_err(|e| format!("{}: {e}", path.display()))
}

/// Removes the file at site path `rel` and the folders it leaves empty.
fn remove(out: &Path, rel: &str) {
    let path = out.join(rel);
    if std::fs::remove_file(&path).is_err() {
        return;
    }
    let mut dir = path.parent();
    while let Some(d) = dir.filter(|d| *d != out && d.starts_with(out)) {
        if std::fs::remove_dir(d).is_err() {
            break;
        }
        dir = d.parent();
    }
}

/// Builds the search indexes the rebuilds send, the latest first and the
/// superseded never, on a thread of low priority so the next rebuild keeps
/// the processor; writes the files that changed and says so.
fn index_search(jobs: &Receiver<SearchJob>, shared: &Shared) {
    lower_priority();
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .thread_name(|_| "search index".into())
        .start_handler(|_| lower_priority())
        .build();
    while let Ok(mut job) = jobs.recv() {
        while let Ok(newer) = jobs.try_recv() {
            job = newer;
        }
        let (epoch, known) = {
            let state = shared.search.lock().unwrap_or_else(|e| e.into_inner());
            (state.epoch, state.key == Some(job.key()))
        };
        if known {
            let _ = shared.notices.send(Notice::Search);
            continue;
        }
        let started = Instant::now();
        let run = || match &pool {
            Ok(pool) => pool.install(|| job.run()),
            Err(_) => job.run(),
        };
        // A bug in the indexer must not stop later indexes.
        let Ok(files) = std::panic::catch_unwind(std::panic::AssertUnwindSafe(run)) else {
            eprintln!("error: the search index could not be built (a bug in tokenbook)");
            continue;
        };
        match write_search(shared, epoch, job.key(), &files) {
            Ok(Some(written)) => {
                eprintln!(
                    "search index: {written} of {} file(s) written in {:.0} ms",
                    files.len(),
                    started.elapsed().as_secs_f64() * 1000.0
                );
                let _ = shared.notices.send(Notice::Search);
            }
            Ok(None) => {}
            Err(message) => eprintln!("error: writing the search index: {message}"),
        }
    }
}

/// Writes the index files whose bytes changed and removes the ones gone,
/// unless the whole output was replaced since `epoch`. Returns how many
/// files were written.
fn write_search(
    shared: &Shared,
    epoch: u64,
    key: u64,
    files: &[OutputFile],
) -> Result<Option<usize>, String> {
    let hashes: Vec<u64> = files
        .iter()
        .map(|f| tokenbook_site::hash_bytes(&f.contents))
        .collect();
    let mut written = 0;
    // The lock is taken per file: a rebuild replacing the whole output
    // waits for one file at most.
    for (file, &hash) in files.iter().zip(&hashes) {
        let state = shared.search.lock().unwrap_or_else(|e| e.into_inner());
        if state.epoch != epoch {
            return Ok(None);
        }
        if state.files.get(&file.path) != Some(&hash) {
            replace(&shared.out.join(&file.path), &file.contents)?;
            written += 1;
        }
    }
    let mut state = shared.search.lock().unwrap_or_else(|e| e.into_inner());
    if state.epoch != epoch {
        return Ok(None);
    }
    let current: HashSet<&str> = files.iter().map(|f| f.path.as_str()).collect();
    for gone in state.files.keys().filter(|p| !current.contains(p.as_str())) {
        remove(&shared.out, gone);
    }
    state.files = files
        .iter()
        .zip(hashes)
        .map(|(f, h)| (f.path.clone(), h))
        .collect();
    state.key = Some(key);
    Ok(Some(written))
}

/// Puts the calling thread at the lowest scheduling priority (Linux: the
/// nice value is per thread).
fn lower_priority() {
    #[cfg(target_os = "linux")]
    // SAFETY: setpriority on the calling thread's id has no memory effects.
    unsafe {
        libc::setpriority(libc::PRIO_PROCESS, libc::gettid() as libc::id_t, 19);
    }
}

/// What one save looks like while it arrives: per path, whether its last
/// event leaves it complete.
#[derive(Default)]
struct Batch {
    pending: HashMap<PathBuf, bool>,
    rescan: bool,
}

impl Batch {
    fn add(&mut self, event: notify::Result<notify::Event>) {
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
    fn wait(&self) -> Duration {
        if self.pending.values().all(|&complete| complete) {
            SETTLED
        } else {
            SETTLE
        }
    }
}

/// Watches the content and static directories (rebuilding on changes) and
/// the templates and crates (which are compiled in: it says so).
fn watch(mut builder: Builder, shared: Arc<Shared>) -> Result<notify::RecommendedWatcher, String> {
    use notify::{RecursiveMode, Watcher as _};
    let (sender, receiver) = std::sync::mpsc::channel::<notify::Result<notify::Event>>();
    let mut watcher = notify::recommended_watcher(move |event| {
        let _ = sender.send(event);
    })
    .map_err(|e| format!("cannot watch for changes: {e}"))?;
    let root = repo_root();
    let compiled_in = [root.join("templates"), root.join("crates")];
    for dir in [&builder.content, &builder.static_dir]
        .into_iter()
        .chain(compiled_in.iter())
    {
        if dir.is_dir() {
            watcher
                .watch(dir, RecursiveMode::Recursive)
                .map_err(|e| format!("cannot watch {}: {e}", dir.display()))?;
        }
    }
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
                if let Some(rel) = relative(path, &content) {
                    changes.content.push(rel);
                } else if let Some(rel) = relative(path, &static_dir) {
                    changes.statics.push(rel);
                } else {
                    code = Some(path);
                }
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

async fn live_script() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        include_str!("live.js"),
    )
        .into_response()
}

async fn events(State(shared): State<Arc<Shared>>) -> Response {
    let current = shared
        .problem
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .clone();
    let initial = tokio_stream::iter(current.map(Notice::Problem));
    let updates = BroadcastStream::new(shared.notices.subscribe()).filter_map(Result::ok);
    let stream = initial.chain(updates).map(|notice| {
        Ok::<_, std::convert::Infallible>(match notice {
            Notice::Reload => Event::default().event("reload").data("reload"),
            Notice::Search => Event::default().event("search").data("search"),
            Notice::Problem(text) => Event::default().event("problem").data(text),
        })
    });
    Sse::new(stream)
        .keep_alive(KeepAlive::default())
        .into_response()
}

/// Serves a file of the output directory, or 404.
async fn serve_file(State(shared): State<Arc<Shared>>, request: Request<Body>) -> Response {
    if request.method() != Method::GET && request.method() != Method::HEAD {
        return StatusCode::METHOD_NOT_ALLOWED.into_response();
    }
    let raw = request.uri().path().to_string();
    let head = request.method() == Method::HEAD;
    let Some(path) = resolve(&shared.out, &raw) else {
        return not_found(&shared.out, head);
    };
    if path.is_dir() {
        if !raw.ends_with('/') {
            return (
                StatusCode::PERMANENT_REDIRECT,
                [(header::LOCATION, format!("{raw}/"))],
            )
                .into_response();
        }
        return match resolve(&shared.out, &format!("{raw}index.html")) {
            Some(index) if index.is_file() => file_response(&index, StatusCode::OK, head),
            _ => not_found(&shared.out, head),
        };
    }
    file_response(&path, StatusCode::OK, head)
}

/// The file a request path names, if it is inside `root`: percent-decoded,
/// refusing `..`, `.`, encoded separators, backslashes and NUL, and
/// following symlinks only when they stay inside.
fn resolve(root: &Path, raw: &str) -> Option<PathBuf> {
    let lower = raw.to_ascii_lowercase();
    if lower.contains("%2f") || lower.contains("%5c") || lower.contains("%00") || raw.contains('\\')
    {
        return None;
    }
    let decoded = percent_decode(raw)?;
    let mut path = root.to_path_buf();
    for segment in decoded.split('/') {
        match segment {
            "" => {}
            "." | ".." => return None,
            s if s.contains('\\') || s.contains('\0') || s.contains(':') => return None,
            s => path.push(s),
        }
    }
    let real = std::fs::canonicalize(&path).ok()?;
    let real_root = std::fs::canonicalize(root).ok()?;
    real.starts_with(&real_root).then_some(real)
}

fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

fn not_found(root: &Path, head: bool) -> Response {
    let page = root.join("404.html");
    if page.is_file() {
        file_response(&page, StatusCode::NOT_FOUND, head)
    } else {
        (StatusCode::NOT_FOUND, "not found").into_response()
    }
}

fn file_response(path: &Path, status: StatusCode, head: bool) -> Response {
    let Ok(mut bytes) = std::fs::read(path) else {
        return (StatusCode::NOT_FOUND, "not found").into_response();
    };
    let kind = content_type(path);
    if kind.starts_with("text/html") {
        bytes = inject_live_script(bytes);
    }
    let length = bytes.len();
    let body = if head {
        Body::empty()
    } else {
        Body::from(bytes)
    };
    let mut response = (status, body).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(kind));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    if let Ok(value) = HeaderValue::from_str(&length.to_string()) {
        headers.insert(header::CONTENT_LENGTH, value);
    }
    response
}

/// Adds the live-reload script to a page (it is same-origin, so the page's
/// Content-Security-Policy allows it).
fn inject_live_script(html: Vec<u8>) -> Vec<u8> {
    let tag = format!("<script src=\"{LIVE_SCRIPT}\" defer></script>\n");
    let text = String::from_utf8_lossy(&html);
    match text.find("</head>") {
        Some(i) => format!("{}{tag}{}", &text[..i], &text[i..]).into_bytes(),
        None => html,
    }
}

fn content_type(path: &Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()).unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "wasm" => "application/wasm",
        "xml" => "application/xml",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "ico" => "image/x-icon",
        "txt" | "md" => "text/plain; charset=utf-8",
        "woff2" => "font/woff2",
        _ => "application/octet-stream",
    }
}

fn open_browser(url: &str) {
    let opener = if cfg!(target_os = "macos") {
        "open"
    } else {
        "xdg-open"
    };
    if std::process::Command::new(opener).arg(url).spawn().is_err() {
        eprintln!("could not start {opener}; open {url} yourself");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(kind: notify::EventKind, path: &str) -> notify::Result<notify::Event> {
        Ok(notify::Event::new(kind).add_path(PathBuf::from(path)))
    }

    #[test]
    fn a_save_settles_once_every_file_in_it_is_complete() {
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

    #[test]
    fn removing_a_page_removes_the_folders_it_leaves_empty() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        for rel in ["a/b/index.html", "a/other.html", "c/index.html"] {
            replace(&out.join(rel), b"x").unwrap();
        }
        remove(&out, "a/b/index.html");
        remove(&out, "c/index.html");
        remove(&out, "not/there.html");
        assert!(!out.join("a/b").exists());
        assert!(out.join("a/other.html").exists());
        assert!(!out.join("c").exists());
        assert!(out.is_dir(), "never the output itself");
    }

    #[test]
    fn hostile_paths_resolve_to_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("public");
        std::fs::create_dir_all(root.join("a")).unwrap();
        std::fs::write(root.join("a/index.html"), "x").unwrap();
        std::fs::write(dir.path().join("secret.txt"), "no").unwrap();
        #[cfg(unix)]
        std::os::unix::fs::symlink(dir.path().join("secret.txt"), root.join("link.txt")).unwrap();
        assert!(resolve(&root, "/a/index.html").is_some());
        assert!(resolve(&root, "/a/").is_some());
        for hostile in [
            "/../secret.txt",
            "/a/../../secret.txt",
            "/%2e%2e/secret.txt",
            "/a%2f..%2f..%2fsecret.txt",
            "/..%5csecret.txt",
            "/a\\..\\..\\secret.txt",
            "//etc/passwd",
            "/link.txt",
            "/%00",
            "/C:/Windows",
        ] {
            assert_eq!(resolve(&root, hostile), None, "{hostile}");
        }
    }

    #[test]
    fn pages_get_the_live_script_before_head_ends() {
        let page =
            inject_live_script(b"<html><head><title>t</title></head><body></body></html>".to_vec());
        let page = String::from_utf8(page).unwrap();
        assert!(
            page.contains("<script src=\"/__tokenbook/live.js\" defer></script>\n</head>"),
            "{page}"
        );
    }
}
