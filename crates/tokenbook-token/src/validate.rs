//! Validation as a resource server does it, one named check at a time:
//! format, algorithm (pinned before anything else), signature, expiry, not
//! before, issuer, audience and scope, plus warnings from RFC 8725 (JWT
//! best current practice) and RFC 9068 (JWT access tokens).
//!
//! [`validate`] never fails: a token that cannot even be decoded gives a
//! report whose first check, "format", failed, and so does a token whose
//! header breaks a rule an API applies before trusting it (`crit`, a `typ`
//! of another kind of JWT: see `header_rules`).

use serde_json::{Map, Value};

pub use crate::check::{Check, CheckStatus};
use crate::claims::time_summary;
use crate::decode::{Decoded, decode};
use crate::header_rules::{header_problem, header_warnings};
use crate::invisible::reveal;
use crate::keys::{KeyInput, choose_key};
use crate::payload::{claims_of, compact, granted_scopes, numeric_date, string_claim};
use crate::signature::{check_algorithm, check_signature};
use crate::time::{duration_in_words, iso_8601, relative_to};

/// What the API expects, and the key it checks signatures with.
///
/// JSON shape: `{"key": {"kind": "rsa", "value": "-----BEGIN PUBLIC KEY-----…"},
/// "expected_issuer": "https://auth.example.com", "expected_audience":
/// "https://ledger.example.com", "required_scope": "ledger:read",
/// "allowed_algorithms": ["RS256"], "leeway_seconds": 60, "now": 1795687200}`.
/// Only `now` (Unix seconds) is required: `key` defaults to none, the
/// expectations to null (the check is skipped; an empty or blank string
/// counts as null too), `allowed_algorithms` to `[]` (the key's natural
/// algorithm) and `leeway_seconds` to 60.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ValidationOptions {
    /// The key to verify the signature with.
    #[serde(default)]
    pub key: KeyInput,
    /// The `iss` the API trusts, compared exactly.
    #[serde(default)]
    pub expected_issuer: Option<String>,
    /// The API's own identifier, which `aud` must name.
    #[serde(default)]
    pub expected_audience: Option<String>,
    /// The scope (or space-separated scopes) the request needs.
    #[serde(default)]
    pub required_scope: Option<String>,
    /// Algorithms the API accepts; empty means the key's natural one:
    /// HS256 for a secret, RS256 for RSA, a JWK's `alg`.
    #[serde(default)]
    pub allowed_algorithms: Vec<String>,
    /// Tolerated clock difference for `exp` and `nbf`, in seconds.
    #[serde(default = "default_leeway")]
    pub leeway_seconds: i64,
    /// The current time in Unix seconds.
    pub now: i64,
}

fn default_leeway() -> i64 {
    60
}

impl ValidationOptions {
    /// Options with no key and no expectations at time `now`.
    pub fn at(now: i64) -> Self {
        Self {
            key: KeyInput::None,
            expected_issuer: None,
            expected_audience: None,
            required_scope: None,
            allowed_algorithms: Vec::new(),
            leeway_seconds: default_leeway(),
            now,
        }
    }
}

/// Every check in order, and the verdict.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ValidationReport {
    /// True when no check failed and the signature was verified: a token is
    /// never valid on an unchecked signature.
    pub valid: bool,
    /// The checks, always in the order format, algorithm, signature,
    /// expiry, not before, issuer, audience, scope.
    pub checks: Vec<Check>,
    /// Risks that do not fail a check on their own, as full sentences.
    pub warnings: Vec<String>,
}

/// The names of the checks, in the order they are reported.
pub const CHECK_NAMES: [&str; 8] = [
    "format",
    "algorithm",
    "signature",
    "expiry",
    "not before",
    "issuer",
    "audience",
    "scope",
];

/// Validates `token` the way a resource server should. Never fails: see
/// [`ValidationReport`].
pub fn validate(token: &str, options: &ValidationOptions) -> ValidationReport {
    crate::install_crypto();
    let decoded = match decode(token) {
        Ok(decoded) => decoded,
        Err(error) => return unreadable_token_report(format!("{} {}", error.message, error.hint)),
    };
    let mut warnings = Vec::new();
    let claims = claims_of(&decoded.payload);
    let kid = decoded.header.get("kid").and_then(Value::as_str);
    let key = choose_key(&options.key, kid, &mut warnings);

    let header = claims_of(&decoded.header);
    let mut checks = vec![match header_problem(header).or_else(|| repeated_names_problem(&decoded)) {
        Some(problem) => Check::new("format", CheckStatus::Failed, problem),
        None => Check::new(
            "format",
            CheckStatus::Passed,
            "The token is a well-formed JWT: three base64url parts, with a JSON header and a JSON payload.".to_owned(),
        ),
    }];
    let (algorithm_check, algorithm) = check_algorithm(
        &decoded,
        &options.allowed_algorithms,
        key.as_ref(),
        &mut warnings,
    );
    let signature_check = check_signature(&decoded, &algorithm_check, algorithm, key.as_ref());
    checks.push(algorithm_check);
    checks.push(signature_check);
    let leeway = options.leeway_seconds.max(0);
    checks.push(check_expiry(claims, options.now, leeway, &mut warnings));
    checks.push(check_not_before(claims, options.now, leeway));
    checks.push(check_issuer(claims, expectation(&options.expected_issuer)));
    checks.push(check_audience(
        claims,
        expectation(&options.expected_audience),
        &mut warnings,
    ));
    checks.push(check_scope(claims, expectation(&options.required_scope)));
    header_warnings(header, &mut warnings);
    lifetime_warning(claims, options.now, &mut warnings);

    let signature_verified = checks
        .iter()
        .any(|check| check.name == "signature" && check.status == CheckStatus::Passed);
    let none_failed = checks
        .iter()
        .all(|check| check.status != CheckStatus::Failed);
    // Token text quoted in any message shows its invisible characters.
    for check in &mut checks {
        check.detail = reveal(&check.detail);
    }
    ValidationReport {
        valid: signature_verified && none_failed,
        checks,
        warnings: warnings.iter().map(|warning| reveal(warning)).collect(),
    }
}

/// RFC 7515 section 4 and RFC 7519 section 4: names must be unique. Parsers
/// that keep the last value and parsers that keep the first would read two
/// different tokens, so the API refuses the token outright.
fn repeated_names_problem(decoded: &Decoded) -> Option<String> {
    let (part, repeated, section) = if let Some(first) = decoded.repeated_header.first() {
        ("header parameter", first, "RFC 7515 section 4")
    } else {
        (
            "claim",
            decoded.repeated_claims.first()?,
            "RFC 7519 section 4",
        )
    };
    Some(format!(
        "The token names the {part} {} {} times. Parsers disagree on which value counts (this playground takes the last, some take the first), so an API must reject a token whose names are not unique ({section}).",
        reveal(&repeated.name),
        repeated.values.len()
    ))
}

fn unreadable_token_report(reason: String) -> ValidationReport {
    let mut checks = vec![Check::new(
        "format",
        CheckStatus::Failed,
        format!("The token cannot be read, so nothing else can be checked. {reason}"),
    )];
    for name in &CHECK_NAMES[1..] {
        checks.push(Check::new(
            name,
            CheckStatus::Skipped,
            "Not checked: the token could not be read.".to_owned(),
        ));
    }
    ValidationReport {
        valid: false,
        checks,
        warnings: Vec::new(),
    }
}

/// An expectation, unless it is missing or blank.
fn expectation(value: &Option<String>) -> Option<&str> {
    value
        .as_deref()
        .map(str::trim)
        .filter(|value| !value.is_empty())
}

fn check_expiry(
    claims: &Map<String, Value>,
    now: i64,
    leeway: i64,
    warnings: &mut Vec<String>,
) -> Check {
    let check = |status, detail: String| Check::new("expiry", status, detail);
    let Some(value) = claims.get("exp") else {
        warnings.push(
            "The token has no exp, so it never expires: RFC 9068 requires every JWT access token to carry one.".to_owned(),
        );
        return check(
            CheckStatus::Failed,
            "The token has no exp claim, so it would be valid forever; RFC 9068 requires access tokens to carry an expiry, and an API should refuse tokens without one.".to_owned(),
        );
    };
    let Some(exp) = numeric_date(value) else {
        return check(
            CheckStatus::Failed,
            format!(
                "The exp claim is {}, not a number of seconds since 1970, so the expiry cannot be read.",
                compact(value)
            ),
        );
    };
    let when = format!(
        "{} ({})",
        time_summary("exp", exp, now, &relative_to(exp, now)),
        iso_8601(exp)
    );
    if now < exp {
        return check(
            CheckStatus::Passed,
            format!("The token {when}, so it has not expired yet."),
        );
    }
    if i128::from(now) < i128::from(exp) + i128::from(leeway) {
        return check(
            CheckStatus::Passed,
            format!(
                "The token {when}, but that is within the {leeway}-second leeway allowed for clocks that disagree, so it still passes."
            ),
        );
    }
    check(
        CheckStatus::Failed,
        format!(
            "The token {when}, beyond the {leeway}-second leeway for clock differences: it must be rejected, and the client must get a new token (with client credentials, it simply asks again)."
        ),
    )
}

fn check_not_before(claims: &Map<String, Value>, now: i64, leeway: i64) -> Check {
    let check = |status, detail: String| Check::new("not before", status, detail);
    let Some(value) = claims.get("nbf") else {
        return check(
            CheckStatus::Skipped,
            "The token has no nbf claim, which is fine: it is optional, and the token is valid from when it was issued.".to_owned(),
        );
    };
    let Some(nbf) = numeric_date(value) else {
        return check(
            CheckStatus::Failed,
            format!(
                "The nbf claim is {}, not a number of seconds since 1970, so it cannot be read.",
                compact(value)
            ),
        );
    };
    let when = format!(
        "{} ({})",
        time_summary("nbf", nbf, now, &relative_to(nbf, now)),
        iso_8601(nbf)
    );
    if nbf <= now {
        return check(CheckStatus::Passed, format!("The token {when}."));
    }
    if i128::from(nbf) <= i128::from(now) + i128::from(leeway) {
        return check(
            CheckStatus::Passed,
            format!(
                "The token is {when}, but that is within the {leeway}-second leeway allowed for clocks that disagree, so it passes."
            ),
        );
    }
    check(
        CheckStatus::Failed,
        format!(
            "The token is not valid yet: it is {when}, beyond the {leeway}-second leeway for clock differences. It must be refused until then."
        ),
    )
}

fn check_issuer(claims: &Map<String, Value>, expected: Option<&str>) -> Check {
    let check = |status, detail: String| Check::new("issuer", status, detail);
    let Some(expected) = expected else {
        return check(
            CheckStatus::Skipped,
            "No expected issuer was given, so iss was not compared; a real API always checks that the token comes from the one authorization server it trusts.".to_owned(),
        );
    };
    match string_claim(claims, "iss") {
        Some(issuer) if issuer == expected => check(
            CheckStatus::Passed,
            format!("The token was issued by {issuer}, the authorization server this API trusts."),
        ),
        Some(issuer) => check(
            CheckStatus::Failed,
            format!(
                "The token was issued by {issuer}, but this API trusts only {expected}. Issuers are compared exactly, character for character: even a missing trailing slash makes it another issuer."
            ),
        ),
        None => check(
            CheckStatus::Failed,
            format!(
                "The token has no iss claim, so nothing says who issued it; this API accepts only tokens from {expected}."
            ),
        ),
    }
}

fn check_audience(
    claims: &Map<String, Value>,
    expected: Option<&str>,
    warnings: &mut Vec<String>,
) -> Check {
    let check = |status, detail: String| Check::new("audience", status, detail);
    let audiences: Option<Vec<&str>> = claims.get("aud").map(|aud| match aud {
        Value::String(one) => vec![one.as_str()],
        Value::Array(many) => many.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    });
    if audiences.is_none() {
        warnings.push(
            "The token has no aud, so it does not say which API it is for: any API trusting this issuer would accept it (RFC 8725 section 3.9; RFC 9068 requires aud).".to_owned(),
        );
    }
    let Some(expected) = expected else {
        return check(
            CheckStatus::Skipped,
            "No expected audience was given, so aud was not compared; a real API always checks that the token names it.".to_owned(),
        );
    };
    match audiences {
        None => check(
            CheckStatus::Failed,
            format!(
                "The token has no aud claim, so it does not say it is meant for this API ({expected}); without it, a token for any other API could be replayed here."
            ),
        ),
        Some(audiences) if audiences.contains(&expected) => check(
            CheckStatus::Passed,
            format!("The token is meant for {expected}, this API."),
        ),
        Some(audiences) => check(
            CheckStatus::Failed,
            format!(
                "The token is meant for {}, not for this API ({expected}). A token issued for one API must be refused by every other, or a token leaked from one could be used at all of them.",
                if audiences.is_empty() {
                    "no readable audience".to_owned()
                } else {
                    audiences.join(", ")
                }
            ),
        ),
    }
}

fn check_scope(claims: &Map<String, Value>, required: Option<&str>) -> Check {
    let check = |status, detail: String| Check::new("scope", status, detail);
    let Some(required) = required else {
        return check(
            CheckStatus::Skipped,
            "No required scope was given, so the granted scopes were not compared.".to_owned(),
        );
    };
    let granted = granted_scopes(claims);
    let missing: Vec<&str> = required
        .split_whitespace()
        .filter(|scope| !granted.iter().any(|g| g == scope))
        .collect();
    if granted.is_empty() {
        return check(
            CheckStatus::Failed,
            format!(
                "The token grants no scope at all (it has no scope or scp claim), but this request requires {required}."
            ),
        );
    }
    if missing.is_empty() {
        let granted = granted.join(" ");
        let detail = if granted == required {
            format!("The token grants {granted}, the scope this request requires.")
        } else {
            format!(
                "The token grants {granted}, which includes {required}, the scope this request requires."
            )
        };
        return check(CheckStatus::Passed, detail);
    }
    check(
        CheckStatus::Failed,
        format!(
            "The token grants {}, but this request requires {}. The API must refuse it (HTTP 403, insufficient_scope); the client would have to ask for that scope, and be allowed it, when requesting its token.",
            granted.join(" "),
            missing.join(" ")
        ),
    )
}

fn lifetime_warning(claims: &Map<String, Value>, now: i64, warnings: &mut Vec<String>) {
    const DAY: i128 = 86_400;
    let expiry = claims.get("exp").and_then(numeric_date);
    let issued = claims.get("iat").and_then(numeric_date);
    if let (Some(exp), Some(iat)) = (expiry, issued) {
        let lifetime = i128::from(exp) - i128::from(iat);
        if lifetime > DAY {
            warnings.push(format!(
                "Very long lifetime: this token is valid for {} (exp minus iat). Access tokens should live minutes to hours, because a stolen bearer token works until it expires.",
                duration_in_words(u64::try_from(lifetime).unwrap_or(u64::MAX))
            ));
        }
    }
    if let Some(iat) = issued
        && i128::from(iat) > i128::from(now) + DAY / 24
    {
        warnings.push(format!(
            "The token was issued {} ({}), in the future: the issuer's clock or this one is wrong.",
            relative_to(iat, now),
            iso_8601(iat)
        ));
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::samples::{FAKE_HS256_SECRET, course_keys};
    use crate::sign::{sign_hs256, sign_rs256, sign_with_header};

    const NOW: i64 = 1_795_687_200;
    const API: &str = "https://ledger-api.example.com/";

    fn claims() -> Value {
        json!({"iss": "https://auth.example.com/", "sub": "billing-service",
               "aud": API, "client_id": "billing-service", "scope": "ledger:read",
               "iat": NOW, "exp": NOW + 3600})
    }

    fn with(changes: Value) -> Value {
        let mut claims = claims();
        if let (Some(claims), Some(changes)) = (claims.as_object_mut(), changes.as_object()) {
            for (name, value) in changes {
                if value.is_null() {
                    claims.shift_remove(name);
                } else {
                    claims.insert(name.clone(), value.clone());
                }
            }
        }
        claims
    }

    fn hs256(claims: &Value) -> String {
        sign_hs256(
            claims,
            FAKE_HS256_SECRET.as_bytes(),
            Some("FAKE-course-hmac-1"),
        )
        .expect("signs")
    }

    /// A token signed over exactly this header and payload text.
    fn hs256_text(header: &str, payload: &str) -> String {
        use base64::Engine as _;
        let encode = |text: &str| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(text);
        let message = format!("{}.{}", encode(header), encode(payload));
        let key = jsonwebtoken::EncodingKey::from_secret(FAKE_HS256_SECRET.as_bytes());
        let signature =
            jsonwebtoken::crypto::sign(message.as_bytes(), &key, jsonwebtoken::Algorithm::HS256)
                .expect("signs");
        format!("{message}.{signature}")
    }

    fn rs256(claims: &Value, kid: Option<&str>) -> String {
        sign_rs256(claims, course_keys().rsa_private_pem, kid).expect("signs")
    }

    fn hmac_options() -> ValidationOptions {
        ValidationOptions {
            key: KeyInput::HmacSecret(FAKE_HS256_SECRET.to_owned()),
            expected_issuer: Some("https://auth.example.com/".to_owned()),
            expected_audience: Some(API.to_owned()),
            required_scope: Some("ledger:read".to_owned()),
            ..ValidationOptions::at(NOW)
        }
    }

    fn rsa_key() -> KeyInput {
        KeyInput::RsaPublicPem(course_keys().rsa_public_pem.to_owned())
    }

    fn check<'a>(report: &'a ValidationReport, name: &str) -> &'a Check {
        report
            .checks
            .iter()
            .find(|c| c.name == name)
            .unwrap_or_else(|| panic!("no check {name}"))
    }

    fn status(report: &ValidationReport, name: &str) -> CheckStatus {
        check(report, name).status
    }

    #[test]
    fn checks_come_in_a_fixed_order() {
        let report = validate(&hs256(&claims()), &hmac_options());
        let names: Vec<&str> = report.checks.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, CHECK_NAMES);
        assert!(report.valid, "{report:#?}");
    }

    #[test]
    fn a_decode_failure_is_the_failed_first_check() {
        let report = validate("not a token at all", &hmac_options());
        assert!(!report.valid);
        assert_eq!(report.checks.len(), CHECK_NAMES.len());
        assert_eq!(report.checks[0].status, CheckStatus::Failed);
        assert!(
            report.checks[0]
                .detail
                .contains("A JWT has three parts separated by dots; this has 1.")
        );
        assert!(
            report.checks[1..]
                .iter()
                .all(|c| c.status == CheckStatus::Skipped)
        );
    }

    #[test]
    fn expiry_and_not_before_with_leeway() {
        let cases = [
            (
                json!({"exp": NOW + 1}),
                "expiry",
                CheckStatus::Passed,
                "expires in 1 sec",
            ),
            (
                json!({"exp": NOW}),
                "expiry",
                CheckStatus::Passed,
                "within the 60-second leeway",
            ),
            (
                json!({"exp": NOW - 59}),
                "expiry",
                CheckStatus::Passed,
                "within the 60-second leeway",
            ),
            (
                json!({"exp": NOW - 60}),
                "expiry",
                CheckStatus::Failed,
                "expired 1 min ago",
            ),
            (
                json!({"exp": "soon"}),
                "expiry",
                CheckStatus::Failed,
                "The exp claim is \"soon\", not a number",
            ),
            (
                json!({"exp": null}),
                "expiry",
                CheckStatus::Failed,
                "The token has no exp claim",
            ),
            (
                json!({"nbf": NOW - 120}),
                "not before",
                CheckStatus::Passed,
                "became valid 2 min ago",
            ),
            (
                json!({"nbf": NOW + 60}),
                "not before",
                CheckStatus::Passed,
                "within the 60-second leeway",
            ),
            (
                json!({"nbf": NOW + 61}),
                "not before",
                CheckStatus::Failed,
                "valid in 1 min",
            ),
            (
                json!({"nbf": NOW + 300}),
                "not before",
                CheckStatus::Failed,
                "The token is not valid yet: it is valid in 5 min",
            ),
        ];
        for (changes, name, expected, phrase) in cases {
            let report = validate(&hs256(&with(changes.clone())), &hmac_options());
            let found = check(&report, name);
            assert_eq!(found.status, expected, "{changes}: {}", found.detail);
            assert!(found.detail.contains(phrase), "{changes}: {}", found.detail);
        }
    }

    #[test]
    fn leeway_can_be_changed_and_never_goes_negative() {
        let token = hs256(&with(json!({"exp": NOW - 100})));
        let generous = ValidationOptions {
            leeway_seconds: 300,
            ..hmac_options()
        };
        assert_eq!(
            status(&validate(&token, &generous), "expiry"),
            CheckStatus::Passed
        );
        let token = hs256(&with(json!({"exp": NOW + 1})));
        let negative = ValidationOptions {
            leeway_seconds: -1000,
            ..hmac_options()
        };
        assert_eq!(
            status(&validate(&token, &negative), "expiry"),
            CheckStatus::Passed
        );
    }

    #[test]
    fn issuer_audience_and_scope() {
        let cases = [
            (
                json!({"iss": "https://auth.example.com"}),
                "issuer",
                CheckStatus::Failed,
                "even a missing trailing slash",
            ),
            (
                json!({"iss": null}),
                "issuer",
                CheckStatus::Failed,
                "The token has no iss claim",
            ),
            (
                json!({"aud": ["https://reports-api.example.com/", API]}),
                "audience",
                CheckStatus::Passed,
                "meant for https://ledger-api.example.com/, this API",
            ),
            (
                json!({"aud": ["https://reports-api.example.com/"]}),
                "audience",
                CheckStatus::Failed,
                "meant for https://reports-api.example.com/, not for this API",
            ),
            (
                json!({"aud": null}),
                "audience",
                CheckStatus::Failed,
                "The token has no aud claim",
            ),
            (
                json!({"aud": 7}),
                "audience",
                CheckStatus::Failed,
                "no readable audience",
            ),
            (
                json!({"scope": null, "scp": ["ledger:write", "ledger:read"]}),
                "scope",
                CheckStatus::Passed,
                "includes ledger:read",
            ),
            (
                json!({"scope": null, "scp": "ledger:read"}),
                "scope",
                CheckStatus::Passed,
                "grants ledger:read, the scope this request requires",
            ),
            (
                json!({"scope": "ledger:readonly"}),
                "scope",
                CheckStatus::Failed,
                "but this request requires ledger:read",
            ),
            (
                json!({"scope": null}),
                "scope",
                CheckStatus::Failed,
                "grants no scope at all",
            ),
        ];
        for (changes, name, expected, phrase) in cases {
            let report = validate(&hs256(&with(changes.clone())), &hmac_options());
            let found = check(&report, name);
            assert_eq!(found.status, expected, "{changes}: {}", found.detail);
            assert!(found.detail.contains(phrase), "{changes}: {}", found.detail);
            let failures = report
                .checks
                .iter()
                .filter(|c| c.status == CheckStatus::Failed)
                .count();
            assert_eq!(
                failures,
                usize::from(expected == CheckStatus::Failed),
                "{changes}"
            );
        }
    }

    #[test]
    fn several_required_scopes_must_all_be_granted() {
        let token = hs256(&with(json!({"scope": "ledger:read ledger:write"})));
        let both = ValidationOptions {
            required_scope: Some("ledger:write ledger:read".into()),
            ..hmac_options()
        };
        assert_eq!(
            status(&validate(&token, &both), "scope"),
            CheckStatus::Passed
        );
        let admin = ValidationOptions {
            required_scope: Some("ledger:read ledger:admin".into()),
            ..hmac_options()
        };
        let report = validate(&token, &admin);
        assert!(
            check(&report, "scope")
                .detail
                .contains("but this request requires ledger:admin.")
        );
    }

    #[test]
    fn blank_expectations_are_skipped() {
        let options = ValidationOptions {
            expected_issuer: Some(String::new()),
            expected_audience: Some("  ".into()),
            required_scope: None,
            ..hmac_options()
        };
        let report = validate(&hs256(&claims()), &options);
        for name in ["issuer", "audience", "scope"] {
            assert_eq!(status(&report, name), CheckStatus::Skipped, "{name}");
        }
        assert!(
            report.valid,
            "skipped expectations do not invalidate a verified token"
        );
    }

    #[test]
    fn an_unverified_token_is_never_valid() {
        let report = validate(&hs256(&claims()), &ValidationOptions::at(NOW));
        assert_eq!(status(&report, "signature"), CheckStatus::Skipped);
        assert!(
            report
                .checks
                .iter()
                .all(|c| c.status != CheckStatus::Failed)
        );
        assert!(!report.valid);
    }

    #[test]
    fn algorithm_pinning() {
        let hs = hs256(&claims());
        let rs = rs256(&claims(), Some("FAKE-course-key-1"));
        let options = |key: KeyInput, allowed: &[&str]| ValidationOptions {
            key,
            allowed_algorithms: allowed.iter().map(|a| (*a).to_owned()).collect(),
            ..ValidationOptions::at(NOW)
        };
        let secret = || KeyInput::HmacSecret(FAKE_HS256_SECRET.to_owned());
        let cases = [
            (
                &rs,
                options(secret(), &[]),
                CheckStatus::Failed,
                "The token is signed with RS256, but this API allows HS256 only.",
            ),
            (
                &rs,
                options(secret(), &["RS256"]),
                CheckStatus::Failed,
                "but the key given is a shared secret, which cannot check a RS256 signature.",
            ),
            (
                &hs,
                options(secret(), &["HS256", "HS384"]),
                CheckStatus::Passed,
                "which this API allows (HS256, HS384)",
            ),
            (
                &hs,
                options(rsa_key(), &["HS256"]),
                CheckStatus::Failed,
                "this is the algorithm-confusion attack",
            ),
            (
                &hs,
                options(KeyInput::None, &["RS256"]),
                CheckStatus::Failed,
                "this API allows RS256 only",
            ),
            (
                &hs,
                options(KeyInput::None, &[]),
                CheckStatus::Skipped,
                "nothing pins the algorithm",
            ),
            (
                &hs,
                options(secret(), &["HS999"]),
                CheckStatus::Failed,
                "The allowed algorithm HS999 is not one the playground knows",
            ),
            (
                &rs,
                options(rsa_key(), &[]),
                CheckStatus::Passed,
                "The token uses RS256",
            ),
        ];
        for (token, options, expected, phrase) in cases {
            let report = validate(token, &options);
            let found = check(&report, "algorithm");
            assert_eq!(found.status, expected, "{options:?}: {}", found.detail);
            assert!(found.detail.contains(phrase), "{}", found.detail);
        }
    }

    #[test]
    fn unknown_and_none_algorithms_always_fail() {
        let header = json!({"alg": "HS1", "typ": "at+jwt"});
        let key = jsonwebtoken::EncodingKey::from_secret(b"k");
        let token = sign_with_header(&header, &claims(), &key, jsonwebtoken::Algorithm::HS256)
            .expect("signs");
        let report = validate(&token, &hmac_options());
        assert!(
            check(&report, "algorithm")
                .detail
                .contains("HS1 is not a JWS signature algorithm")
        );
        let unsecured = format!(
            "{}.{}.",
            crate::sign::encode_part(&json!({"alg": "NONE"})),
            crate::sign::encode_part(&claims())
        );
        let options = ValidationOptions {
            allowed_algorithms: vec!["none".into()],
            ..hmac_options()
        };
        let report = validate(&unsecured, &options);
        assert_eq!(
            status(&report, "algorithm"),
            CheckStatus::Failed,
            "even when allowed"
        );
        assert!(check(&report, "algorithm").detail.contains("alg \"NONE\""));
    }

    #[test]
    fn jwk_and_jwks_keys() {
        let keys = course_keys();
        let jwks: Value = serde_json::from_str(&crate::samples::public_jwks(&keys)).expect("JSON");
        let rsa_jwk = jwks["keys"][0].clone();
        let hmac_jwk = json!({"kty": "oct", "kid": "FAKE-course-hmac-1",
            "k": base64::Engine::encode(&base64::engine::general_purpose::URL_SAFE_NO_PAD, FAKE_HS256_SECRET)});
        let set = json!({"keys": [hmac_jwk, rsa_jwk]}).to_string();
        let with_key = |key: KeyInput| ValidationOptions {
            key,
            ..ValidationOptions::at(NOW)
        };

        let rs = rs256(&claims(), Some(crate::facts::SIGNING_KEY_ID));
        let report = validate(&rs, &with_key(KeyInput::Jwk(set.clone())));
        assert!(report.valid, "{report:#?}");
        assert!(
            check(&report, "signature")
                .detail
                .contains("the JWK with kid auth-2026-01")
        );

        let hs = hs256(&claims());
        let report = validate(&hs, &with_key(KeyInput::Jwk(set.clone())));
        assert!(report.valid, "the HMAC key is picked by kid: {report:#?}");
        assert!(
            check(&report, "signature")
                .detail
                .contains("kid FAKE-course-hmac-1")
        );

        let unknown_kid = rs256(&claims(), Some("FAKE-rotated-away"));
        let report = validate(&unknown_kid, &with_key(KeyInput::Jwk(set.clone())));
        assert_eq!(status(&report, "signature"), CheckStatus::Failed);
        assert!(
            check(&report, "signature")
                .detail
                .contains("No key in the JWKS has kid FAKE-rotated-away")
        );

        let no_kid = rs256(&claims(), None);
        let report = validate(&no_kid, &with_key(KeyInput::Jwk(set)));
        assert!(
            check(&report, "signature")
                .detail
                .contains("which of the 2 keys")
        );
        assert!(
            report
                .warnings
                .iter()
                .any(|w| w.starts_with("The token has no kid"))
        );

        let single_set = json!({"keys": [jwks["keys"][0].clone()]}).to_string();
        let report = validate(&no_kid, &with_key(KeyInput::Jwk(single_set)));
        assert!(report.valid, "one key and no kid: verified, with a warning");
        assert!(
            report
                .warnings
                .iter()
                .any(|w| w.starts_with("The token has no kid"))
        );

        // An RSA JWK used against an HS256 token: algorithm confusion again.
        let report = validate(&hs, &with_key(KeyInput::Jwk(jwks["keys"][0].to_string())));
        assert!(
            check(&report, "algorithm")
                .detail
                .contains("algorithm-confusion attack")
        );
    }

    /// RFC 7515 section 4.1.11: a recipient that does not understand a
    /// parameter listed in `crit` must reject the token, signature or not.
    /// RFC 8725 section 3.11: a JWT typed as another kind is not an access
    /// token.
    #[test]
    fn header_rules_fail_the_format_check_of_a_signed_token() {
        let key = jsonwebtoken::EncodingKey::from_secret(FAKE_HS256_SECRET.as_bytes());
        let cases = [
            (
                json!({"alg": "HS256", "typ": "at+jwt", "crit": ["exp-check"], "exp-check": true}),
                "crit",
            ),
            (json!({"alg": "HS256", "typ": "dpop+jwt"}), "\"dpop+jwt\""),
        ];
        for (header, phrase) in cases {
            let token = sign_with_header(&header, &claims(), &key, jsonwebtoken::Algorithm::HS256)
                .expect("signs");
            let report = validate(&token, &hmac_options());
            assert!(!report.valid, "{header}: accepted");
            let format = check(&report, "format");
            assert_eq!(format.status, CheckStatus::Failed, "{header}");
            assert!(
                format.detail.contains(phrase),
                "{header}: {}",
                format.detail
            );
            assert_eq!(
                status(&report, "signature"),
                CheckStatus::Passed,
                "{header}: the other checks still run"
            );
        }
    }

    /// RFC 7519 section 4: claim names must be unique; parsers disagree on
    /// which repeated value counts.
    #[test]
    fn repeated_claim_names_fail_the_format_check() {
        let payload = format!(
            r#"{{"iss":"https://auth.example.com/","aud":"{API}","scope":"ledger:read","exp":{},"scope":"ledger:admin"}}"#,
            NOW + 600
        );
        let token = hs256_text(r#"{"alg":"HS256","typ":"at+jwt"}"#, &payload);
        let report = validate(&token, &hmac_options());
        assert!(!report.valid);
        let format = check(&report, "format");
        assert_eq!(format.status, CheckStatus::Failed);
        assert!(
            format.detail.contains("claim scope 2 times"),
            "{}",
            format.detail
        );
        assert!(
            format.detail.contains("RFC 7519 section 4"),
            "{}",
            format.detail
        );

        let token = hs256_text(r#"{"alg":"HS256","alg":"HS256","typ":"at+jwt"}"#, &payload);
        let format = check(&validate(&token, &hmac_options()), "format")
            .detail
            .clone();
        assert!(format.contains("header parameter alg 2 times"), "{format}");
    }

    /// An invisible character makes a different string that looks the
    /// same: the messages show it as an escape.
    #[test]
    fn invisible_characters_are_shown_in_messages() {
        let token = hs256(&with(json!({"scope": "ledger:\u{200B}read"})));
        let report = validate(&token, &hmac_options());
        let scope = check(&report, "scope");
        assert_eq!(scope.status, CheckStatus::Failed);
        assert!(
            scope.detail.contains("ledger:\\u200Bread"),
            "{}",
            scope.detail
        );
    }

    #[test]
    fn warnings_explain_risks() {
        let long_lived = with(json!({"exp": NOW + 30 * 86_400, "aud": null}));
        let header = json!({"alg": "HS256", "typ": "JWT", "jku": "https://attacker.example/jwks.json", "x5u": "https://attacker.example/cert.pem"});
        let key = jsonwebtoken::EncodingKey::from_secret(FAKE_HS256_SECRET.as_bytes());
        let token = sign_with_header(&header, &long_lived, &key, jsonwebtoken::Algorithm::HS256)
            .expect("signs");
        let report = validate(&token, &hmac_options());
        let expected = [
            "The token has no aud",
            "For information: the header's typ is \"JWT\", not at+jwt.",
            "The header has jku (https://attacker.example/jwks.json): never fetch keys from a URL named in the token",
            "The header has x5u (https://attacker.example/cert.pem)",
            "Very long lifetime: this token is valid for 30 days",
        ];
        assert_eq!(
            report.warnings.len(),
            expected.len(),
            "{:#?}",
            report.warnings
        );
        for (warning, start) in report.warnings.iter().zip(expected) {
            assert!(warning.starts_with(start), "{warning}");
        }

        let no_exp = hs256(&with(json!({"exp": null, "iat": NOW + 7200})));
        let report = validate(&no_exp, &hmac_options());
        assert!(
            report
                .warnings
                .iter()
                .any(|w| w.contains("RFC 9068 requires every JWT access token"))
        );
        assert!(
            report
                .warnings
                .iter()
                .any(|w| w.starts_with("The token was issued in 2 hours"))
        );

        let short_secret = ValidationOptions {
            key: KeyInput::HmacSecret("FAKE".into()),
            ..hmac_options()
        };
        let report = validate(&hs256(&claims()), &short_secret);
        assert!(
            report
                .warnings
                .iter()
                .any(|w| w.contains("only 4 bytes long"))
        );
        assert_eq!(status(&report, "signature"), CheckStatus::Failed);
    }

    #[test]
    fn options_from_javascript_json() {
        let minimal: ValidationOptions =
            serde_json::from_str(r#"{"now": 1795687200}"#).expect("parses");
        assert_eq!(minimal, ValidationOptions::at(NOW));
        let full: ValidationOptions = serde_json::from_value(json!({
            "key": {"kind": "hmac", "value": FAKE_HS256_SECRET},
            "expected_issuer": "https://auth.example.com/",
            "expected_audience": API,
            "required_scope": "ledger:read",
            "allowed_algorithms": ["HS256"],
            "leeway_seconds": 5,
            "now": NOW
        }))
        .expect("parses");
        assert_eq!(
            full,
            ValidationOptions {
                allowed_algorithms: vec!["HS256".into()],
                leeway_seconds: 5,
                ..hmac_options()
            }
        );
        assert!(
            serde_json::from_str::<ValidationOptions>("{}").is_err(),
            "now is required"
        );
    }

    #[test]
    fn reports_serialize_with_lowercase_statuses() {
        let report = validate(&hs256(&claims()), &ValidationOptions::at(NOW));
        let json = serde_json::to_value(&report).expect("serializes");
        assert_eq!(json["checks"][0]["status"], "passed");
        assert_eq!(json["checks"][2]["status"], "skipped");
        assert_eq!(json["valid"], false);
    }

    #[test]
    fn hostile_inputs_never_panic() {
        let tokens = [
            String::new(),
            "a.b.c".to_owned(),
            hs256(&with(
                json!({"exp": i64::MAX, "iat": i64::MIN, "nbf": -1e300}),
            )),
            hs256(&with(
                json!({"exp": u64::MAX, "aud": [1, null, {}], "scope": {"x": 1}}),
            )),
            format!(
                "{}.{}.",
                crate::sign::encode_part(&json!({"alg": "RS256"})),
                crate::sign::encode_part(&json!({}))
            ),
        ];
        let keys = [
            KeyInput::None,
            KeyInput::HmacSecret(String::new()),
            KeyInput::RsaPublicPem(
                "-----BEGIN PUBLIC KEY-----\n!!\n-----END PUBLIC KEY-----".into(),
            ),
            KeyInput::Jwk(r#"{"kty":"RSA","n":"","e":""}"#.into()),
            KeyInput::Jwk(r#"{"kty":"EC","crv":"P-256","x":"AA","y":"AA"}"#.into()),
            KeyInput::Jwk(r#"{"keys":[null, 1, {"kid": 5}]}"#.into()),
        ];
        for token in &tokens {
            for key in &keys {
                let options = ValidationOptions {
                    key: key.clone(),
                    leeway_seconds: i64::MAX,
                    now: i64::MIN,
                    ..hmac_options()
                };
                let report = validate(token, &options);
                assert_eq!(report.checks.len(), CHECK_NAMES.len());
                assert!(!report.valid, "{token} {key:?}");
            }
        }
    }
}
