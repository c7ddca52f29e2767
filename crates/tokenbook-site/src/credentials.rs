//! Only fake credentials in the course: a lesson that shows a private key
//! block, a JWT not made with the course's FAKE keys, or a client secret
//! not labelled `FAKE-` gets an error. The same scanner checks the built
//! site and the repository in xtask's tests.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::Value;

use crate::diagnostic::Diagnostic;

/// A credential-looking string and where it starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// Byte offset in the text.
    pub offset: usize,
    /// Byte length.
    pub len: usize,
    /// What it is.
    pub what: &'static str,
}

/// Every credential in `text` that is not one of the course's fakes.
pub fn scan(text: &str) -> Vec<Finding> {
    let mut found = private_key_blocks(text);
    found.extend(unlabelled_jwts(text));
    found.extend(unlabelled_secrets(text));
    found.sort_by_key(|f| f.offset);
    found
}

/// Errors for the credentials in a lesson.
pub fn check(path: &str, text: &str) -> Vec<Diagnostic> {
    scan(text)
        .into_iter()
        .map(|f| {
            Diagnostic::error("credentials/not-fake", path, format!("{} that is not one of the course's fakes", f.what))
                .at(text, f.offset, f.len)
                .with_hint("show only fake credentials: secrets named FAKE-…, tokens from the playground's samples, and never a private key")
        })
        .collect()
}

/// `-----BEGIN … PRIVATE KEY-----` followed by base64 key material (the
/// marker quoted in a sentence is not a key).
fn private_key_blocks(text: &str) -> Vec<Finding> {
    text.match_indices("PRIVATE KEY-----")
        .filter(|(i, marker)| {
            let after = &text[i + marker.len()..];
            after
                .trim_start_matches(['\r', '\n'])
                .lines()
                .next()
                .is_some_and(|line| {
                    line.len() >= 40
                        && line
                            .chars()
                            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '/' | '='))
                })
        })
        .map(|(i, marker)| Finding {
            offset: i,
            len: marker.len(),
            what: "a private key",
        })
        .collect()
}

/// A JWT that cannot be a real one: its key id is labelled `FAKE-`, or its
/// issuer is on a name reserved for examples (RFC 2606: `example.com`,
/// `.example`, `.test`…), which no real authorization server can have.
pub fn is_known_fake_jwt(header: &Value, payload: &Value) -> bool {
    let kid = header.get("kid").and_then(Value::as_str).unwrap_or("");
    let iss = payload.get("iss").and_then(Value::as_str).unwrap_or("");
    kid.starts_with("FAKE-") || is_example_url(iss)
}

/// True for an `https://` URL whose host is reserved for examples.
fn is_example_url(url: &str) -> bool {
    let Some(rest) = url.strip_prefix("https://") else {
        return false;
    };
    let host = rest
        .split(['/', '?', '#', ':'])
        .next()
        .unwrap_or("")
        .trim_end_matches('.')
        .to_ascii_lowercase();
    ["example.com", "example.net", "example.org"]
        .iter()
        .any(|domain| host == *domain || host.ends_with(&format!(".{domain}")))
        || [".example", ".test", ".invalid"]
            .iter()
            .any(|tld| host.ends_with(tld))
}

/// Every JWT-shaped run whose header decodes to a JSON object: its offset,
/// length, header and payload. Elided examples (`eyJhbGciOi...`) decode to
/// nothing and are no tokens.
pub fn jwts(text: &str) -> Vec<(usize, usize, Value, Value)> {
    let mut found = Vec::new();
    let mut from = 0;
    while let Some(i) = memchr::memmem::find(&text.as_bytes()[from..], b"eyJ") {
        let start = from + i;
        let len = text[start..]
            .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')))
            .unwrap_or(text.len() - start);
        from = start + len.max(3);
        let parts: Vec<&str> = text[start..start + len].split('.').collect();
        if parts.len() < 3 {
            continue;
        }
        let json = |part: &str| {
            URL_SAFE_NO_PAD
                .decode(part)
                .ok()
                .and_then(|b| serde_json::from_slice::<Value>(&b).ok())
        };
        if let Some(header @ Value::Object(_)) = json(parts[0]) {
            found.push((start, len, header, json(parts[1]).unwrap_or(Value::Null)));
        }
    }
    found
}

fn unlabelled_jwts(text: &str) -> Vec<Finding> {
    jwts(text)
        .into_iter()
        .filter(|(_, _, header, payload)| !is_known_fake_jwt(header, payload))
        .map(|(offset, len, _, _)| Finding {
            offset,
            len,
            what: "a JWT",
        })
        .collect()
}

/// Values given to something named like a client secret, as the course
/// writes them: `client_secret=…`, `"client_secret": "…"`, `CLIENT_SECRET =
/// "…"`, `"secret":"…"`.
pub fn secret_values(text: &str) -> Vec<(usize, String)> {
    let mut values = Vec::new();
    let lower = text.to_ascii_lowercase();
    for name in ["client_secret", "\"secret\""] {
        for i in memchr::memmem::find_iter(lower.as_bytes(), name) {
            let after_name = i + name.len();
            // An assignment: the name, maybe a closing quote, `=` or `:`,
            // then the value (maybe quoted). A name in a sentence is none.
            let rest = text[after_name..]
                .trim_start_matches(['"', '\'', '\\'])
                .trim_start_matches(' ');
            let Some(rest) = rest.strip_prefix(['=', ':']) else {
                continue;
            };
            let value_start = text.len() - rest.trim_start_matches([' ', '"', '\'', '\\']).len();
            let value: String = text[value_start..]
                .chars()
                .take_while(|c| {
                    c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '~' | '+' | '/')
                })
                .collect();
            if value.len() >= 8 {
                values.push((value_start, value));
            }
        }
    }
    values
}

/// A secret labelled FAKE: `FAKE` and then a separator, as in
/// `FAKE-secret-…` or `report-job`'s `FAKE+secret/with:odd=chars%`.
fn labelled_fake(value: &str) -> bool {
    value
        .strip_prefix("FAKE")
        .and_then(|rest| rest.chars().next())
        .is_some_and(|c| !c.is_ascii_alphanumeric())
}

fn unlabelled_secrets(text: &str) -> Vec<Finding> {
    secret_values(text)
        .into_iter()
        .filter(|(_, value)| !labelled_fake(value))
        .map(|(offset, value)| Finding {
            offset,
            len: value.len(),
            what: "a client secret",
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn real_looking_credentials_are_found_and_fakes_pass() {
        let key = format!(
            "-----BEGIN RSA PRIVATE KEY-----\n{}\n-----END RSA PRIVATE KEY-----",
            "A".repeat(64)
        );
        let text = format!(
            "a {key}\nb eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln c\nclient_secret=s3cr3t-value-123&x\nclient_secret=FAKE-ok-secret\n"
        );
        let found: Vec<_> = scan(&text)
            .into_iter()
            .map(|f| (f.what, &text[f.offset..f.offset + f.len]))
            .collect();
        assert_eq!(
            found,
            vec![
                ("a private key", "PRIVATE KEY-----"),
                ("a JWT", "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln"),
                ("a client secret", "s3cr3t-value-123"),
            ]
        );
    }

    #[test]
    fn sentences_about_credentials_are_not_credentials() {
        for text in [
            "start with -----BEGIN RSA PRIVATE KEY----- please",
            "an elided token eyJhbGciOi... is fine",
            "the client_secret (a password) stays on the server",
            "expected client_id:client_secret form-encoded, then more",
            r#"const CLIENT_SECRET = "FAKE-billing-service-secret";"#,
            "client_secret=FAKE+secret/with:odd=chars%",
        ] {
            assert_eq!(scan(text), vec![], "{text}");
        }
    }

    #[test]
    fn tokens_from_example_issuers_or_with_fake_keys_are_fakes() {
        let fake = |kid: &str, iss: &str| {
            is_known_fake_jwt(
                &serde_json::json!({ "kid": kid }),
                &serde_json::json!({ "iss": iss }),
            )
        };
        assert!(fake("auth-2026-01", "https://auth.example.com"));
        assert!(fake("x", "https://login.example.org/tenant/v2.0"));
        assert!(fake("x", "https://issuer.test/"));
        assert!(fake("FAKE-key", "https://login.microsoftonline.com/t/v2.0"));
        assert!(!fake("x", "https://login.microsoftonline.com/t/v2.0"));
        assert!(!fake("x", "https://example.com.attacker.net/"));
        assert!(!fake("x", "https://notexample.com"));
        assert!(!fake("x", "http://auth.example.com"));
        assert!(!fake("x", ""));
    }

    #[test]
    fn a_lesson_gets_an_error_at_the_secret() {
        let d = &check("a.md", "curl -d client_secret=realsecret99 x\n")[0];
        // FAKE glued to more letters is no label.
        assert_eq!(check("b.md", "client_secret=FAKEsecret99\n").len(), 1);
        assert_eq!((d.line, d.column), (1, 23));
        assert!(d.message.starts_with("a client secret"));
    }
}
