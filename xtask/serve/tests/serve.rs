//! `cargo xtask serve` end to end: a real server on a free port, real file
//! edits, and the live-reload event stream read over a socket.

#[path = "../../tests/support/mod.rs"]
mod support;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

use support::copy_dir;

struct Server {
    child: Child,
    port: u16,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start(content: &Path, out: &Path) -> Server {
    spawn(content, out, Stdio::null())
}

/// Starts `xtask-serve` on a free port with its terminal output going to
/// `stderr`, and waits for the address it prints.
fn spawn(content: &Path, out: &Path, stderr: Stdio) -> Server {
    let mut child = Command::new(env!("CARGO_BIN_EXE_xtask-serve"))
        .args(["--port", "0", "--content"])
        .arg(content)
        .arg("--out")
        .arg(out)
        .stdout(Stdio::piped())
        .stderr(stderr)
        .spawn()
        .expect("serve starts");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let port = line
        .split("http://127.0.0.1:")
        .nth(1)
        .and_then(|rest| rest.split('/').next())
        .and_then(|p| p.parse().ok())
        .unwrap_or_else(|| panic!("no address in {line:?}"));
    Server { child, port }
}

/// The lesson most tests serve.
const FIRST: (&str, &str) = ("01_First.md", "# First\n\nHello.\n");

/// A temporary folder holding `content/` with the given files, and room
/// beside it for the output (`public/`) and anything else a test needs.
struct Course {
    dir: tempfile::TempDir,
}

impl Course {
    fn with(files: &[(&str, &str)]) -> Course {
        let dir = tempfile::tempdir().unwrap();
        let course = Course { dir };
        std::fs::create_dir(course.content()).unwrap();
        for (name, text) in files {
            std::fs::write(course.content().join(name), text).unwrap();
        }
        course
    }

    /// A path inside the temporary folder, beside `content/`.
    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn content(&self) -> PathBuf {
        self.path("content")
    }

    /// Serves `content/` into `public/`.
    fn serve(&self) -> Server {
        start(&self.content(), &self.path("public"))
    }
}

/// A raw GET (the path is sent as it is, unnormalised): status and body.
fn get(port: u16, path: &str) -> (u16, String) {
    let (status, _, body) = request(
        port,
        &format!("GET {path} HTTP/1.1\r\nHost: localhost:{port}\r\nConnection: close\r\n\r\n"),
    );
    (status, body)
}

/// Sends `text` as it is: status, head and body of the answer.
fn request(port: u16, text: &str) -> (u16, String, String) {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream.write_all(text.as_bytes()).unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    let status = response
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let (head, body) = response
        .split_once("\r\n\r\n")
        .map(|(h, b)| (h.to_string(), b.to_string()))
        .unwrap_or_default();
    (status, head, body)
}

/// Opens the event stream; `next` returns the next event's name and data.
struct Events(BufReader<TcpStream>);

impl Events {
    fn open(port: u16) -> Events {
        let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
        write!(stream, "GET /__tokenbook/events HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nAccept: text/event-stream\r\n\r\n").unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(20)))
            .unwrap();
        let mut reader = BufReader::new(stream);
        let mut line = String::new();
        while reader.read_line(&mut line).unwrap() > 0 && line != "\r\n" {
            line.clear();
        }
        Events(reader)
    }

    /// The next event but `search` (the search index written, which
    /// follows every rebuild).
    fn next(&mut self) -> (String, String) {
        let (mut event, mut data) = (String::new(), String::new());
        loop {
            let mut line = String::new();
            assert!(
                self.0.read_line(&mut line).unwrap() > 0,
                "the event stream ended"
            );
            let line = line.trim_end();
            if let Some(name) = line.strip_prefix("event: ") {
                event = name.to_string();
            } else if let Some(text) = line.strip_prefix("data: ") {
                data.push_str(text);
                data.push('\n');
            } else if line.is_empty() && event == "search" {
                (event, data) = (String::new(), String::new());
            } else if line.is_empty() && !event.is_empty() {
                return (event, data);
            }
        }
    }
}

#[test]
fn serve_rebuilds_on_edits_shows_errors_and_recovers() {
    let course = Course::with(&[
        (
            "01_First.md",
            "# First\n\nHello.\n\n[Second](./02_Second.md)\n",
        ),
        ("02_Second.md", "# Second\n\nWorld.\n"),
    ]);
    let content = course.content();
    std::fs::write(course.path("secret.txt"), "outside").unwrap();
    let server = course.serve();
    let port = server.port;

    let (status, page) = get(port, "/01-first/");
    assert_eq!(status, 200);
    assert!(
        page.contains("Hello.") && page.contains("/__tokenbook/live.js"),
        "{page}"
    );
    assert_eq!(get(port, "/__tokenbook/live.js").0, 200);
    assert_eq!(get(port, "/css/site.css").0, 200);

    for hostile in [
        "/../secret.txt",
        "/%2e%2e/secret.txt",
        "/..%2fsecret.txt",
        "/%2e%2e%5csecret.txt",
        "/..\\secret.txt",
        "//etc/passwd",
    ] {
        let (status, body) = get(port, hostile);
        assert_eq!(status, 404, "{hostile}");
        assert!(!body.contains("outside"), "{hostile}");
    }

    // An edit: the stream says reload, and the page has the new text.
    let mut events = Events::open(port);
    let started = Instant::now();
    std::fs::write(
        content.join("01_First.md"),
        "# First\n\nHello again.\n\n[Second](./02_Second.md)\n",
    )
    .unwrap();
    assert_eq!(events.next().0, "reload");
    assert!(started.elapsed() < Duration::from_secs(10));
    assert!(get(port, "/01-first/").1.contains("Hello again."));

    // A broken link: the problem is sent with path:line, the old page stays.
    std::fs::write(
        content.join("01_First.md"),
        "# First\n\nBroken.\n\n[Second](./02_Secnd.md)\n",
    )
    .unwrap();
    let (event, data) = events.next();
    assert_eq!(event, "problem");
    assert!(
        data.contains(
            "01_First.md:5:1: error[link/missing-target]: link to a lesson that does not exist"
        ),
        "{data}"
    );
    assert!(
        get(port, "/01-first/").1.contains("Hello again."),
        "the last good site is served"
    );
    // A page opened while the problem stands gets it at once.
    let (event, _) = Events::open(port).next();
    assert_eq!(event, "problem");

    // Fixed: reload, and the new content is served.
    std::fs::write(
        content.join("01_First.md"),
        "# First\n\nFixed.\n\n[Second](./02_Second.md)\n",
    )
    .unwrap();
    assert_eq!(events.next().0, "reload");
    assert!(get(port, "/01-first/").1.contains("Fixed."));
    drop(server);
}

impl Events {
    /// The next event's name, or `None` when none comes within `wait`.
    fn next_within(&mut self, wait: Duration) -> Option<String> {
        self.0.get_ref().set_read_timeout(Some(wait)).unwrap();
        let (mut event, mut line) = (String::new(), String::new());
        let result = loop {
            line.clear();
            match self.0.read_line(&mut line) {
                Ok(0) => panic!("the event stream ended"),
                Ok(_) => {}
                Err(e)
                    if matches!(
                        e.kind(),
                        std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                    ) =>
                {
                    break None;
                }
                Err(e) => panic!("{e}"),
            }
            let line = line.trim_end();
            if let Some(name) = line.strip_prefix("event: ") {
                event = name.to_string();
            } else if line.is_empty() && !event.is_empty() {
                break Some(event);
            }
        };
        self.0
            .get_ref()
            .set_read_timeout(Some(Duration::from_secs(20)))
            .unwrap();
        result
    }

    /// Every event until none comes for a while (a save may be several
    /// rebuilds; the search index comes after the pages).
    fn until_quiet(&mut self) -> Vec<String> {
        let mut seen = Vec::new();
        while let Some(event) = self.next_within(Duration::from_millis(1500)) {
            seen.push(event);
        }
        seen
    }
}

/// Every file and folder below `dir`, files with their bytes.
fn tree(dir: &Path) -> std::collections::BTreeMap<String, Option<Vec<u8>>> {
    walkdir::WalkDir::new(dir)
        .min_depth(1)
        .into_iter()
        .map(|e| e.unwrap())
        .map(|e| {
            let rel = e.path().strip_prefix(dir).unwrap().display().to_string();
            let bytes = e
                .file_type()
                .is_file()
                .then(|| std::fs::read(e.path()).unwrap());
            (rel, bytes)
        })
        .collect()
}

#[test]
// One scenario, edit after edit: splitting it would hide the order.
#[allow(clippy::too_many_lines)]
fn after_every_kind_of_edit_the_served_site_is_what_a_fresh_build_writes() {
    let tmp = tempfile::tempdir().unwrap();
    let content = tmp.path().join("content");
    let statics = tmp.path().join("static");
    let served = tmp.path().join("public");
    let fresh = tmp.path().join("fresh");
    // Its own copy of the server: a build elsewhere may replace the shared
    // binary while this test runs. The fresh builds run in this process,
    // from the same xtask library the server was built with.
    let server = tmp.path().join("xtask-serve");
    std::fs::copy(env!("CARGO_BIN_EXE_xtask-serve"), &server).unwrap();
    copy_dir(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("../../static"),
        &statics,
    );
    let write = |rel: &str, text: &str| {
        let path = content.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    };
    write("site.toml", "title = \"Serve Test\"\n");
    write(
        "01_First.md",
        "# First\n\nHello.\n\n[Second](./02_Second.md)\n",
    );
    write(
        "02_Second.md",
        "+++\ndescription = \"The second.\"\n+++\n# Second\n\nWorld.\n\n## Details\n\nMore.\n",
    );
    write("03_part/_part.toml", "title = \"A Part\"\n");
    write(
        "03_part/01_Inner.md",
        "# Inner\n\nSee [first](../01_First.md) and [details](../02_Second.md#details).\n\n```json\n{\"a\": 1}\n```\n",
    );
    write("img/pic.png", "not really a png");

    let mut child = Command::new(&server)
        .args(["--port", "0", "--content"])
        .arg(&content)
        .arg("--static")
        .arg(&statics)
        .arg("--out")
        .arg(&served)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("serve starts");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let port = line
        .split("http://127.0.0.1:")
        .nth(1)
        .and_then(|rest| rest.split('/').next())
        .and_then(|p| p.parse().ok())
        .unwrap_or_else(|| panic!("no address in {line:?}"));
    let _server = Server { child, port };
    let mut events = Events::open(port);

    let check = |step: &str| {
        let _ = std::fs::remove_dir_all(&fresh);
        let built = xtask::build::run(&xtask::build::Args {
            dirs: xtask::build::Dirs {
                content: content.clone(),
                out: fresh.clone(),
                static_dir: statics.clone(),
            },
            deny_warnings: false,
        });
        assert_eq!(built, Ok(ExitCode::SUCCESS), "{step}");
        let (served, fresh) = (tree(&served), tree(&fresh));
        let differ: std::collections::BTreeSet<&String> = served
            .keys()
            .chain(fresh.keys())
            .filter(|k| served.get(*k) != fresh.get(*k))
            .collect();
        assert!(
            differ.is_empty(),
            "after {step}, these differ from a fresh build: {differ:?}"
        );
        assert!(
            fresh.keys().any(|k| k.starts_with("search/")),
            "{step}: an index"
        );
    };
    check("the first build");

    type Step<'a> = (&'a str, Box<dyn Fn() + 'a>);
    let steps: Vec<Step> = vec![
        (
            "an edit of a body",
            Box::new(|| {
                write(
                    "01_First.md",
                    "# First\n\nHello again.\n\n[Second](./02_Second.md)\n",
                )
            }),
        ),
        (
            "a new title, shown on every page",
            Box::new(|| {
                write(
                    "02_Second.md",
                    "+++\ndescription = \"The second.\"\n+++\n# Second, Renamed\n\nWorld.\n\n## Details\n\nMore.\n",
                )
            }),
        ),
        (
            "a new part with a lesson",
            Box::new(|| {
                write("04_more/_part.toml", "title = \"More\"\n");
                write(
                    "04_more/01_Extra.md",
                    "# Extra\n\n[Inner](../03_part/01_Inner.md)\n",
                );
            }),
        ),
        (
            "a folder renamed",
            Box::new(|| std::fs::rename(content.join("04_more"), content.join("05_more")).unwrap()),
        ),
        (
            "an alias added",
            Box::new(|| {
                write(
                    "02_Second.md",
                    "+++\ndescription = \"The second.\"\naliases = [\"old/second/\"]\n+++\n# Second, Renamed\n\nWorld.\n\n## Details\n\nMore.\n",
                )
            }),
        ),
        (
            "the alias removed",
            Box::new(|| {
                write(
                    "02_Second.md",
                    "+++\ndescription = \"Now shorter.\"\n+++\n# Second, Renamed\n\nWorld.\n\n## Details\n\nMore.\n",
                )
            }),
        ),
        (
            "a link removed, then its lesson deleted",
            Box::new(|| {
                write(
                    "03_part/01_Inner.md",
                    "# Inner\n\nSee [details](../02_Second.md#details).\n",
                );
                std::thread::sleep(Duration::from_millis(100));
                std::fs::remove_file(content.join("01_First.md")).unwrap();
            }),
        ),
        (
            "assets and static files changed and added",
            Box::new(|| {
                write("img/pic.png", "still not a png");
                write("img/new.png", "new");
                let css = statics.join("css/site.css");
                let mut text = std::fs::read_to_string(&css).unwrap();
                text.push_str("\n/* edited */\n");
                std::fs::write(css, text).unwrap();
            }),
        ),
        (
            "a save through a hidden file renamed over the lesson",
            Box::new(|| {
                write(
                    ".02_Second.md.tmp",
                    "# Second\n\nSaved by renaming.\n\n## Details\n",
                );
                std::fs::rename(
                    content.join(".02_Second.md.tmp"),
                    content.join("02_Second.md"),
                )
                .unwrap();
            }),
        ),
        (
            "a file written in two parts",
            Box::new(|| {
                use std::io::Write as _;
                let mut file = std::fs::File::create(content.join("05_more/01_Extra.md")).unwrap();
                file.write_all(b"# Extra\n\n[Inner](../03_pa").unwrap();
                file.flush().unwrap();
                std::thread::sleep(Duration::from_millis(200));
                file.write_all(b"rt/01_Inner.md), rewritten\n").unwrap();
            }),
        ),
    ];
    for (step, edit) in steps {
        edit();
        let seen = events.until_quiet();
        assert!(seen.contains(&"reload".to_string()), "{step}: {seen:?}");
        assert_eq!(
            seen.last().map(String::as_str),
            Some("search"),
            "{step}: {seen:?}"
        );
        check(step);
    }

    // A broken link: the problem is shown, the last good site stays.
    let before = tree(&served);
    write("02_Second.md", "# Second\n\n[Gone](./01_First.md)\n");
    assert_eq!(events.until_quiet(), ["problem"]);
    assert_eq!(tree(&served), before, "nothing written");
    // Fixed, differently: everything catches up.
    write("02_Second.md", "# Second\n\nFixed.\n\n## Details\n");
    let seen = events.until_quiet();
    assert!(seen.contains(&"reload".to_string()), "{seen:?}");
    check("a fix after a problem");
}

#[test]
fn many_open_pages_and_concurrent_requests_are_all_served_and_all_told_to_reload() {
    let course = Course::with(&[FIRST]);
    let server = course.serve();
    let port = server.port;

    // 150 open pages, each holding its live-reload stream.
    let mut streams: Vec<Events> = (0..150).map(|_| Events::open(port)).collect();
    // 200 page requests at once, while those streams stay open.
    let fetchers: Vec<_> = (0..200)
        .map(|i| {
            std::thread::spawn(move || {
                let path = if i % 2 == 0 {
                    "/01-first/"
                } else {
                    "/css/site.css"
                };
                get(port, path)
            })
        })
        .collect();
    for (i, fetcher) in fetchers.into_iter().enumerate() {
        let (status, body) = fetcher.join().unwrap();
        assert_eq!(status, 200, "request {i}");
        assert!(!body.is_empty(), "request {i} got an empty body");
    }
    // One edit reaches every open page.
    std::fs::write(
        course.content().join("01_First.md"),
        "# First\n\nHello again.\n",
    )
    .unwrap();
    for (i, stream) in streams.iter_mut().enumerate() {
        let (event, _) = stream.next();
        assert_eq!(event, "reload", "stream {i}");
    }
    assert!(get(port, "/01-first/").1.contains("Hello again."));
}

/// DNS rebinding: a page on another site whose name now resolves to
/// 127.0.0.1 sends its own name as Host, and its origin as Origin. Only
/// loopback names with the server's port are answered, and the live-reload
/// endpoints refuse foreign origins.
#[test]
fn only_loopback_hosts_and_same_origin_live_reload_are_answered() {
    let course = Course::with(&[FIRST]);
    let server = course.serve();
    let port = server.port;
    let ask = |host: &str, path: &str, origin: Option<&str>| {
        let origin = origin
            .map(|o| format!("Origin: {o}\r\n"))
            .unwrap_or_default();
        request(
            port,
            &format!("GET {path} HTTP/1.1\r\nHost: {host}\r\n{origin}Connection: close\r\n\r\n"),
        )
        .0
    };
    for host in [
        format!("127.0.0.1:{port}"),
        format!("localhost:{port}"),
        format!("LOCALHOST:{port}"),
        format!("[::1]:{port}"),
    ] {
        assert_eq!(ask(&host, "/01-first/", None), 200, "{host}");
    }
    for host in [
        format!("rebind.attacker.example:{port}"),
        "localhost".to_string(),
        format!("localhost:{}", port.wrapping_add(1)),
        format!("127.0.0.1.nip.io:{port}"),
        format!("localhost.:{port}"),
    ] {
        assert_eq!(ask(&host, "/01-first/", None), 403, "{host}");
    }
    let (status, _, body) = request(port, "GET / HTTP/1.1\r\nConnection: close\r\n\r\n");
    assert!(status == 400 || status == 403, "no Host: {status} {body}");

    let host = format!("127.0.0.1:{port}");
    let events = "/__tokenbook/live.js";
    assert_eq!(ask(&host, events, Some("https://attacker.example")), 403);
    assert_eq!(ask(&host, events, Some("null")), 403);
    assert_eq!(
        ask(&host, events, Some(&format!("http://127.0.0.1:{port}"))),
        200
    );
    assert_eq!(ask(&host, events, None), 200);
}

/// `//css` is a directory on disk, but `//css/` in a Location header is a
/// protocol-relative address: another host. The redirect stays on this one.
#[test]
fn a_redirect_never_leaves_the_server() {
    let course = Course::with(&[FIRST]);
    let server = course.serve();
    let port = server.port;
    for (path, expected) in [
        ("//css", "/css/"),
        ("///css", "/css/"),
        ("/css", "/css/"),
        ("//01-first", "/01-first/"),
    ] {
        let (status, head, _) = request(
            port,
            &format!("GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n"),
        );
        assert_eq!(status, 308, "{path}");
        let location = head
            .lines()
            .find_map(|line| {
                line.strip_prefix("location: ")
                    .or_else(|| line.strip_prefix("Location: "))
            })
            .unwrap_or_default();
        assert_eq!(location, expected, "{path}");
    }
}

/// Slowloris: connections that never finish their request head are closed
/// after the header timeout, and however many there are, a real request is
/// still answered.
#[test]
fn half_sent_requests_are_dropped_and_do_not_lock_the_server() {
    let course = Course::with(&[FIRST]);
    let server = course.serve();
    let port = server.port;
    let mut idle: Vec<TcpStream> = (0..700)
        .map(|_| {
            let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
            // Part of a request head, never finished.
            let _ = stream.write_all(b"GET / HTTP/1.1\r\nHost: 127.0");
            stream
        })
        .collect();
    let started = Instant::now();
    assert_eq!(
        get(port, "/01-first/").0,
        200,
        "a real request gets through"
    );
    assert!(
        started.elapsed() < Duration::from_secs(40),
        "answered after {:?}",
        started.elapsed()
    );
    // The server closed the half-sent ones: reading sees the end (or a
    // reset), never a hang past the read timeout.
    for stream in idle.iter_mut().take(20) {
        stream
            .set_read_timeout(Some(Duration::from_secs(30)))
            .unwrap();
        let mut buffer = [0u8; 4096];
        match stream.read(&mut buffer) {
            Ok(read) => assert!(read < buffer.len(), "an answer at most, then the end"),
            Err(error) => assert!(
                !matches!(
                    error.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ),
                "a half-sent request was kept open: {error}"
            ),
        }
    }
}

/// A symlink that appears in the output folder while `serve` runs (where a
/// page's folder or the page itself should be) is replaced, never written
/// or deleted through: nothing outside the output folder changes.
#[test]
fn writes_and_deletes_never_go_through_symlinks_in_the_output() {
    let course = Course::with(&[FIRST, ("02_Second.md", "# Second\n\nWorld.\n")]);
    let content = course.content();
    let outside = course.path("outside");
    std::fs::create_dir(&outside).unwrap();
    std::fs::write(outside.join("index.html"), "precious").unwrap();
    std::fs::write(outside.join("keep.txt"), "precious too").unwrap();
    let out = course.path("public");
    let server = course.serve();
    let mut events = Events::open(server.port);

    // The first lesson's folder becomes a link to a folder outside, and the
    // second lesson's page a link to a file outside.
    std::fs::remove_dir_all(out.join("01-first")).unwrap();
    std::os::unix::fs::symlink(&outside, out.join("01-first")).unwrap();
    std::fs::remove_file(out.join("02-second/index.html")).unwrap();
    std::os::unix::fs::symlink(outside.join("keep.txt"), out.join("02-second/index.html")).unwrap();
    std::fs::write(content.join("01_First.md"), "# First\n\nHello again.\n").unwrap();
    std::fs::write(content.join("02_Second.md"), "# Second\n\nWorld again.\n").unwrap();
    assert_eq!(events.next().0, "reload");
    let deadline = Instant::now() + Duration::from_secs(20);
    while !(get(server.port, "/02-second/").1.contains("World again")
        && get(server.port, "/01-first/").1.contains("Hello again"))
    {
        assert!(Instant::now() < deadline, "the edits were never served");
        std::thread::sleep(Duration::from_millis(100));
    }
    assert_eq!(
        std::fs::read_to_string(outside.join("index.html")).unwrap(),
        "precious"
    );
    assert_eq!(
        std::fs::read_to_string(outside.join("keep.txt")).unwrap(),
        "precious too"
    );
    assert_eq!(
        std::fs::read_dir(&outside).unwrap().count(),
        2,
        "nothing new outside"
    );
    assert!(
        !std::fs::symlink_metadata(out.join("01-first"))
            .unwrap()
            .file_type()
            .is_symlink()
    );

    // A deletion under a linked folder removes the link, not what it
    // points at.
    std::fs::remove_dir_all(out.join("02-second")).unwrap();
    std::os::unix::fs::symlink(&outside, out.join("02-second")).unwrap();
    std::fs::remove_file(content.join("02_Second.md")).unwrap();
    assert_eq!(events.next().0, "reload");
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(
        std::fs::read_dir(&outside).unwrap().count(),
        2,
        "nothing deleted outside"
    );
    assert_eq!(
        std::fs::read_to_string(outside.join("index.html")).unwrap(),
        "precious"
    );
}

/// `rm -rf content && cp -r … content` left the watcher on a folder that no
/// longer existed: no rebuild for any later edit. The watcher follows the
/// new folder.
#[test]
fn the_watcher_follows_a_content_folder_that_is_replaced() {
    let course = Course::with(&[FIRST]);
    let content = course.content();
    let copy = course.path("copy");
    std::fs::create_dir(&copy).unwrap();
    std::fs::write(copy.join("01_First.md"), "# First\n\nReplaced.\n").unwrap();
    let server = course.serve();
    let port = server.port;
    let mut events = Events::open(port);

    std::fs::remove_dir_all(&content).unwrap();
    copy_dir(&copy, &content);
    let deadline = Instant::now() + Duration::from_secs(20);
    while !get(port, "/01-first/").1.contains("Replaced.") {
        assert!(
            Instant::now() < deadline,
            "the replaced folder was never built"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    // And later edits inside the new folder are seen.
    std::fs::write(content.join("01_First.md"), "# First\n\nEdited later.\n").unwrap();
    let deadline = Instant::now() + Duration::from_secs(20);
    while !get(port, "/01-first/").1.contains("Edited later.") {
        assert!(
            Instant::now() < deadline,
            "an edit after the replacement was missed"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    let _ = events.next();
}

/// A problem that is no lesson's diagnostic (here: the content folder is
/// gone) reaches the terminal with its reason, not only the page overlay.
#[test]
fn the_terminal_gets_the_reason_of_every_failed_rebuild() {
    let course = Course::with(&[FIRST]);
    let content = course.content();
    let log = course.path("stderr.txt");
    let server = spawn(
        &content,
        &course.path("public"),
        std::fs::File::create(&log).unwrap().into(),
    );
    let deadline = Instant::now() + Duration::from_secs(20);
    while !std::fs::read_to_string(&log)
        .unwrap()
        .contains("built 1 lessons")
    {
        assert!(Instant::now() < deadline, "serve never built");
        std::thread::sleep(Duration::from_millis(50));
    }
    std::fs::remove_dir_all(&content).unwrap();
    let deadline = Instant::now() + Duration::from_secs(20);
    let reason = "the content directory";
    while !std::fs::read_to_string(&log).unwrap().contains(reason) {
        if Instant::now() > deadline {
            drop(server);
            panic!(
                "no reason on the terminal:\n{}",
                std::fs::read_to_string(&log).unwrap()
            );
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// The 404 page links from the base URL's path (it is served at any
/// address), so `serve` answers that path too: the page keeps its styles.
#[test]
fn the_base_path_is_served_so_the_404_page_keeps_its_styles() {
    let course = Course::with(&[
        (
            "site.toml",
            "title = \"Sub\"\nbase_url = \"https://example.org/course/\"\n",
        ),
        FIRST,
    ]);
    let server = course.serve();
    let (status, page) = get(server.port, "/no/such/page/");
    assert_eq!(status, 404);
    assert!(page.contains("href=\"/course/css/site.css\""), "{page}");
    assert_eq!(get(server.port, "/course/css/site.css").0, 200);
    assert!(
        get(server.port, "/course/01-first/index.html")
            .1
            .contains("Hello.")
    );
    assert_eq!(
        get(server.port, "/css/site.css").0,
        200,
        "the root still works"
    );
}
