//! The dev server's HTTP side (axum): files of the output directory for
//! GET and HEAD only, with `..`, encoded separators and dots, backslashes,
//! NUL and symlinks that lead out of it answered 404; the live-reload
//! script injected into every page; and the server-sent events that tell
//! open pages to reload, show a problem, or that the search index is new.
//! Pages are never cached.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderValue, Method, Request, StatusCode, header};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use tokio_stream::StreamExt as _;
use tokio_stream::wrappers::BroadcastStream;

use crate::state::{Notice, Shared};

/// Where the live-reload script and its event stream are served.
pub(crate) const LIVE_SCRIPT: &str = "/__tokenbook/live.js";
pub(crate) const EVENTS: &str = "/__tokenbook/events";

/// The server's routes, for requests addressed to this server on `port`
/// (see `guard`).
pub(crate) fn router(shared: Arc<Shared>, port: u16) -> Router {
    Router::new()
        .route(LIVE_SCRIPT, get(live_script))
        .route(EVENTS, get(events))
        .fallback(serve_file)
        .with_state(shared)
        .layer(axum::middleware::from_fn_with_state(
            port,
            crate::guard::same_host_only,
        ))
}

pub(crate) async fn live_script() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        include_str!("live.js"),
    )
        .into_response()
}

pub(crate) async fn events(State(shared): State<Arc<Shared>>) -> Response {
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
pub(crate) async fn serve_file(
    State(shared): State<Arc<Shared>>,
    request: Request<Body>,
) -> Response {
    if request.method() != Method::GET && request.method() != Method::HEAD {
        return StatusCode::METHOD_NOT_ALLOWED.into_response();
    }
    let mut raw = request.uri().path().to_string();
    let head = request.method() == Method::HEAD;
    // The course's base path is served as the root too (the 404 page
    // links from it), unless a file of the site lives at that path.
    let base = shared
        .base_path
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .clone();
    if base != "/"
        && let Some(rest) = raw.strip_prefix(base.as_str())
        && resolve(&shared.out, &raw).is_none()
    {
        raw = format!("/{rest}");
    }
    let Some(path) = resolve(&shared.out, &raw) else {
        return not_found(&shared.out, head);
    };
    if path.is_dir() {
        if !raw.ends_with('/') {
            // One leading slash: `//css/` would be another host's address.
            let location = format!("/{}/", raw.trim_start_matches('/'));
            return (
                StatusCode::PERMANENT_REDIRECT,
                [(header::LOCATION, location)],
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
pub(crate) fn resolve(root: &Path, raw: &str) -> Option<PathBuf> {
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

pub(crate) fn percent_decode(text: &str) -> Option<String> {
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

pub(crate) fn not_found(root: &Path, head: bool) -> Response {
    let page = root.join("404.html");
    if page.is_file() {
        file_response(&page, StatusCode::NOT_FOUND, head)
    } else {
        (StatusCode::NOT_FOUND, "not found").into_response()
    }
}

pub(crate) fn file_response(path: &Path, status: StatusCode, head: bool) -> Response {
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
pub(crate) fn inject_live_script(html: Vec<u8>) -> Vec<u8> {
    let tag = format!("<script src=\"{LIVE_SCRIPT}\" defer></script>\n");
    let text = String::from_utf8_lossy(&html);
    match text.find("</head>") {
        Some(i) => format!("{}{tag}{}", &text[..i], &text[i..]).into_bytes(),
        None => html,
    }
}

pub(crate) fn content_type(path: &Path) -> &'static str {
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

pub(crate) fn open_browser(url: &str) {
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
    pub(crate) fn hostile_paths_resolve_to_nothing() {
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
    pub(crate) fn pages_get_the_live_script_before_head_ends() {
        let page =
            inject_live_script(b"<html><head><title>t</title></head><body></body></html>".to_vec());
        let page = String::from_utf8(page).unwrap();
        assert!(
            page.contains("<script src=\"/__tokenbook/live.js\" defer></script>\n</head>"),
            "{page}"
        );
    }
}
