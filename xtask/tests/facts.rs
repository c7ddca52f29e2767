//! The course quotes its facts exactly (`tokenbook_token::facts`): every
//! lesson and the naive app name the authorization server's endpoints, the
//! APIs' identifiers, the clients, their FAKE secrets and Basic headers,
//! the key ids and the lifetimes as the playground's samples do. A value
//! that disagrees fails with its `file:line`, unless it is listed below as
//! a deliberate mistake that its lesson calls one.

use std::path::{Path, PathBuf};

use base64::Engine as _;
use tokenbook_token::facts;

/// Values lessons show on purpose, each called wrong in its text: file
/// name, the value as written.
const DELIBERATE: &[(&str, &str)] = &[
    // Exact matching of `iss`: a trailing slash is another issuer.
    ("07_How_The_API_Validates.md", "https://auth.example.com/"),
    // A check question about the wrong audience of a client assertion.
    (
        "09_Stronger_Client_Authentication.md",
        "https://auth.example.com/oauth2/token",
    ),
    // A token exchanged under RFC 8693 lives until the token it came from
    // expires: the server's policy, explained beside it.
    ("06_Scopes_And_Audiences.md", "840"),
];

/// Client ids of the course's world (the APIs authenticate with mTLS when
/// they introspect or exchange tokens).
fn known_client_ids() -> Vec<&'static str> {
    let mut ids: Vec<&str> = facts::CLIENTS.iter().map(|c| c.id).collect();
    ids.extend([
        facts::USER_APP_CLIENT_ID,
        facts::LEDGER_API.name,
        facts::REPORTS_API.name,
    ]);
    ids
}

fn content() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .join("content")
}

/// Every lesson and every text file of the naive app: name and text.
fn course_files() -> Vec<(String, String)> {
    let mut files: Vec<(String, String)> = walkdir::WalkDir::new(content())
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| {
            e.file_type().is_file()
                && e.path()
                    .extension()
                    .is_some_and(|x| ["md", "js", "html"].contains(&x.to_str().unwrap()))
        })
        .map(|e| {
            (
                e.file_name().to_string_lossy().into_owned(),
                std::fs::read_to_string(e.path()).unwrap(),
            )
        })
        .collect();
    files.sort();
    assert!(files.len() > 12, "{files:?}");
    files
}

/// The line of byte `offset`.
fn line_of(text: &str, offset: usize) -> usize {
    text[..offset].matches('\n').count() + 1
}

fn deliberate(file: &str, value: &str) -> bool {
    DELIBERATE.contains(&(file, value))
}

/// `application/x-www-form-urlencoded`, as RFC 6749 §2.3.1 asks of ids and
/// secrets in a Basic header.
fn form_encode(value: &str) -> String {
    let mut out = String::new();
    for byte in value.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'*' => {
                out.push(byte as char)
            }
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

/// Every `https://` URL on one of the course's hosts, trimmed of the
/// punctuation around it in prose: offset and URL.
fn course_urls(text: &str) -> Vec<(usize, &str)> {
    let mut urls = Vec::new();
    for (offset, _) in text.match_indices("https://") {
        let rest = &text[offset..];
        let end = rest
            .find(|c: char| c.is_whitespace() || "\"'`<>)]},|\\".contains(c))
            .unwrap_or(rest.len());
        let url = rest[..end].trim_end_matches(['.', ',', ':', ';']);
        let host = url["https://".len()..]
            .split(['/', '?', '#'])
            .next()
            .unwrap();
        if [
            "auth.example.com",
            "ledger.example.com",
            "reports.example.com",
        ]
        .contains(&host)
        {
            urls.push((offset, url));
        }
    }
    urls
}

/// The string values of a JSON member, an object key, a constant or a form
/// parameter named `name`: `"name": "value"`, `"name": ["value"]`,
/// `name: "value"`, `NAME = "value"`, `name=value`.
fn values_of<'a>(text: &'a str, name: &str) -> Vec<(usize, &'a str)> {
    let mut values = Vec::new();
    for pattern in [
        format!("\"{name}\": \""),
        format!("\"{name}\":\""),
        format!("\"{name}\": [\""),
        format!(" {name}: \""),
        format!(" {} = \"", name.to_ascii_uppercase()),
    ] {
        for (offset, _) in text.match_indices(&pattern) {
            let start = offset + pattern.len();
            if let Some(end) = text[start..].find('"') {
                values.push((start, &text[start..start + end]));
            }
        }
    }
    for (offset, _) in text.match_indices(&format!("{name}=")) {
        let before = text[..offset].chars().next_back();
        if before.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_') {
            continue;
        }
        let start = offset + name.len() + 1;
        let end = text[start..]
            .find(|c: char| c.is_whitespace() || "&\"'`\\)".contains(c))
            .map_or(text.len(), |e| start + e);
        values.push((start, &text[start..end]));
    }
    values
}

#[test]
fn every_url_of_the_course_hosts_is_one_of_its_endpoints_or_an_api_identifier() {
    let endpoints = [
        facts::ISSUER,
        facts::TOKEN_ENDPOINT,
        facts::JWKS_URI,
        facts::INTROSPECTION_ENDPOINT,
        facts::REVOCATION_ENDPOINT,
        facts::METADATA_URL,
    ];
    let mut wrong = Vec::new();
    for (file, text) in course_files() {
        for (offset, url) in course_urls(&text) {
            let ok = if url.starts_with("https://auth.example.com") {
                endpoints.contains(&url)
            } else {
                // An API's identifier, exactly, or a request to one of its
                // paths (never the identifier with a bare trailing slash).
                [facts::LEDGER_API, facts::REPORTS_API].iter().any(|api| {
                    url == api.identifier
                        || url
                            .strip_prefix(api.identifier)
                            .is_some_and(|path| path.len() > 1 && path.starts_with('/'))
                })
            };
            if !ok && !deliberate(&file, url) {
                wrong.push(format!("{file}:{}: {url}", line_of(&text, offset)));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "URLs that are none of the course's endpoints or APIs:\n{}",
        wrong.join("\n")
    );
}

#[test]
fn issuers_audiences_client_ids_and_key_ids_are_the_course_s() {
    let key_ids = [
        facts::SIGNING_KEY_ID,
        facts::NEXT_SIGNING_KEY_ID,
        facts::BILLING_SERVICE_ASSERTION_KEY_ID,
        tokenbook_token::HS256_KID,
    ];
    let clients = known_client_ids();
    let mut wrong = Vec::new();
    for (file, text) in course_files() {
        let mut flag = |offset: usize, what: &str, value: &str| {
            if !deliberate(&file, value) {
                wrong.push(format!(
                    "{file}:{}: {what} {value:?}",
                    line_of(&text, offset)
                ));
            }
        };
        for (offset, iss) in values_of(&text, "iss") {
            // Provider lessons show their own issuers; ours must be exact.
            if iss.contains("auth.example.com") && iss != facts::ISSUER {
                flag(offset, "iss", iss);
            }
        }
        for (offset, aud) in values_of(&text, "aud") {
            let ours = [facts::LEDGER_API, facts::REPORTS_API]
                .iter()
                .any(|api| aud.contains(api.identifier.trim_start_matches("https://")));
            if ours && aud != facts::LEDGER_API.identifier && aud != facts::REPORTS_API.identifier {
                flag(offset, "aud", aud);
            }
        }
        for (offset, kid) in values_of(&text, "kid") {
            if !key_ids.contains(&kid) && !kid.starts_with('{') {
                flag(offset, "kid", kid);
            }
        }
        for (offset, id) in values_of(&text, "client_id") {
            if !clients.contains(&id) && !id.starts_with('{') && !id.starts_with('$') {
                flag(offset, "client_id", id);
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "values that disagree with the course facts:\n{}",
        wrong.join("\n")
    );
}

#[test]
fn every_secret_and_basic_header_is_a_course_client_s() {
    let mut secrets: Vec<String> = facts::CLIENTS.iter().map(|c| c.secret.to_owned()).collect();
    secrets.push(facts::BILLING_SERVICE_ROTATED_SECRET.to_owned());
    let encoded: Vec<String> = secrets.iter().map(|s| form_encode(s)).collect();
    let mut pairs: Vec<String> = facts::CLIENTS
        .iter()
        .map(|c| format!("{}:{}", form_encode(c.id), form_encode(c.secret)))
        .collect();
    pairs.push(format!(
        "{}:{}",
        facts::BILLING_SERVICE.id,
        form_encode(facts::BILLING_SERVICE_ROTATED_SECRET)
    ));
    let mut wrong = Vec::new();
    let mut headers = 0;
    for (file, text) in course_files() {
        for (offset, secret) in values_of(&text, "client_secret") {
            let secret = secret.trim_end_matches([',', ';']);
            let known = secrets.iter().any(|s| s == secret) || encoded.iter().any(|s| s == secret);
            if !known && !secret.starts_with('{') && !secret.starts_with('$') && !secret.is_empty()
            {
                wrong.push(format!(
                    "{file}:{}: client_secret {secret:?}",
                    line_of(&text, offset)
                ));
            }
        }
        for (offset, _) in text.match_indices("Basic ") {
            let start = offset + "Basic ".len();
            let base64 = |s: &str| -> String {
                s.chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || "+/=".contains(*c))
                    .collect()
            };
            let mut value = base64(&text[start..]);
            // A header drawn across two lines of a diagram box goes on
            // in the next line's first word.
            let line_end = text[start..].find('\n').map_or(text.len(), |e| start + e);
            if text[start + value.len()..line_end]
                .trim()
                .trim_end_matches('│')
                .trim()
                .is_empty()
            {
                let next = text[line_end..].trim_start_matches('\n');
                let next = next.trim_start_matches(['│', ' ']);
                let more = base64(next);
                if next[more.len()..].starts_with(' ') && more.len() >= 4 {
                    value.push_str(&more);
                }
            }
            // `Basic realm=…` in a WWW-Authenticate header, and prose.
            if value.len() < 16 || value.starts_with("realm") {
                continue;
            }
            headers += 1;
            let decoded = base64::engine::general_purpose::STANDARD
                .decode(&value)
                .ok()
                .and_then(|b| String::from_utf8(b).ok());
            match decoded {
                Some(pair) if pairs.contains(&pair) => {}
                other => wrong.push(format!(
                    "{file}:{}: Basic {value} decodes to {other:?}, not urlencode(id):urlencode(secret) of a course client",
                    line_of(&text, offset)
                )),
            }
        }
    }
    assert!(
        headers >= 5,
        "only {headers} Basic headers found: the scan is broken"
    );
    assert!(
        wrong.is_empty(),
        "credentials that are not the course's:\n{}",
        wrong.join("\n")
    );
}

#[test]
fn token_lifetimes_are_the_clients_lifetimes() {
    let lifetimes: Vec<i64> = facts::CLIENTS.iter().map(|c| c.token_lifetime).collect();
    let mut wrong = Vec::new();
    let mut claim_sets = 0;
    for (file, text) in course_files() {
        // `"expires_in": N` in a token response.
        for (offset, _) in text.match_indices("\"expires_in\":") {
            let rest = text[offset + "\"expires_in\":".len()..].trim_start();
            let number: String = rest.chars().take_while(char::is_ascii_digit).collect();
            if let Ok(seconds) = number.parse::<i64>()
                && !lifetimes.contains(&seconds)
                && !deliberate(&file, &number)
            {
                wrong.push(format!(
                    "{file}:{}: expires_in {seconds}",
                    line_of(&text, offset)
                ));
            }
        }
        // JSON claim sets of a course client's token: exp - iat is its
        // lifetime.
        for block in text.split("```").skip(1).step_by(2) {
            let Some(json) = block.find('{').map(|i| &block[i..]) else {
                continue;
            };
            let Ok(claims) = serde_json::from_str::<serde_json::Value>(json.trim_end()) else {
                continue;
            };
            let (Some(iat), Some(exp), Some(client)) = (
                claims["iat"].as_i64(),
                claims["exp"].as_i64(),
                claims["client_id"].as_str().and_then(facts::client),
            ) else {
                continue;
            };
            if claims["iss"] != facts::ISSUER || claims.get("act").is_some() {
                continue;
            }
            claim_sets += 1;
            if exp - iat != client.token_lifetime {
                let at = text.find(json.trim_end()).unwrap_or(0);
                wrong.push(format!(
                    "{file}:{}: a {} token that lives {} s, not {} s",
                    line_of(&text, at),
                    client.id,
                    exp - iat,
                    client.token_lifetime
                ));
            }
        }
    }
    assert!(
        claim_sets >= 3,
        "only {claim_sets} claim sets found: the scan is broken"
    );
    assert!(
        wrong.is_empty(),
        "lifetimes that are not the clients':\n{}",
        wrong.join("\n")
    );
}

#[test]
fn the_naive_app_ships_billing_service_s_secret() {
    let app = std::fs::read_to_string(content().join("naive-app/app.js")).unwrap();
    assert!(
        app.contains(&format!(
            "const CLIENT_ID = \"{}\";",
            facts::BILLING_SERVICE.id
        )),
        "{app}"
    );
    assert!(
        app.contains(&format!(
            "const CLIENT_SECRET = \"{}\";",
            facts::BILLING_SERVICE.secret
        )),
        "{app}"
    );
    assert!(app.contains(facts::TOKEN_ENDPOINT), "{app}");
}

#[test]
fn the_form_encoding_is_rfc_6749_s() {
    assert_eq!(
        form_encode(facts::REPORT_JOB.secret),
        "FAKE%2Bsecret%2Fwith%3Aodd%3Dchars%25"
    );
    assert_eq!(form_encode("a b~"), "a+b%7E");
}
