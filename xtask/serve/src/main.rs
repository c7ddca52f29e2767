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
//! out of it get 404. Pages are never cached. It answers only requests
//! addressed to a loopback name with its port (`guard`), and closes
//! connections that do not send a request head in time (`listen`).

mod guard;
mod http;
mod indexer;
mod listen;
mod rebuild;
mod state;
mod watch;

use std::collections::{HashMap, HashSet};
use std::process::ExitCode;
use std::sync::{Arc, Mutex};

use clap::Parser;
use tokenbook_site::{Cache, SiteInput};
use tokio::sync::broadcast;

use rebuild::{Builder, Changes};
use state::Shared;

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
        base_path: Mutex::new("/".to_string()),
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
        .spawn(move || indexer::index_search(&jobs, &indexer))
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
            http::open_browser(&url);
        }
        let watched = watch::watch(builder, Arc::clone(&shared))?;
        let app = http::router(Arc::clone(&shared), address.port());
        listen::serve(listener, app).await;
        drop(watched);
        Ok::<(), String>(())
    })?;
    Ok(ExitCode::SUCCESS)
}
