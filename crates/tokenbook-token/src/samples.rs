//! The course's sample tokens, minted at build time with FAKE keys: one good
//! app token, one user token, and one broken token for each check a
//! resource server makes. Minting is deterministic for a given `now`.
//!
//! Every key and secret here is FAKE, published on purpose so readers can
//! verify the samples. Never use any of them for anything real.

use jsonwebtoken::{Algorithm, EncodingKey};
use serde_json::{Value, json};

use crate::error::TokenError;
use crate::facts::{
    BILLING_SERVICE, ISSUER, LEDGER_API, REPORTS_API, SIGNING_KEY_ID, UNGRANTED_SCOPE,
    USER_APP_CLIENT_ID, USER_NAME, USER_SUBJECT, USER_TOKEN_LIFETIME,
};
use crate::sign::{access_token_header, encode_part, sign_rs256, sign_with_header};

/// The FAKE HS256 secret of the course (50 bytes), for the Validate step's
/// shared-secret option. Never use it anywhere.
pub const FAKE_HS256_SECRET: &str = "FAKE-course-secret-do-not-use-anywhere-0123456789";
/// Key id of the FAKE HMAC secret.
pub const HS256_KID: &str = "FAKE-course-hmac-1";

/// The FAKE RSA key pair, as PEM text.
#[derive(Debug, Clone, Copy)]
pub struct SampleKeys<'a> {
    /// PKCS#1 private key (`BEGIN RSA PRIVATE KEY`), with comment lines
    /// before the PEM block.
    pub rsa_private_pem: &'a str,
    /// Its public key (`BEGIN PUBLIC KEY`), with comment lines before it.
    pub rsa_public_pem: &'a str,
}

/// The course's FAKE key pair, compiled in from `keys/`.
pub fn course_keys() -> SampleKeys<'static> {
    SampleKeys {
        rsa_private_pem: include_str!("../keys/FAKE-course-signing-key.pem"),
        rsa_public_pem: include_str!("../keys/FAKE-course-signing-key.pub.pem"),
    }
}

/// A sample token with what it teaches and how the playground should
/// check it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Sample {
    /// Stable id: `app-token`, `user-token`, `expired`, `not-yet-valid`,
    /// `wrong-audience`, `missing-scope`, `alg-none`, `tampered`,
    /// `alg-confusion`.
    pub id: String,
    /// A short title.
    pub title: String,
    /// One sentence: what this sample teaches.
    pub lesson_point: String,
    /// The token itself.
    pub token: String,
    /// The key the API checks it with: "rsa", "hmac" or "none".
    pub verify_with: String,
    /// The API's identifier, to check `aud` against.
    pub expected_audience: String,
    /// The scope the API's operation requires.
    pub required_scope: String,
}

/// Mints every sample at time `now` (Unix seconds).
pub fn mint_samples(keys: &SampleKeys, now: i64) -> Result<Vec<Sample>, TokenError> {
    let rs256 = |claims: &Value| sign_rs256(claims, keys.rsa_private_pem, Some(SIGNING_KEY_ID));
    let app_token = rs256(&app_claims("app-token", now))?;
    let sample =
        |id: &str, title: &str, lesson_point: &str, token: String, required_scope: &str| Sample {
            id: id.to_owned(),
            title: title.to_owned(),
            lesson_point: lesson_point.to_owned(),
            token,
            verify_with: "rsa".to_owned(),
            expected_audience: LEDGER_API.identifier.to_owned(),
            required_scope: required_scope.to_owned(),
        };
    Ok(vec![
        sample(
            "app-token",
            "App token (client credentials)",
            "A client credentials token: its subject is the client itself (billing-service), it carries no user claims, and it passes every check.",
            app_token.clone(),
            "ledger:write",
        ),
        sample(
            "user-token",
            "User token (authorization code)",
            "A user token: its subject is a person (Ada Example) and client_id names the app she used (expense-dashboard), so the client acts on her behalf.",
            rs256(&user_claims(now))?,
            "ledger:read",
        ),
        sample(
            "expired",
            "Expired token",
            "A token whose exp is three days in the past is refused, however good its signature: the client must ask for a new one.",
            rs256(&with(
                app_claims("expired", now),
                json!({"iat": now - 3 * DAY - BILLING_SERVICE.token_lifetime, "exp": now - 3 * DAY}),
            ))?,
            "ledger:read",
        ),
        sample(
            "not-yet-valid",
            "Not yet valid",
            "A token whose nbf lies ten minutes ahead is refused until then, beyond the small leeway allowed for clock differences.",
            rs256(&with(
                app_claims("not-yet-valid", now),
                json!({"nbf": now + 10 * MINUTE, "exp": now + 10 * MINUTE + BILLING_SERVICE.token_lifetime}),
            ))?,
            "ledger:read",
        ),
        sample(
            "wrong-audience",
            "Token for another API",
            "A token issued for the reports API is refused by the ledger API: the audience must name the API that receives it.",
            rs256(&with(
                app_claims("wrong-audience", now),
                json!({"aud": REPORTS_API.identifier}),
            ))?,
            "ledger:read",
        ),
        sample(
            "missing-scope",
            "Missing scope",
            "A correctly signed token for the right API is still refused when it lacks the scope the operation needs: ledger:read does not allow ledger:write.",
            rs256(&with(
                app_claims("missing-scope", now),
                json!({"scope": "ledger:read"}),
            ))?,
            "ledger:write",
        ),
        sample(
            "alg-none",
            "alg: none",
            "A token that claims alg none has no signature at all, so anyone could have written it: an API must always refuse it.",
            unsecured(&app_claims("alg-none", now)),
            "ledger:read",
        ),
        sample(
            "tampered",
            "Tampered payload",
            "Changing a single claim (scope raised to ledger:admin, which nobody is granted) breaks the signature: the claims of a token can be read by anyone but changed by no one.",
            tampered(&app_token)?,
            "ledger:admin",
        ),
        sample(
            "alg-confusion",
            "Algorithm confusion",
            "A token signed with HS256 using the issuer's public key as the HMAC secret fools only an API whose library lets the header choose the algorithm; an API that pins RS256 refuses it before looking at the signature.",
            algorithm_confusion(keys, &app_claims("alg-confusion", now))?,
            "ledger:read",
        ),
    ])
}

const MINUTE: i64 = 60;
const HOUR: i64 = 60 * MINUTE;
const DAY: i64 = 24 * HOUR;

/// The claims of a client credentials token for `billing-service`: RFC
/// 9068 §2.2, with `sub` the client itself (§2.2's note on client
/// credentials) and its whole scope.
fn app_claims(sample_id: &str, now: i64) -> Value {
    app_claims_with_scope(
        &format!("FAKE-jti-{sample_id}"),
        now,
        &BILLING_SERVICE.scopes.join(" "),
    )
}

fn app_claims_with_scope(jti: &str, now: i64, scope: &str) -> Value {
    json!({
        "iss": ISSUER,
        "sub": BILLING_SERVICE.id,
        "aud": LEDGER_API.identifier,
        "client_id": BILLING_SERVICE.id,
        "scope": scope,
        "iat": now,
        "exp": now + BILLING_SERVICE.token_lifetime,
        "jti": jti,
    })
}

/// A user's access token for the ledger API: every scope has meaning for
/// the API (RFC 9068 §2.2.3, so no `openid`).
fn user_claims(now: i64) -> Value {
    json!({
        "iss": ISSUER,
        "sub": USER_SUBJECT,
        "aud": LEDGER_API.identifier,
        "client_id": USER_APP_CLIENT_ID,
        "scope": "ledger:read",
        "name": USER_NAME,
        "email": "ada@example.com",
        "auth_time": now - 5 * MINUTE,
        "iat": now,
        "exp": now + USER_TOKEN_LIFETIME,
        "jti": "FAKE-jti-user-token",
    })
}

/// What the playground's simulated authorization server issues to
/// `billing-service` for each scope it may ask for: RS256 tokens, signed
/// at `now` with the course's FAKE key, by scope.
pub fn mint_flow_tokens(keys: &SampleKeys, now: i64) -> Result<Vec<(String, String)>, TokenError> {
    let scopes = BILLING_SERVICE.scopes;
    let mut requests: Vec<String> = scopes.iter().map(|s| s.to_string()).collect();
    requests.push(scopes.join(" "));
    requests
        .into_iter()
        .map(|scope| {
            let jti = format!("FAKE-jti-flow-{}", scope.replace([' ', ':'], "-"));
            let token = sign_rs256(
                &app_claims_with_scope(&jti, now, &scope),
                keys.rsa_private_pem,
                Some(SIGNING_KEY_ID),
            )?;
            Ok((scope, token))
        })
        .collect()
}

/// `claims` with the members of `changes` replaced or added.
fn with(mut claims: Value, changes: Value) -> Value {
    if let (Some(claims), Some(changes)) = (claims.as_object_mut(), changes.as_object()) {
        for (name, value) in changes {
            claims.insert(name.clone(), value.clone());
        }
    }
    claims
}

/// `alg: none`, an empty signature.
fn unsecured(claims: &Value) -> String {
    let header = json!({"typ": "at+jwt", "alg": "none"});
    format!("{}.{}.", encode_part(&header), encode_part(claims))
}

/// `token` with its payload re-encoded with `scope: ledger:admin`, and the
/// old signature kept.
fn tampered(token: &str) -> Result<String, TokenError> {
    let decoded = crate::decode::decode(token)?;
    let [header, _, signature] = &decoded.segments;
    let payload = with(decoded.payload.clone(), json!({"scope": UNGRANTED_SCOPE}));
    Ok(format!("{header}.{}.{signature}", encode_part(&payload)))
}

/// The classic attack: HS256, with the issuer's public key in PEM as the
/// HMAC secret, and the RSA key's kid.
fn algorithm_confusion(keys: &SampleKeys, claims: &Value) -> Result<String, TokenError> {
    let secret = published_public_pem(keys).ok_or_else(unreadable_public_key)?;
    sign_with_header(
        &access_token_header("HS256", Some(SIGNING_KEY_ID)),
        claims,
        &EncodingKey::from_secret(secret.as_bytes()),
        Algorithm::HS256,
    )
}

/// The public key as an attacker rebuilds it from the published JWKS: the
/// PEM block alone (`BEGIN PUBLIC KEY`, 64-character lines, `END PUBLIC
/// KEY` and a newline), as `openssl rsa -pubout` writes it. The key file's
/// comment lines are not part of it.
fn published_public_pem(keys: &SampleKeys) -> Option<String> {
    let start = keys.rsa_public_pem.find("-----BEGIN PUBLIC KEY-----")?;
    let end_marker = "-----END PUBLIC KEY-----";
    let end = keys.rsa_public_pem[start..].find(end_marker)? + start + end_marker.len();
    Some(format!("{}\n", &keys.rsa_public_pem[start..end]))
}

fn unreadable_public_key() -> TokenError {
    TokenError::new(
        "The RSA public key could not be read.",
        "Give a PEM block starting with -----BEGIN PUBLIC KEY-----.",
    )
}

/// The JWKS with the FAKE RSA public key (kid `auth-2026-01`), as
/// pretty JSON. `{"keys": []}` if the public key cannot be read.
pub fn public_jwks(keys: &SampleKeys) -> String {
    try_public_jwks(keys).unwrap_or_else(|_| "{\n  \"keys\": []\n}".to_owned())
}

/// [`public_jwks`], with the reason when the public key cannot be read.
pub fn try_public_jwks(keys: &SampleKeys) -> Result<String, TokenError> {
    let jwk = public_jwk(keys.rsa_public_pem, SIGNING_KEY_ID)?;
    Ok(crate::decode::pretty(&json!({ "keys": [jwk] })))
}

/// The JWK (RFC 7517) of an RSA public key in PEM, for RS256 signatures,
/// with key id `kid`: `{"kty", "use", "alg", "kid", "n", "e"}`, the modulus
/// and exponent base64url-encoded (RFC 7518 §6.3.1). Read with the crate's
/// own DER reader: jsonwebtoken's `Jwk` would bring its whole model into
/// the browser build.
pub fn public_jwk(public_pem: &str, kid: &str) -> Result<Value, TokenError> {
    use base64::Engine as _;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let (n, e) = crate::pem::public_key_components(public_pem).ok_or_else(unreadable_public_key)?;
    Ok(json!({
        "kty": "RSA",
        "use": "sig",
        "alg": "RS256",
        "kid": kid,
        "n": URL_SAFE_NO_PAD.encode(n),
        "e": URL_SAFE_NO_PAD.encode(e),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::classify::{Verdict, classify};
    use crate::decode::decode;
    use crate::keys::KeyInput;
    use crate::validate::{CheckStatus, ValidationOptions, ValidationReport, validate};

    const NOW: i64 = 1_795_687_200;

    fn samples() -> Vec<Sample> {
        mint_samples(&course_keys(), NOW).expect("mints")
    }

    fn sample(id: &str) -> Sample {
        samples()
            .into_iter()
            .find(|s| s.id == id)
            .unwrap_or_else(|| panic!("no sample {id}"))
    }

    /// What the playground does with a sample: validate it as the ledger API.
    fn report(sample: &Sample) -> ValidationReport {
        let key = match sample.verify_with.as_str() {
            "rsa" => KeyInput::RsaPublicPem(course_keys().rsa_public_pem.to_owned()),
            "hmac" => KeyInput::HmacSecret(FAKE_HS256_SECRET.to_owned()),
            _ => KeyInput::None,
        };
        validate(
            &sample.token,
            &ValidationOptions {
                key,
                expected_issuer: Some(ISSUER.to_owned()),
                expected_audience: Some(sample.expected_audience.clone()),
                required_scope: Some(sample.required_scope.clone()),
                ..ValidationOptions::at(NOW)
            },
        )
    }

    fn failed_checks(report: &ValidationReport) -> Vec<&str> {
        report
            .checks
            .iter()
            .filter(|c| c.status == CheckStatus::Failed)
            .map(|c| c.name.as_str())
            .collect()
    }

    fn detail<'a>(report: &'a ValidationReport, name: &str) -> &'a str {
        report
            .checks
            .iter()
            .find(|c| c.name == name)
            .map_or("", |c| c.detail.as_str())
    }

    #[test]
    fn rfc7518_s6_3_1_the_jwk_has_jsonwebtoken_s_modulus_and_exponent() {
        let keys = course_keys();
        let ours = public_jwk(keys.rsa_public_pem, "k").unwrap();
        let key = crate::pem::public_decoding_key(keys.rsa_public_pem).unwrap();
        let jwk = jsonwebtoken::jwk::Jwk::from_decoding_key(&key, Some(Algorithm::RS256)).unwrap();
        let jsonwebtoken::jwk::AlgorithmParameters::RSA(rsa) = jwk.algorithm else {
            panic!("an RSA key");
        };
        assert_eq!(
            (ours["n"].as_str(), ours["e"].as_str()),
            (Some(rsa.n.as_str()), Some("AQAB"))
        );
        assert_eq!(rsa.e, "AQAB");
        assert!(public_jwk("no key", "k").is_err());
    }

    #[test]
    fn samples_quote_the_course_facts() {
        let app = decode(&sample("app-token").token).expect("decodes");
        assert_eq!(app.header["kid"], SIGNING_KEY_ID);
        assert_eq!(app.payload["iss"], ISSUER);
        assert_eq!(app.payload["aud"], LEDGER_API.identifier);
        assert_eq!(app.payload["sub"], BILLING_SERVICE.id);
        assert_eq!(app.payload["client_id"], BILLING_SERVICE.id);
        assert_eq!(app.payload["scope"], "ledger:read ledger:write");
        assert_eq!(
            app.payload["exp"].as_i64().unwrap() - app.payload["iat"].as_i64().unwrap(),
            BILLING_SERVICE.token_lifetime
        );
        let user = decode(&sample("user-token").token).expect("decodes");
        assert_eq!(user.payload["sub"], USER_SUBJECT);
        assert_eq!(user.payload["client_id"], USER_APP_CLIENT_ID);
        assert_eq!(
            user.payload["exp"].as_i64().unwrap() - user.payload["iat"].as_i64().unwrap(),
            USER_TOKEN_LIFETIME
        );
        let scopes = user.payload["scope"].as_str().unwrap();
        assert!(
            scopes.split(' ').all(|s| s.starts_with("ledger:")),
            "RFC 9068 §2.2.3: {scopes}"
        );
    }

    #[test]
    fn the_flow_issues_a_token_for_each_scope_billing_service_may_ask_for() {
        let tokens = mint_flow_tokens(&course_keys(), NOW).unwrap();
        let scopes: Vec<&str> = tokens.iter().map(|(s, _)| s.as_str()).collect();
        assert_eq!(
            scopes,
            ["ledger:read", "ledger:write", "ledger:read ledger:write"]
        );
        for (scope, token) in &tokens {
            let report = validate(
                token,
                &ValidationOptions {
                    key: KeyInput::RsaPublicPem(course_keys().rsa_public_pem.to_owned()),
                    expected_issuer: Some(ISSUER.to_owned()),
                    expected_audience: Some(LEDGER_API.identifier.to_owned()),
                    required_scope: Some(scope.split(' ').next().unwrap().to_owned()),
                    allowed_algorithms: vec!["RS256".to_owned()],
                    ..ValidationOptions::at(NOW)
                },
            );
            assert!(report.valid, "{scope}: {report:#?}");
            assert_eq!(decode(token).unwrap().payload["scope"], scope.as_str());
        }
    }

    #[test]
    fn ids_are_exactly_the_course_samples() {
        let ids: Vec<String> = samples().into_iter().map(|s| s.id).collect();
        assert_eq!(
            ids,
            [
                "app-token",
                "user-token",
                "expired",
                "not-yet-valid",
                "wrong-audience",
                "missing-scope",
                "alg-none",
                "tampered",
                "alg-confusion"
            ]
        );
    }

    #[test]
    fn minting_is_deterministic() {
        assert_eq!(samples(), samples());
        let later = mint_samples(&course_keys(), NOW + 1).expect("mints");
        assert_ne!(samples()[0].token, later[0].token);
    }

    #[test]
    fn good_samples_pass_every_check() {
        for id in ["app-token", "user-token"] {
            let report = report(&sample(id));
            assert!(report.valid, "{id}: {report:#?}");
            let statuses: Vec<CheckStatus> = report.checks.iter().map(|c| c.status).collect();
            assert_eq!(
                statuses,
                [
                    CheckStatus::Passed,
                    CheckStatus::Passed,
                    CheckStatus::Passed,
                    CheckStatus::Passed,
                    CheckStatus::Skipped,
                    CheckStatus::Passed,
                    CheckStatus::Passed,
                    CheckStatus::Passed,
                ],
                "{id}: nbf is absent, so only not before is skipped"
            );
            assert!(report.warnings.is_empty(), "{id}: {:?}", report.warnings);
        }
    }

    #[test]
    fn each_bad_sample_fails_exactly_its_check() {
        let cases = [
            (
                "expired",
                "expiry",
                "The token expired 3 days ago (2026-11-23T10:00:00Z), beyond the 60-second leeway",
            ),
            (
                "not-yet-valid",
                "not before",
                "it is valid in 10 min (2026-11-26T10:10:00Z)",
            ),
            (
                "wrong-audience",
                "audience",
                "The token is meant for https://reports.example.com, not for this API (https://ledger.example.com).",
            ),
            (
                "missing-scope",
                "scope",
                "The token grants ledger:read, but this request requires ledger:write.",
            ),
            ("alg-none", "algorithm", "it has no signature at all"),
            (
                "tampered",
                "signature",
                "The signature does not match the RSA public key",
            ),
            (
                "alg-confusion",
                "algorithm",
                "this is the algorithm-confusion attack",
            ),
        ];
        for (id, check, phrase) in cases {
            let report = report(&sample(id));
            assert!(!report.valid, "{id}");
            assert_eq!(failed_checks(&report), [check], "{id}: {report:#?}");
            assert!(
                detail(&report, check).contains(phrase),
                "{id}: {}",
                detail(&report, check)
            );
        }
    }

    #[test]
    fn refused_algorithms_skip_the_signature_and_warn() {
        for (id, warning) in [
            ("alg-none", "alg none"),
            ("alg-confusion", "Algorithm confusion"),
        ] {
            let report = report(&sample(id));
            assert!(
                detail(&report, "signature")
                    .starts_with("Not checked: the algorithm was refused first"),
                "{id}"
            );
            assert!(
                report.warnings.iter().any(|w| w.contains(warning)),
                "{id}: {:?}",
                report.warnings
            );
        }
    }

    #[test]
    fn the_confusion_token_is_a_correct_hmac_of_the_public_key() {
        let token = sample("alg-confusion").token;
        let pem = published_public_pem(&course_keys()).expect("a PEM block");
        let naive = validate(
            &token,
            &ValidationOptions {
                key: KeyInput::HmacSecret(pem),
                ..ValidationOptions::at(NOW)
            },
        );
        assert_eq!(
            detail(&naive, "algorithm").get(..21),
            Some("The token uses HS256,")
        );
        assert!(
            detail(&naive, "signature").starts_with("The signature matches"),
            "{naive:#?}"
        );
        assert!(
            naive.valid,
            "a server verifying with the public key as HMAC secret is fooled"
        );
    }

    /// Anyone can rebuild the HMAC secret of the attack from the JWKS the
    /// course publishes, without the key file and its comment lines.
    #[test]
    fn the_confusion_secret_is_the_pem_rebuilt_from_the_jwks() {
        use base64::Engine as _;
        use rsa::pkcs8::{EncodePublicKey, LineEnding};
        let jwks: Value = serde_json::from_str(&public_jwks(&course_keys())).expect("JSON");
        let number = |member: &str| {
            let text = jwks["keys"][0][member].as_str().expect(member);
            let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
                .decode(text)
                .expect("base64url");
            rsa::BigUint::from_bytes_be(&bytes)
        };
        let key = rsa::RsaPublicKey::new(number("n"), number("e")).expect("RSA key");
        let rebuilt = key.to_public_key_pem(LineEnding::LF).expect("PEM");
        let published = published_public_pem(&course_keys()).expect("a PEM block");
        assert_eq!(rebuilt, published);
        assert!(published.ends_with("-----END PUBLIC KEY-----\n"));
        // The key file as shipped, comments included, is another secret.
        let with_comments = validate(
            &sample("alg-confusion").token,
            &ValidationOptions {
                key: KeyInput::HmacSecret(course_keys().rsa_public_pem.to_owned()),
                ..ValidationOptions::at(NOW)
            },
        );
        assert_eq!(failed_checks(&with_comments), ["signature"]);
    }

    #[test]
    fn tampered_sample_changed_only_the_scope() {
        let app = decode(&sample("app-token").token).expect("decodes");
        let tampered = decode(&sample("tampered").token).expect("decodes");
        assert_eq!(tampered.payload["scope"], "ledger:admin");
        assert_eq!(tampered.segments[0], app.segments[0]);
        assert_eq!(tampered.segments[2], app.segments[2]);
        let mut restored = tampered.payload.clone();
        restored["scope"] = app.payload["scope"].clone();
        assert_eq!(restored, app.payload);
    }

    #[test]
    fn samples_are_classified_as_the_course_says() {
        let app = classify(&decode(&sample("app-token").token).expect("decodes"));
        assert_eq!(app.verdict, Verdict::AppToken);
        let user = classify(&decode(&sample("user-token").token).expect("decodes"));
        assert_eq!(user.verdict, Verdict::UserToken);
    }

    #[test]
    fn samples_carry_fake_markers_and_access_token_type() {
        for sample in samples() {
            let decoded = decode(&sample.token).expect("decodes");
            assert_eq!(decoded.header["typ"], "at+jwt", "{}", sample.id);
            // typ first, as in the lessons: {"typ":"at+jwt","alg":…
            assert!(
                sample.token.starts_with("eyJ0eXAiOiJhdCtqd3QiLCJhbGciOi"),
                "{}",
                sample.id
            );
            assert!(
                decoded.payload["jti"]
                    .as_str()
                    .is_some_and(|j| j.starts_with("FAKE-")),
                "{}",
                sample.id
            );
            assert_eq!(sample.verify_with, "rsa");
        }
    }

    #[test]
    fn key_files_are_marked_fake_and_readable() {
        let keys = course_keys();
        for pem in [keys.rsa_private_pem, keys.rsa_public_pem] {
            assert!(pem.starts_with(
                "# FAKE KEY FOR THE TOKENBOOK COURSE — NEVER USE IT FOR ANYTHING REAL."
            ));
        }
        assert!(
            keys.rsa_private_pem
                .contains("-----BEGIN RSA PRIVATE KEY-----")
        );
        assert!(crate::pem::private_key_der(keys.rsa_private_pem).is_some());
        assert!(crate::pem::public_key_components(keys.rsa_public_pem).is_some());
        assert!(FAKE_HS256_SECRET.len() >= 32);
    }

    #[test]
    fn jwks_verifies_the_samples() {
        let jwks = public_jwks(&course_keys());
        let parsed: Value = serde_json::from_str(&jwks).expect("JSON");
        assert_eq!(parsed["keys"][0]["kid"], SIGNING_KEY_ID);
        assert_eq!(parsed["keys"][0]["e"], "AQAB");
        let report = validate(
            &sample("app-token").token,
            &ValidationOptions {
                key: KeyInput::Jwk(jwks.clone()),
                ..ValidationOptions::at(NOW)
            },
        );
        assert!(report.valid, "{report:#?}");
        assert!(detail(&report, "signature").contains("the JWK with kid auth-2026-01"));
        let single_jwk = parsed["keys"][0].to_string();
        let report = validate(
            &sample("tampered").token,
            &ValidationOptions {
                key: KeyInput::Jwk(single_jwk),
                ..ValidationOptions::at(NOW)
            },
        );
        assert_eq!(failed_checks(&report), ["signature"]);
        let broken = SampleKeys {
            rsa_private_pem: "",
            rsa_public_pem: "nope",
        };
        assert_eq!(public_jwks(&broken), "{\n  \"keys\": []\n}");
        assert!(mint_samples(&broken, NOW).is_err());
    }
}
