//! Who the dev server answers. A web page elsewhere can make its own name
//! resolve to 127.0.0.1 (DNS rebinding) and then read drafts and the
//! live-reload stream, whose problem events carry local paths and source
//! lines. Browsers always send the name they connected to as `Host`, so
//! the server answers only requests addressed to a loopback name with its
//! own port, and its live-reload endpoints only pages of its own origin.

use axum::extract::{Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// Refuses requests for another host, and cross-origin requests to the
/// live-reload endpoints (`/__tokenbook/…`).
pub(crate) async fn same_host_only(
    State(port): State<u16>,
    request: Request,
    next: Next,
) -> Response {
    let host = request
        .headers()
        .get(header::HOST)
        .and_then(|value| value.to_str().ok())
        .unwrap_or("");
    if !is_loopback_host(host, port) {
        return refuse(format!(
            "This is tokenbook's dev server: it answers only requests addressed to 127.0.0.1:{port} or localhost:{port}, and this one was for {host:?}.\n"
        ));
    }
    if request.uri().path().starts_with("/__tokenbook/")
        && let Some(origin) = request.headers().get(header::ORIGIN)
    {
        let same = origin
            .to_str()
            .ok()
            .and_then(|origin| origin.strip_prefix("http://"))
            .is_some_and(|origin| is_loopback_host(origin, port));
        if !same {
            return refuse(
                "The live-reload endpoints answer only pages this server served.\n".to_string(),
            );
        }
    }
    next.run(request).await
}

fn refuse(text: String) -> Response {
    (
        StatusCode::FORBIDDEN,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        text,
    )
        .into_response()
}

/// `127.0.0.1`, `localhost` or `[::1]` (in any case) with `port`; without a
/// port only when the port is HTTP's default, 80.
pub(crate) fn is_loopback_host(host: &str, port: u16) -> bool {
    let host = host.to_ascii_lowercase();
    let (name, given) = match host.rsplit_once(':') {
        Some((name, given)) if !name.is_empty() && !given.contains(']') => (name, Some(given)),
        _ => (host.as_str(), None),
    };
    let port_matches = match given {
        Some(given) => given.parse::<u16>() == Ok(port),
        None => port == 80,
    };
    port_matches && matches!(name, "127.0.0.1" | "localhost" | "[::1]")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_names_with_the_right_port() {
        for host in [
            "127.0.0.1:8000",
            "localhost:8000",
            "LocalHost:8000",
            "[::1]:8000",
        ] {
            assert!(is_loopback_host(host, 8000), "{host}");
        }
        for host in [
            "",
            "localhost",
            "localhost:",
            "localhost:8001",
            "localhost:08000x",
            "evil.example:8000",
            "127.0.0.1.evil.example:8000",
            "localhost.:8000",
            "[::1]",
            "::1:8000",
            "127.0.0.2:8000",
        ] {
            assert!(!is_loopback_host(host, 8000), "{host}");
        }
        assert!(is_loopback_host("localhost", 80));
        assert!(is_loopback_host("[::1]", 80));
    }
}
