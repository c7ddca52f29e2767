//! The edit-to-reload latency of `cargo xtask serve`: a real server on a
//! copy of the corpus, real edits, and its event stream read over a socket.
//! Each edit is timed until `event: reload` (the pages are written) and
//! until `event: search` (the search index, rebuilt after the reload, is
//! written too); the next edit waits for both.

use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use walkdir::WalkDir;

use xtask::repo_root;

use super::*;
use xtask::fail::AtPath as _;

/// Starts the server (`xtask-serve`, built first) on a copy of the corpus
/// of `n` lessons, listens to its event stream and times edits of one
/// lesson until `event: reload`.
pub(super) fn reload_latency(args: &Args, xtask: &Path, n: usize) -> Result<Reload, String> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let built = Command::new(cargo)
        .current_dir(repo_root())
        .args(["build", "--quiet", "--package", "xtask-serve"])
        .status()
        .map_err(|e| format!("cannot run cargo to build xtask-serve: {e}"))?;
    if !built.success() {
        return Err(format!("building xtask-serve failed ({built})"));
    }
    // Beside xtask, in the same target directory.
    let server_binary = xtask.with_file_name("xtask-serve");
    let content = args.dir.join(format!("serve-content-{n}"));
    let out = args.dir.join(format!("serve-out-{n}"));
    let _ = std::fs::remove_dir_all(&content);
    let _ = std::fs::remove_dir_all(&out);
    let lessons = corpus(n);
    write_tokenbook(&content, &lessons)?;
    let edited = content.join(&lessons[n / 2].file);
    let original = std::fs::read_to_string(&edited).at_path(&edited)?;
    if !original.contains(EDIT_MARKER) {
        return Err(format!(
            "{} lacks the words the test edits",
            edited.display()
        ));
    }
    let log = args.dir.join("logs").join(format!("serve-{n}.log"));
    let log_file = std::fs::File::create(&log).at_path(&log)?;
    eprintln!(
        "\nserve: N = {n}, {} edits of {}",
        args.reload_edits,
        edited.display()
    );
    let mut server = Command::new(&server_binary)
        .current_dir(repo_root())
        .args(["--port", "0", "--content"])
        .arg(&content)
        .arg("--out")
        .arg(&out)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(log_file)
        .spawn()
        .map_err(|e| format!("cannot start {}: {e}", server_binary.display()))?;
    let result = drive_server(
        &mut server,
        &edited,
        &original,
        args.reload_edits,
        &log,
        &out,
    );
    // Only the server we started, by its own handle.
    let _ = server.kill();
    let _ = server.wait();
    let timed = result?;
    Ok(Reload {
        n,
        latencies: timed.reload,
        search: timed.search,
        extra_reloads: timed.extra_reloads,
    })
}

/// What [`drive_server`] measured.
pub(super) struct Timed {
    /// Per edit: from the write to `event: reload`.
    pub(super) reload: Vec<Duration>,
    /// Per edit: from the write to `event: search`.
    pub(super) search: Vec<Duration>,
    /// Reloads beyond one per edit.
    pub(super) extra_reloads: usize,
}

pub(super) fn drive_server(
    server: &mut Child,
    edited: &Path,
    original: &str,
    edits: u32,
    log: &Path,
    out: &Path,
) -> Result<Timed, String> {
    let stdout = server.stdout.take().ok_or("serve has no stdout")?;
    let (sender, receiver) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            if sender.send(line).is_err() {
                break;
            }
        }
    });
    let first = receiver
        .recv_timeout(Duration::from_secs(300))
        .map_err(|_| {
            format!(
                "serve printed no address within 5 minutes; see {}",
                log.display()
            )
        })?;
    let address = first
        .split_whitespace()
        .find_map(|w| w.strip_prefix("http://"))
        .map(|w| w.trim_end_matches('/').to_string())
        .ok_or_else(|| format!("no address in serve's first line: {first}"))?;
    let mut events = Events::open(&address)?;
    let mut latencies = Vec::new();
    let mut search = Vec::new();
    let mut extra = 0;
    for edit in 0..edits {
        let text = original.replacen(
            EDIT_MARKER,
            &format!("revision {} of this lesson", edit + 2),
            1,
        );
        let started = Instant::now();
        std::fs::write(edited, text).at_path(edited)?;
        match events.next_event(Duration::from_secs(30))? {
            Some(kind) if kind == "reload" => latencies.push(started.elapsed()),
            Some(kind) => {
                return Err(format!(
                    "serve sent `{kind}` instead of `reload` after an edit; see {}",
                    log.display()
                ));
            }
            None => {
                return Err(format!(
                    "no reload within 30 s of an edit; see {}",
                    log.display()
                ));
            }
        }
        // The search index follows; a second reload of the same save would
        // come before it.
        loop {
            match events.next_event(Duration::from_secs(60))? {
                Some(kind) if kind == "search" => {
                    search.push(started.elapsed());
                    break;
                }
                Some(kind) if kind == "reload" => extra += 1,
                Some(kind) => {
                    return Err(format!(
                        "serve sent `{kind}` while the search index was rebuilt; see {}",
                        log.display()
                    ));
                }
                None => {
                    return Err(format!(
                        "no search index within 60 s of an edit; see {}",
                        log.display()
                    ));
                }
            }
        }
        // Let any later rebuild of the same save arrive now, not be taken
        // for the next edit's.
        std::thread::sleep(Duration::from_millis(300));
        while let Some(kind) = events.next_event(Duration::from_millis(50))? {
            if kind == "reload" {
                extra += 1;
            }
        }
    }
    let last = format!("revision {} of this lesson", edits + 1);
    let served = WalkDir::new(out)
        .into_iter()
        .flatten()
        .filter(|e| e.path().extension().is_some_and(|x| x == "html"))
        .any(|e| std::fs::read_to_string(e.path()).is_ok_and(|t| t.contains(&last)));
    if edits > 0 && !served {
        return Err(format!(
            "serve reloaded, but no page in {} shows the last edit",
            out.display()
        ));
    }
    Ok(Timed {
        reload: latencies,
        search,
        extra_reloads: extra,
    })
}

/// The server-sent event stream of `serve`, read line by line.
pub(super) struct Events {
    pub(super) stream: TcpStream,
    pub(super) pending: Vec<u8>,
}

impl Events {
    pub(super) fn open(address: &str) -> Result<Events, String> {
        let mut stream =
            TcpStream::connect(address).map_err(|e| format!("cannot connect to {address}: {e}"))?;
        write!(
            stream,
            "GET /__tokenbook/events HTTP/1.1\r\nHost: {address}\r\nAccept: text/event-stream\r\n\r\n"
        )
        .map_err(|e| e.to_string())?;
        let mut events = Events {
            stream,
            pending: Vec::new(),
        };
        // The response's head: the watcher is running once it arrives.
        let deadline = Instant::now() + Duration::from_secs(30);
        let status = events
            .line(deadline)?
            .ok_or("serve did not answer the event stream request")?;
        if !status.contains(" 200") {
            return Err(format!("the event stream answered {status}"));
        }
        while let Some(line) = events.line(deadline)? {
            if line.trim().is_empty() {
                return Ok(events);
            }
        }
        Err("the event stream's headers did not end".into())
    }

    /// The next `event:` name, or `None` if none came within `wait`.
    pub(super) fn next_event(&mut self, wait: Duration) -> Result<Option<String>, String> {
        let deadline = Instant::now() + wait;
        while let Some(line) = self.line(deadline)? {
            if let Some(kind) = line.trim().strip_prefix("event:") {
                return Ok(Some(kind.trim().to_string()));
            }
        }
        Ok(None)
    }

    /// The next line, or `None` at the deadline.
    pub(super) fn line(&mut self, deadline: Instant) -> Result<Option<String>, String> {
        loop {
            if let Some(end) = self.pending.iter().position(|&b| b == b'\n') {
                let line: Vec<u8> = self.pending.drain(..=end).collect();
                return Ok(Some(String::from_utf8_lossy(&line).into_owned()));
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Ok(None);
            }
            self.stream
                .set_read_timeout(Some(left))
                .map_err(|e| e.to_string())?;
            let mut buffer = [0u8; 4096];
            match self.stream.read(&mut buffer) {
                Ok(0) => return Err("serve closed the event stream".into()),
                Ok(read) => self.pending.extend_from_slice(&buffer[..read]),
                Err(e)
                    if matches!(
                        e.kind(),
                        std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                    ) =>
                {
                    return Ok(None);
                }
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => return Err(format!("reading the event stream: {e}")),
            }
        }
    }
}
