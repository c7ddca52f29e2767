//! `cargo xtask serve` end to end: a real server on a free port, real file
//! edits, and the live-reload event stream read over a socket.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

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
    let mut child = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(["serve", "--port", "0", "--content"])
        .arg(content)
        .arg("--out")
        .arg(out)
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
    Server { child, port }
}

/// A raw GET (the path is sent as it is, unnormalised): status and body.
fn get(port: u16, path: &str) -> (u16, String) {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    let status = response
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let body = response
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_string())
        .unwrap_or_default();
    (status, body)
}

/// Opens the event stream; `next` returns the next event's name and data.
struct Events(BufReader<TcpStream>);

impl Events {
    fn open(port: u16) -> Events {
        let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
        write!(stream, "GET /__tokenbook/events HTTP/1.1\r\nHost: localhost\r\nAccept: text/event-stream\r\n\r\n").unwrap();
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
            } else if line.is_empty() && !event.is_empty() {
                return (event, data);
            }
        }
    }
}

#[test]
fn serve_rebuilds_on_edits_shows_errors_and_recovers() {
    let tmp = tempfile::tempdir().unwrap();
    let content = tmp.path().join("content");
    std::fs::create_dir(&content).unwrap();
    std::fs::write(
        content.join("01_First.md"),
        "# First\n\nHello.\n\n[Second](./02_Second.md)\n",
    )
    .unwrap();
    std::fs::write(content.join("02_Second.md"), "# Second\n\nWorld.\n").unwrap();
    std::fs::write(tmp.path().join("secret.txt"), "outside").unwrap();
    let server = start(&content, &tmp.path().join("public"));
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
        data.contains("01_First.md:5:1: error: link to a lesson that does not exist"),
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
