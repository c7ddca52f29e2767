//! `cargo xtask serve`: build, serve the output on 127.0.0.1, and rebuild on
//! every change to the content or static files. Rebuilds reuse a
//! [`Cache`] (only what an edit touched is rendered again) and write only the
//! files whose bytes changed; then every open page reloads, keeping its
//! scroll position. A content error is printed and shown as an overlay in
//! the browser while the last good site keeps being served.
//!
//! The server answers GET and HEAD for files inside the output directory
//! only: `..`, encoded slashes and dots, backslashes and symlinks that lead
//! out of it get 404. Pages are never cached.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderValue, Method, Request, StatusCode, header};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use tokenbook_site::{Cache, Severity};
use tokio::sync::broadcast;
use tokio_stream::StreamExt as _;
use tokio_stream::wrappers::BroadcastStream;

use crate::build::{Assembled, assemble};
use crate::{output, repo_root};

/// Where the live-reload script and its event stream are served.
const LIVE_SCRIPT: &str = "/__tokenbook/live.js";
const EVENTS: &str = "/__tokenbook/events";
/// How many diagnostics a rebuild prints in the terminal.
const SHOWN: usize = 20;

/// Arguments of `cargo xtask serve`.
#[derive(clap::Args)]
pub(crate) struct Args {
    /// The content and static directories are watched; the site is written
    /// to and served from the output directory.
    #[command(flatten)]
    dirs: crate::build::Dirs,
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
    /// The content has errors: show them.
    Problem(String),
}

struct Shared {
    out: PathBuf,
    notices: broadcast::Sender<Notice>,
    problem: Mutex<Option<String>>,
}

/// What the rebuilds remember: the cache, and every file they wrote, so an
/// unchanged file is not written again.
struct Builder {
    content: PathBuf,
    static_dir: PathBuf,
    out: PathBuf,
    plan: output::Plan,
    cache: Cache,
    written: HashMap<String, Vec<u8>>,
    wasm: Vec<(PathBuf, String)>,
    /// When this session's playground samples are issued: fixed, so a
    /// rebuild reuses every lesson it does not need to redo.
    now: i64,
}

/// Serves until interrupted.
pub(crate) fn run(args: &Args) -> Result<ExitCode, String> {
    let plan = args.dirs.plan()?;
    let (notices, _) = broadcast::channel(16);
    let shared = Arc::new(Shared {
        out: args.dirs.out.clone(),
        notices,
        problem: Mutex::new(None),
    });
    let mut builder = Builder {
        content: args.dirs.content.clone(),
        static_dir: args.dirs.static_dir.clone(),
        out: args.dirs.out.clone(),
        plan,
        cache: Cache::default(),
        written: HashMap::new(),
        wasm: Vec::new(),
        now: crate::build::unix_now(),
    };
    builder.rebuild(&shared, true);

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
    /// Builds, reports, and on success writes what changed and tells the
    /// pages; on failure keeps the last good site and shows the problems.
    fn rebuild(&mut self, shared: &Shared, first: bool) {
        let started = Instant::now();
        let mut site = match assemble(&self.content, &self.static_dir, &self.cache, self.now) {
            Ok(site) => site,
            Err(message) => return self.fail(shared, format!("error: {message}")),
        };
        let root = self.content.display().to_string();
        let report: Vec<String> = site
            .build
            .diagnostics
            .iter()
            .map(|d| d.render(&root))
            .collect();
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
                .zip(&site.build.diagnostics)
                .filter(|(_, d)| d.is_error())
                .map(|(r, _)| r.as_str())
                .collect();
            return self.fail(shared, shown.join("\n\n"));
        }
        if let Err(message) = self.write(&mut site, first) {
            return self.fail(shared, format!("error: {message}"));
        }
        let (reused, redone) = self.cache.stats();
        eprintln!(
            "built {} lessons in {:.0} ms ({reused} reused, {redone} rendered); {} warning(s)",
            site.build.lessons,
            started.elapsed().as_secs_f64() * 1000.0,
            site.count(Severity::Warning)
        );
        *shared.problem.lock().unwrap_or_else(|e| e.into_inner()) = None;
        let _ = shared.notices.send(Notice::Reload);
    }

    fn fail(&self, shared: &Shared, problem: String) {
        eprintln!("the last good site is still served; fix the problem and save again");
        *shared.problem.lock().unwrap_or_else(|e| e.into_inner()) = Some(problem.clone());
        let _ = shared.notices.send(Notice::Problem(problem));
    }

    /// The first time, the whole site atomically; then only changed files.
    fn write(&mut self, site: &mut Assembled, first: bool) -> Result<(), String> {
        if site.build.uses_playground && self.wasm.is_empty() {
            self.wasm = crate::wasm::build(&repo_root())?;
        }
        let copies: Vec<(PathBuf, String)> = site
            .copies
            .iter()
            .cloned()
            .chain(self.wasm.iter().cloned())
            .collect();
        if first {
            self.plan.write(&site.build.files, &copies)?;
        } else {
            for file in &site.build.files {
                if self.written.get(&file.path).map(Vec::as_slice) != Some(file.contents.as_slice())
                {
                    replace(&self.out.join(&file.path), &file.contents)?;
                }
            }
            let current: std::collections::HashSet<&str> =
                site.build.files.iter().map(|f| f.path.as_str()).collect();
            for gone in self
                .written
                .keys()
                .filter(|p| !current.contains(p.as_str()))
            {
                let _ = std::fs::remove_file(self.out.join(gone));
            }
            for (from, rel) in &copies {
                let to = self.out.join(rel);
                let same = std::fs::read(from)
                    .ok()
                    .zip(std::fs::read(&to).ok())
                    .is_some_and(|(a, b)| a == b);
                if !same {
                    let bytes =
                        std::fs::read(from).map_err(|e| format!("{}: {e}", from.display()))?;
                    replace(&to, &bytes)?;
                }
            }
        }
        self.written = std::mem::take(&mut site.build.files)
            .into_iter()
            .map(|f| (f.path, f.contents))
            .collect();
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

/// Watches the content and static directories (rebuilding on changes) and
/// the templates and crates (which are compiled in: it says so).
fn watch(mut builder: Builder, shared: Arc<Shared>) -> Result<notify::RecommendedWatcher, String> {
    use notify::{RecursiveMode, Watcher as _};
    let (sender, receiver) = std::sync::mpsc::channel::<notify::Event>();
    let mut watcher = notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
        if let Ok(event) = event {
            let _ = sender.send(event);
        }
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
    let content =
        std::fs::canonicalize(&builder.content).unwrap_or_else(|_| builder.content.clone());
    let static_dir =
        std::fs::canonicalize(&builder.static_dir).unwrap_or_else(|_| builder.static_dir.clone());
    std::thread::spawn(move || {
        while let Ok(first) = receiver.recv() {
            // An editor's save is often several events: take them all.
            let mut events = vec![first];
            while let Ok(more) = receiver.recv_timeout(Duration::from_millis(10)) {
                events.push(more);
            }
            let paths: Vec<PathBuf> = events
                .into_iter()
                .filter(|e| !matches!(e.kind, notify::EventKind::Access(_)))
                .flat_map(|e| e.paths)
                .filter(|p| p.extension().is_none_or(|x| x != "tokenbook-tmp"))
                .collect();
            let rebuild = paths
                .iter()
                .any(|p| p.starts_with(&content) || p.starts_with(&static_dir));
            if let Some(code) = paths
                .iter()
                .find(|p| !p.starts_with(&content) && !p.starts_with(&static_dir))
            {
                eprintln!(
                    "{} changed: templates and Rust code are compiled in; stop and run cargo xtask serve again to see it",
                    code.display()
                );
            }
            if rebuild {
                builder.rebuild(&shared, false);
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
