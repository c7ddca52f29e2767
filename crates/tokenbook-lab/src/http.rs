//! HTTP/1.1 as text: a request typed by the reader is parsed the way a
//! strict origin server reads it (RFC 9112: request line, header fields,
//! message body framed by `Content-Length`), with `httparse` for the
//! request line and fields; and a response is formatted to the exact text
//! that would travel back (status line, fields, body).
//!
//! Every way the text can be wrong becomes a [`Refusal`]: the status a
//! server would answer with, and why in plain words with the RFC section.
//! Nothing here panics, whatever the text.

/// The largest request the lab reads, in bytes: a token request is well
/// under 8 KiB, and servers cap what they buffer.
pub const MAX_REQUEST_BYTES: usize = 64 * 1024;

/// The longest header section the lab reads (request line and fields).
const MAX_HEAD_BYTES: usize = 16 * 1024;

/// The most header fields one request may have.
const MAX_HEADERS: usize = 100;

/// A request, as the server understood it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Request {
    /// The method, case-sensitive (RFC 9110 §9.1): `POST`, `GET`.
    pub(crate) method: String,
    /// The request target as sent.
    pub(crate) target: String,
    /// The host the request is for (lowercase, without `:443`): from an
    /// absolute-form target, else from `Host`.
    pub(crate) host: String,
    /// The path of the target, starting with `/`.
    pub(crate) path: String,
    /// The query of the target, without `?`.
    pub(crate) query: Option<String>,
    /// The header fields in order, names as sent.
    pub(crate) headers: Vec<(String, String)>,
    /// The message body.
    pub(crate) body: String,
}

impl Request {
    /// Every value of the field `name` (compared case-insensitively, RFC
    /// 9110 §5.1), in order.
    pub(crate) fn header_values(&self, name: &str) -> Vec<&str> {
        self.headers
            .iter()
            .filter(|(field, _)| field.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
            .collect()
    }

    /// The one value of the field `name`, if it appears exactly once.
    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        match self.header_values(name).as_slice() {
            [one] => Some(one),
            _ => None,
        }
    }

    /// The media type of `Content-Type`, lowercase, without parameters.
    pub(crate) fn media_type(&self) -> Option<String> {
        let value = self.header("content-type")?;
        let essence = value.split(';').next().unwrap_or("").trim();
        Some(essence.to_ascii_lowercase())
    }
}

/// A request the server will not read, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Refusal {
    /// The status to answer with: 400, 413, 431, 501 or 505.
    pub(crate) status: u16,
    /// Why, in plain words, citing the RFC.
    pub(crate) explanation: String,
}

fn refuse(status: u16, explanation: impl Into<String>) -> Refusal {
    Refusal {
        status,
        explanation: explanation.into(),
    }
}

/// Reads `text` as one HTTP/1.1 request. CRLF and bare LF line endings are
/// both accepted (RFC 9112 §2.2 lets a server take a bare LF as a line
/// terminator); empty lines before the request line are skipped (§2.2);
/// a text with no empty line at all is taken as a request without a body.
pub(crate) fn parse_request(text: &str) -> Result<Request, Refusal> {
    if text.len() > MAX_REQUEST_BYTES {
        return Err(refuse(
            413,
            format!(
                "The request is {} bytes long; this server reads at most {MAX_REQUEST_BYTES} bytes and refuses the rest with 413 Content Too Large (RFC 9110 §15.5.14). A token request is a few hundred bytes.",
                text.len()
            ),
        ));
    }
    let text = text.trim_start_matches(['\r', '\n']);
    if text.trim().is_empty() {
        return Err(refuse(
            400,
            "The request is empty. Start with a request line such as POST /oauth2/token HTTP/1.1, then the header fields, an empty line and the body (RFC 9112 §2.1).",
        ));
    }
    if let Some(refusal) = junk(text) {
        return Err(refusal);
    }
    // Within that, a header section too long gets 431 (RFC 6585 §5).
    let head = text
        .find("\r\n\r\n")
        .into_iter()
        .chain(text.find("\n\n"))
        .min()
        .unwrap_or(text.len());
    if head > MAX_HEAD_BYTES {
        return Err(refuse(
            431,
            format!(
                "The header section is {head} bytes long; this server reads at most {MAX_HEAD_BYTES} bytes of it and refuses with 431 Request Header Fields Too Large (RFC 6585 §5). A token request's header fields take a few hundred bytes."
            ),
        ));
    }
    // A textbox rarely ends with the empty line that closes the header
    // section: without a body, the end of the text closes it.
    let padded;
    let text = if text.contains("\n\n") || text.contains("\r\n\r\n") {
        text
    } else {
        padded = format!("{}\r\n\r\n", text.trim_end_matches(['\r', '\n']));
        padded.as_str()
    };
    let mut fields = [httparse::EMPTY_HEADER; MAX_HEADERS];
    let mut parsed = httparse::Request::new(&mut fields);
    let head_len = match parsed.parse(text.as_bytes()) {
        Ok(httparse::Status::Complete(len)) => len,
        Ok(httparse::Status::Partial) => return Err(partial()),
        Err(error) => return Err(syntax_error(text, error)),
    };
    if parsed.version != Some(1) {
        return Err(refuse(
            505,
            "The request line says HTTP/1.0. The lab speaks HTTP/1.1 only and answers 505 HTTP Version Not Supported; a real server would more likely answer an HTTP/1.0 request in HTTP/1.1 (RFC 9112 §2.3), since 505 is meant for a major version it does not support (RFC 9110 §15.6.6). End the request line with HTTP/1.1.",
        ));
    }
    let method = parsed.method.unwrap_or_default().to_owned();
    let target = parsed.path.unwrap_or_default().to_owned();
    let mut headers = Vec::new();
    for field in parsed.headers.iter() {
        let Ok(value) = std::str::from_utf8(field.value) else {
            return Err(refuse(
                400,
                format!("The value of the header field {} is not text.", field.name),
            ));
        };
        headers.push((field.name.to_owned(), value.trim().to_owned()));
    }
    let (authority, path, query) = split_target(&method, &target)?;
    let mut request = Request {
        method,
        target,
        host: String::new(),
        path,
        query,
        headers,
        body: String::new(),
    };
    request.host = host_of(&request, authority.as_deref())?;
    request.body = body_of(&request, &text[head_len..])?;
    Ok(request)
}

/// Control characters (other than tab, CR and LF) in the request: binary
/// data, not an HTTP message.
fn junk(text: &str) -> Option<Refusal> {
    let (index, c) = text
        .char_indices()
        .find(|(_, c)| c.is_control() && !matches!(c, '\t' | '\r' | '\n'))?;
    let line = text[..index].matches('\n').count() + 1;
    Some(refuse(
        400,
        format!(
            "Line {line} holds the control character U+{:04X}: this is not the text of an HTTP message, and a server answers 400 Bad Request to what it cannot parse (RFC 9112 §2.2).",
            u32::from(c)
        ),
    ))
}

fn partial() -> Refusal {
    refuse(
        400,
        "The header fields never end: a request needs an empty line after its last header field, before the body (RFC 9112 §2.1). A server would wait for it and then time out.",
    )
}

/// The first line of the header section with no colon, numbered from 1.
fn line_without_colon(text: &str) -> Option<(usize, &str)> {
    text.lines()
        .enumerate()
        .skip(1)
        .take_while(|(_, line)| !line.trim_end_matches('\r').is_empty())
        .find(|(_, line)| !line.contains(':'))
        .map(|(index, line)| (index + 1, line.trim_end_matches('\r')))
}

fn syntax_error(text: &str, error: httparse::Error) -> Refusal {
    let first = text.lines().next().unwrap_or("").trim_end_matches('\r');
    match error {
        httparse::Error::Version => refuse(
            505,
            format!(
                "The request line \"{first}\" does not end with HTTP/1.1. This server speaks HTTP/1.1 only (RFC 9112 §2.3) and answers 505 HTTP Version Not Supported."
            ),
        ),
        httparse::Error::TooManyHeaders => refuse(
            431,
            format!(
                "The request has more than {MAX_HEADERS} header fields; the server refuses with 431 Request Header Fields Too Large (RFC 6585 §5)."
            ),
        ),
        httparse::Error::Token | httparse::Error::Status => refuse(
            400,
            format!(
                "The request line \"{first}\" is not METHOD TARGET HTTP/1.1 with single spaces between (RFC 9112 §3), for example POST /oauth2/token HTTP/1.1."
            ),
        ),
        _ => match line_without_colon(text) {
            Some((line, content)) => refuse(
                400,
                format!(
                    "Line {line}, \"{content}\", is a header field without a colon. Each field is name: value (RFC 9112 §5); a server answers 400 Bad Request to a malformed field."
                ),
            ),
            None => refuse(
                400,
                "A header field is malformed: its name has a space or a character not allowed in a field name, or a line starts with white space (obsolete line folding, which RFC 9112 §5.2 lets a server reject). Write each field as name: value on one line.",
            ),
        },
    }
}

/// Authority (for an absolute-form target), path and query.
fn split_target(
    method: &str,
    target: &str,
) -> Result<(Option<String>, String, Option<String>), Refusal> {
    let (authority, rest) = if target.starts_with('/') {
        (None, target)
    } else if let Some(rest) = target.strip_prefix("https://") {
        let end = rest.find(['/', '?']).unwrap_or(rest.len());
        (Some(rest[..end].to_owned()), &rest[end..])
    } else if target.starts_with("http://") {
        return Err(refuse(
            400,
            "The target is an http:// URL, without TLS. Tokens and client credentials travel only over TLS (RFC 6749 §3.2 and §2.3.1, RFC 6750 §5.3): use https://, or the origin form /path with a Host field.",
        ));
    } else {
        let form = if target == "*" {
            "the asterisk form, which only OPTIONS may use"
        } else if method == "CONNECT" {
            "the authority form of CONNECT, which only proxies answer"
        } else {
            "not a path starting with / nor an absolute https:// URL"
        };
        return Err(refuse(
            400,
            format!(
                "The request target \"{target}\" is {form} (RFC 9112 §3.2). Write a path such as /oauth2/token."
            ),
        ));
    };
    let rest = rest.split('#').next().unwrap_or("");
    let (path, query) = match rest.split_once('?') {
        Some((path, query)) => (path, Some(query.to_owned())),
        None => (rest, None),
    };
    let path = if path.is_empty() { "/" } else { path };
    Ok((authority, path.to_owned(), query))
}

/// `host` lowercased, without the default port 443 and a trailing dot.
fn normalize_host(host: &str) -> String {
    let host = host.trim().to_ascii_lowercase();
    let host = host.strip_suffix(":443").unwrap_or(&host);
    host.trim_end_matches('.').to_owned()
}

fn host_of(request: &Request, authority: Option<&str>) -> Result<String, Refusal> {
    let hosts = request.header_values("host");
    let host = match hosts.as_slice() {
        [one] => normalize_host(one),
        [] => {
            return Err(refuse(
                400,
                "The request has no Host field. Every HTTP/1.1 request must name the host it is for, and a server answers 400 to one without (RFC 9112 §3.2). Add Host: auth.example.com or Host: ledger.example.com.",
            ));
        }
        _ => {
            return Err(refuse(
                400,
                "The request has more than one Host field; a server must answer 400 (RFC 9112 §3.2), since two hosts make the target ambiguous.",
            ));
        }
    };
    // After an IPv6 literal's brackets, if any: `:port`, digits only.
    let after_literal = host
        .rsplit_once(']')
        .map_or(host.as_str(), |(_, rest)| rest);
    let bad_port = after_literal
        .rsplit_once(':')
        .is_some_and(|(_, port)| port.is_empty() || !port.bytes().all(|b| b.is_ascii_digit()));
    if host.is_empty() || host.contains(['/', ' ', '@']) || bad_port {
        return Err(refuse(
            400,
            format!(
                "The Host field, \"{host}\", is not a host name; a server answers 400 to an invalid Host (RFC 9112 §3.2)."
            ),
        ));
    }
    // With an absolute-form target the server goes by the target's
    // authority and ignores Host (RFC 9112 §3.2.2), even when a client
    // sent a different one against §3.2's rule.
    Ok(authority.map(normalize_host).unwrap_or(host))
}

/// The body, framed by `Content-Length` (RFC 9112 §6.3). Without the field,
/// the lab takes the rest of the text as the body, as `curl` would have
/// counted it; a real server would read no body, which the lab panel says
/// beside the editor.
fn body_of(request: &Request, rest: &str) -> Result<String, Refusal> {
    if !request.header_values("transfer-encoding").is_empty() {
        return Err(refuse(
            501,
            "The request has a Transfer-Encoding field. This lab reads bodies framed by Content-Length only and answers 501 Not Implemented, which RFC 9112 §6.1 gives for a transfer coding a server does not understand. That is the lab's limit: a real HTTP/1.1 server must be able to parse chunked (RFC 9112 §6.1, §7.1). Send the body with Content-Length.",
        ));
    }
    let lengths = request.header_values("content-length");
    let Some(first) = lengths.first() else {
        return Ok(rest.to_owned());
    };
    if lengths.iter().any(|length| length != first) {
        return Err(refuse(
            400,
            "The request has Content-Length fields with different values, so its body's length cannot be known: a server must answer 400 (RFC 9112 §6.3).",
        ));
    }
    // 1*DIGIT (RFC 9110 §8.6): no sign, no spaces, as usize's parse allows "+3".
    let digits = !first.is_empty() && first.bytes().all(|b| b.is_ascii_digit());
    let Some(declared) = digits.then(|| first.parse::<usize>().ok()).flatten() else {
        return Err(refuse(
            400,
            format!(
                "Content-Length is \"{first}\", not a number of bytes; a server must answer 400 (RFC 9112 §6.3)."
            ),
        ));
    };
    if rest.len() < declared {
        return Err(refuse(
            400,
            format!(
                "Content-Length says the body has {declared} bytes, but only {} follow. A server would wait for the rest and give up; the lab answers 400 at once (RFC 9112 §6.3 and §8). Remove Content-Length and the lab counts the body for you.",
                rest.len()
            ),
        ));
    }
    let (body, extra) = rest.split_at_checked(declared).ok_or_else(|| {
        refuse(
            400,
            format!(
                "Content-Length ({declared}) ends the body inside a character: it counts bytes, and this body's characters are longer than one byte."
            ),
        )
    })?;
    // Empty lines after a message are ignored before the next one (RFC 9112
    // §2.2); anything else would be read as a second request.
    if !extra.trim_matches(['\r', '\n']).is_empty() {
        return Err(refuse(
            400,
            format!(
                "Content-Length says the body has {declared} bytes, but {} more follow. A server reads exactly Content-Length bytes and takes what comes after as the start of the next request, which here is not one (RFC 9112 §6.3): correct Content-Length, or remove it and the lab counts the body for you.",
                extra.len()
            ),
        ));
    }
    Ok(body.to_owned())
}

/// A response, as it goes back on the wire.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Response {
    /// The status code.
    pub status: u16,
    /// The header fields in order (`Content-Length` is added when
    /// formatted, unless a HEAD response already names GET's).
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: String,
}

impl Response {
    /// A response with no fields and no body.
    pub fn new(status: u16) -> Self {
        Self {
            status,
            headers: Vec::new(),
            body: String::new(),
        }
    }

    /// A JSON response: `Content-Type: application/json`, the value pretty
    /// printed.
    pub fn json(status: u16, value: &serde_json::Value) -> Self {
        let body = serde_json::to_string_pretty(value).unwrap_or_default();
        Self::new(status)
            .with("Content-Type", "application/json")
            .with_body(body)
    }

    /// The same response with one more header field.
    pub fn with(mut self, name: &str, value: impl Into<String>) -> Self {
        self.headers.push((name.to_owned(), value.into()));
        self
    }

    fn with_body(mut self, body: String) -> Self {
        self.body = body;
        self
    }

    /// The value of the field `name` (case-insensitive), if present.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(field, _)| field.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }

    /// The reason phrase of the status.
    pub fn reason(&self) -> &'static str {
        reason_phrase(self.status)
    }

    /// The exact response text: status line, fields, `Content-Length`, an
    /// empty line and the body, lines ended by CRLF (RFC 9112 §2.1).
    pub fn to_text(&self) -> String {
        let mut text = format!("HTTP/1.1 {} {}\r\n", self.status, self.reason());
        for (name, value) in &self.headers {
            text.push_str(&format!("{name}: {value}\r\n"));
        }
        // A HEAD response already carries GET's Content-Length.
        if self.header("Content-Length").is_none() {
            text.push_str(&format!("Content-Length: {}\r\n", self.body.len()));
        }
        text.push_str("\r\n");
        text.push_str(&self.body);
        text
    }
}

/// The reason phrases of RFC 9110 §15 for the statuses the lab sends.
fn reason_phrase(status: u16) -> &'static str {
    match status {
        200 => "OK",
        201 => "Created",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        413 => "Content Too Large",
        415 => "Unsupported Media Type",
        421 => "Misdirected Request",
        431 => "Request Header Fields Too Large",
        501 => "Not Implemented",
        505 => "HTTP Version Not Supported",
        _ => "Unknown",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TOKEN_REQUEST: &str = "POST /oauth2/token HTTP/1.1\r\nHost: auth.example.com\r\nContent-Type: application/x-www-form-urlencoded\r\n\r\ngrant_type=client_credentials";

    fn status(text: &str) -> u16 {
        parse_request(text).map_or_else(|refusal| refusal.status, |_| 200)
    }

    fn explanation(text: &str) -> String {
        parse_request(text).expect_err("refused").explanation
    }

    #[test]
    fn rfc9112_s3_request_line_headers_and_body() {
        let request = parse_request(TOKEN_REQUEST).unwrap();
        assert_eq!(request.method, "POST");
        assert_eq!(request.path, "/oauth2/token");
        assert_eq!(request.query, None);
        assert_eq!(request.host, "auth.example.com");
        assert_eq!(request.body, "grant_type=client_credentials");
        assert_eq!(
            request.media_type().as_deref(),
            Some("application/x-www-form-urlencoded")
        );
    }

    #[test]
    fn rfc9112_s2_2_bare_lf_line_endings_and_leading_empty_lines() {
        let lf = format!("\n\n{}", TOKEN_REQUEST.replace("\r\n", "\n"));
        let request = parse_request(&lf).unwrap();
        assert_eq!(request.host, "auth.example.com");
        assert_eq!(request.body, "grant_type=client_credentials");
    }

    #[test]
    fn rfc9110_s5_1_field_names_are_case_insensitive() {
        let request =
            parse_request("GET /x?a=1 HTTP/1.1\nhOsT: AUTH.example.com:443\nCONTENT-TYPE: Application/JSON; charset=utf-8\n\n").unwrap();
        assert_eq!(request.host, "auth.example.com");
        assert_eq!(request.query.as_deref(), Some("a=1"));
        assert_eq!(request.media_type().as_deref(), Some("application/json"));
        assert_eq!(
            request.header("Content-Type"),
            request.header("content-type")
        );
    }

    #[test]
    fn rfc9112_s3_2_2_absolute_form_targets() {
        let request = parse_request(
            "GET https://ledger.example.com/ledger/entries?x=1 HTTP/1.1\nHost: ledger.example.com\n\n",
        )
        .unwrap();
        assert_eq!(request.host, "ledger.example.com");
        assert_eq!(request.path, "/ledger/entries");
        assert_eq!(request.query.as_deref(), Some("x=1"));
        // RFC 9112 §3.2.2: an absolute-form target's authority is the host,
        // whatever the Host field says.
        let other =
            "GET https://evil.example.net/ledger/entries HTTP/1.1\nHost: ledger.example.com\n\n";
        assert_eq!(parse_request(other).unwrap().host, "evil.example.net");
        // RFC 9112 §3.2: an invalid Host value gets 400 (here a port that
        // is no number); RFC 9110 §8.6: Content-Length is digits only.
        assert_eq!(
            status("GET / HTTP/1.1\nHost: auth.example.com:abc\n\n"),
            400
        );
        assert_eq!(
            status("POST / HTTP/1.1\nHost: auth.example.com\nContent-Length: +3\n\nabc"),
            400
        );
        assert_eq!(
            parse_request("GET / HTTP/1.1\nHost: [::1]:8443\n\n")
                .unwrap()
                .host,
            "[::1]:8443"
        );
        assert_eq!(
            status("GET http://ledger.example.com/ HTTP/1.1\nHost: ledger.example.com\n\n"),
            400
        );
        assert_eq!(status("GET * HTTP/1.1\nHost: ledger.example.com\n\n"), 400);
        assert_eq!(
            status("GET ledger HTTP/1.1\nHost: ledger.example.com\n\n"),
            400
        );
    }

    #[test]
    fn rfc9112_s5_a_header_without_a_colon_is_a_400_naming_its_line() {
        let text =
            "POST /oauth2/token HTTP/1.1\nHost: auth.example.com\nAuthorization Basic abc\n\n";
        assert_eq!(status(text), 400);
        let why = explanation(text);
        assert!(
            why.contains("Line 3") && why.contains("without a colon"),
            "{why}"
        );
    }

    #[test]
    fn rfc9112_s3_2_host_is_required_once() {
        assert_eq!(status("GET / HTTP/1.1\n\n"), 400);
        assert_eq!(
            status("GET / HTTP/1.1\nHost: auth.example.com\nHost: ledger.example.com\n\n"),
            400
        );
    }

    #[test]
    fn rfc9112_s6_3_content_length_must_match_the_body() {
        let exact = "POST /t HTTP/1.1\nHost: a.example\nContent-Length: 3\n\nabc";
        assert_eq!(parse_request(exact).unwrap().body, "abc");
        // Trailing empty lines are ignored (§2.2).
        assert_eq!(
            parse_request(&format!("{exact}\r\n\n")).unwrap().body,
            "abc"
        );
        let longer = "POST /t HTTP/1.1\nHost: a.example\nContent-Length: 2\n\nabc";
        assert_eq!(status(longer), 400);
        assert!(explanation(longer).contains("1 more follow"));
        let shorter = "POST /t HTTP/1.1\nHost: a.example\nContent-Length: 9\n\nabc";
        assert!(explanation(shorter).contains("only 3 follow"));
        assert_eq!(
            status("POST /t HTTP/1.1\nHost: a.example\nContent-Length: x\n\nabc"),
            400
        );
        assert_eq!(
            status(
                "POST /t HTTP/1.1\nHost: a.example\nContent-Length: 3\nContent-Length: 4\n\nabc"
            ),
            400
        );
        assert_eq!(
            status("POST /t HTTP/1.1\nHost: a.example\nContent-Length: 1\n\né"),
            400
        );
        assert_eq!(
            status(
                "POST /t HTTP/1.1\nHost: a.example\nTransfer-Encoding: chunked\n\n3\nabc\n0\n\n"
            ),
            501
        );
    }

    #[test]
    fn rfc9110_s15_5_14_s15_6_6_and_rfc6585_s5_oversized_binary_and_broken_requests_are_refused_never_panicking()
     {
        assert_eq!(status(&"a".repeat(MAX_REQUEST_BYTES + 1)), 413);
        assert_eq!(status("\u{0}\u{1}\u{2}binary"), 400);
        assert_eq!(status(""), 400);
        assert!(explanation("GET / HTTP/1.1").contains("no Host"));
        // Without an empty line, the end of the text ends the fields.
        assert_eq!(status("GET / HTTP/1.1\nHost: a.example"), 200);
        assert_eq!(status("GET / HTTP/1.1\nHost: a.example\n"), 200);
        assert_eq!(status("GET / HTTP/2.0\nHost: a.example\n\n"), 505);
        assert_eq!(status("GET / HTTP/1.0\nHost: a.example\n\n"), 505);
        assert_eq!(status("GET  / HTTP/1.1\nHost: a.example\n\n"), 400);
        let long = format!(
            "GET / HTTP/1.1\nHost: a.example\nX-Long: {}\n\n",
            "y".repeat(20_000)
        );
        assert_eq!(status(&long), 431);
        assert!(explanation(&long).contains("RFC 6585 §5"));
        let many: String = (0..150).map(|i| format!("X-{i}: y\n")).collect();
        assert_eq!(
            status(&format!("GET / HTTP/1.1\nHost: a.example\n{many}\n")),
            431
        );
    }

    #[test]
    fn rfc9112_s4_responses_format_to_exact_text() {
        let response = Response::json(400, &serde_json::json!({"error": "invalid_request"}))
            .with("Cache-Control", "no-store");
        assert_eq!(
            response.to_text(),
            "HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\nCache-Control: no-store\r\nContent-Length: 32\r\n\r\n{\n  \"error\": \"invalid_request\"\n}"
        );
        assert_eq!(
            Response::new(401)
                .with("WWW-Authenticate", "Bearer realm=\"ledger\"")
                .to_text(),
            "HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Bearer realm=\"ledger\"\r\nContent-Length: 0\r\n\r\n"
        );
        assert_eq!(response.header("cache-control"), Some("no-store"));
    }

    proptest::proptest! {
        #[test]
        fn any_text_parses_or_is_refused(text in "\\PC{0,300}") {
            let _ = parse_request(&text);
        }

        #[test]
        fn any_mutation_of_a_token_request_parses_or_is_refused(at in 0usize..160, junk in "[\\x00-\\x7f]{0,4}") {
            let mut text = TOKEN_REQUEST.to_owned();
            let at = at.min(text.len());
            text.insert_str(at, &junk);
            let _ = parse_request(&text);
        }
    }
}
