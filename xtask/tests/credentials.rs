//! Only fake, clearly labelled credentials may exist in the repository and
//! in the built site. This builds the course and scans every text file of
//! the output, and every file git tracks, for things that look like
//! credentials: private key blocks, JWTs, and client secret values.

use std::path::{Path, PathBuf};
use std::process::Command;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::Value;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

/// Every JWT-shaped run (`xxx.yyy.zzz` of base64url) whose header decodes
/// to a JSON object, with its header and payload.
fn jwts(text: &str) -> Vec<(String, Value, Value)> {
    let mut found = Vec::new();
    let mut rest = text;
    while let Some(i) = rest.find("eyJ") {
        let candidate: String = rest[i..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
            .collect();
        rest = &rest[i + candidate.len().max(3)..];
        let parts: Vec<&str> = candidate.split('.').collect();
        if parts.len() < 3 {
            continue;
        }
        let json = |part: &str| URL_SAFE_NO_PAD.decode(part).ok().and_then(|b| serde_json::from_slice::<Value>(&b).ok());
        if let (Some(header @ Value::Object(_)), payload) = (json(parts[0]), json(parts[1])) {
            found.push((candidate.clone(), header, payload.unwrap_or(Value::Null)));
        }
    }
    found
}

/// A JWT the course made: signed with one of its FAKE keys, or an
/// unsigned sample from its fake issuer.
fn is_known_fake(header: &Value, payload: &Value) -> bool {
    let kid = header.get("kid").and_then(Value::as_str).unwrap_or("");
    let alg = header.get("alg").and_then(Value::as_str).unwrap_or("");
    let iss = payload.get("iss").and_then(Value::as_str).unwrap_or("");
    kid.starts_with("FAKE-") || (alg.eq_ignore_ascii_case("none") && iss == "https://auth.example.com/")
}

/// Values given to something named like a client secret, in the forms the
/// course writes them: `client_secret=…`, `"client_secret": "…"`,
/// `CLIENT_SECRET = "…"`, `"secret":"…"`.
fn secret_values(text: &str) -> Vec<String> {
    let mut values = Vec::new();
    let lower = text.to_ascii_lowercase();
    for name in ["client_secret", "\"secret\""] {
        let mut from = 0;
        while let Some(i) = lower[from..].find(name) {
            let start = from + i + name.len();
            from = start;
            let after = text[start..].trim_start_matches(['"', '\'', ' ', ':', '=', '\\']);
            let value: String = after
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '~' | '+' | '/'))
                .collect();
            if value.len() >= 8 {
                values.push(value);
            }
        }
    }
    values
}

/// A `-----BEGIN … PRIVATE KEY-----` line followed by base64 key material
/// (not just the marker quoted in a message).
fn has_private_key_block(text: &str) -> bool {
    text.match_indices("PRIVATE KEY-----").any(|(i, marker)| {
        let after = &text[i + marker.len()..];
        after.trim_start_matches(['\r', '\n']).lines().next().is_some_and(|line| {
            line.len() >= 40 && line.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '/' | '='))
        })
    })
}

#[test]
fn the_scanner_finds_what_it_looks_for() {
    let key = format!("-----BEGIN RSA PRIVATE KEY-----\n{}\n-----END RSA PRIVATE KEY-----", "A".repeat(64));
    assert!(has_private_key_block(&key));
    assert!(!has_private_key_block("start with -----BEGIN RSA PRIVATE KEY----- please"));
    let real_looking = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl";
    let found = jwts(&format!("token: {real_looking} end"));
    assert_eq!(found.len(), 1);
    assert!(!is_known_fake(&found[0].1, &found[0].2));
    assert!(jwts("eyJhbGciOi...").is_empty(), "an elided example is no token");
    assert_eq!(secret_values("client_secret=s3cr3t-value-123&x"), vec!["s3cr3t-value-123"]);
    assert_eq!(secret_values(r#"const CLIENT_SECRET = "abcdefgh1";"#), vec!["abcdefgh1"]);
    assert!(secret_values("client_secret (a password)").is_empty());
}

#[test]
fn the_built_course_and_the_repository_hold_only_fake_credentials() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    let build = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(["build", "--out"])
        .arg(&out)
        .output()
        .unwrap();
    assert!(build.status.success(), "{}", String::from_utf8_lossy(&build.stderr));

    let mut files: Vec<(String, String)> = walkdir::WalkDir::new(&out)
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file())
        .filter_map(|e| {
            let text = std::fs::read_to_string(e.path()).ok()?;
            Some((format!("site:{}", e.path().strip_prefix(&out).unwrap().display()), text))
        })
        .collect();
    let tracked = Command::new("git").args(["ls-files"]).current_dir(repo()).output().unwrap();
    for path in String::from_utf8_lossy(&tracked.stdout).lines() {
        if let Ok(text) = std::fs::read_to_string(repo().join(path)) {
            files.push((format!("repo:{path}"), text));
        }
    }
    assert!(files.iter().any(|(p, _)| p.starts_with("site:playground/")), "the course has a playground page");

    let mut problems = Vec::new();
    let mut fakes_seen = 0;
    for (path, text) in &files {
        let labelled_key_file = path.starts_with("repo:") && path.contains("FAKE-");
        if has_private_key_block(text) && !labelled_key_file {
            problems.push(format!("{path}: a private key block outside a file labelled FAKE"));
        }
        for (token, header, payload) in jwts(text) {
            if is_known_fake(&header, &payload) {
                fakes_seen += 1;
            } else if !path.ends_with("credentials.rs") {
                problems.push(format!("{path}: a JWT not made with the course's FAKE keys: {}…", &token[..token.len().min(40)]));
            }
        }
        for value in secret_values(text) {
            if !value.starts_with("FAKE-") && !path.ends_with("credentials.rs") {
                problems.push(format!("{path}: client secret value `{value}` is not labelled FAKE-"));
            }
        }
    }
    assert!(fakes_seen >= 9, "the playground's sample tokens should be found ({fakes_seen} seen)");
    assert!(problems.is_empty(), "credential-looking strings:\n{}", problems.join("\n"));
}
