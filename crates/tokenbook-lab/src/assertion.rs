//! JWT client assertions (RFC 7523 §3, profiled by OpenID Connect Core §9
//! as `private_key_jwt` and `client_secret_jwt`, tightened by
//! draft-ietf-oauth-rfc7523bis): checking one as the authorization server
//! does, and signing one for the reader as the lab's helper does.
//!
//! The signature is checked by the playground's validator (its signature
//! check alone, with the client's registered key); the claims here, the
//! times against the lab's clock (never the machine's), with the audience
//! rule of the update, the lifetime and replays.

use std::collections::BTreeMap;

use serde_json::{Value, json};
use tokenbook_token::facts::{ISSUER, LEEWAY_SECONDS, TOKEN_ENDPOINT};
use tokenbook_token::{CheckStatus, KeyInput, ValidationOptions};

use crate::tokens::{SigningKey, tools};
use crate::world::{
    AuthMethod, CLUSTER_TOKEN_LIFETIME, FederationRule, Registration, cluster_key, federation_rule,
    registration,
};

/// `client_assertion_type` for a JWT (RFC 7523 §2.2).
pub(crate) const JWT_BEARER: &str = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

/// The explicit type the update asks clients to send.
pub(crate) const ASSERTION_TYPE: &str = "client-authentication+jwt";

/// The furthest ahead an assertion's `exp` may lie: the lab's policy for
/// "short-lived" (RFC 7523 §3 lets the server limit it).
pub(crate) const MAX_ASSERTION_LIFETIME: i64 = 300;

/// An assertion that passed every check.
#[derive(Debug, Clone)]
pub(crate) struct Verified {
    pub(crate) registration: &'static Registration,
    pub(crate) method: AuthMethod,
    /// Its `jti` and `exp`, to remember against replays (none for a
    /// platform token, which the workload sends until the platform
    /// replaces it).
    pub(crate) remember: Option<(String, i64)>,
    /// The platform that issued it, for a federated workload (lesson 10).
    pub(crate) federated: Option<&'static str>,
}

/// Why an assertion was refused: a full sentence with the rule.
pub(crate) type Refused = String;

/// Checks `assertion` for a token request at `now`. `client_id` is the
/// request's `client_id` parameter, if sent; `seen` holds the `jti`s of
/// assertions already accepted, with their `exp`.
pub(crate) fn verify(
    assertion: &str,
    client_id: Option<&str>,
    now: i64,
    seen: &BTreeMap<String, i64>,
) -> Result<Verified, Refused> {
    let decoded = tools()
        .decode(assertion)
        .map_err(|error| format!("The client_assertion is not a JWT: {error} (RFC 7523 §3)."))?;
    let (method, algorithm) = match decoded.header.get("alg").and_then(Value::as_str) {
        Some("RS256") => (AuthMethod::PrivateKeyJwt, "RS256"),
        Some("HS256") => (AuthMethod::ClientSecretJwt, "HS256"),
        other => {
            return Err(format!(
                "The assertion's alg is {}; this server accepts RS256 (private_key_jwt, signed with the client's registered key) and HS256 (client_secret_jwt, keyed by the client secret), as its metadata lists in token_endpoint_auth_signing_alg_values_supported (RFC 8414 §2). An unsigned assertion proves nothing.",
                other.map_or("missing".to_owned(), |alg| format!("\"{alg}\""))
            ));
        }
    };
    let issuer = decoded.payload.get("iss").and_then(Value::as_str);
    if let Some(rule) = issuer.and_then(federation_rule) {
        if method != AuthMethod::PrivateKeyJwt {
            return Err(format!(
                "The assertion comes from {}, a platform this server trusts through a federation rule, but it is not RS256: platform tokens are signed with the platform's key, never with a shared secret (RFC 7523 §3, item 9).",
                rule.issuer
            ));
        }
        return verify_federated(assertion, &decoded.payload, rule, client_id, now);
    }
    let subject = decoded.payload.get("sub").and_then(Value::as_str);
    let Some(subject) = subject else {
        return Err("The assertion has no sub: for client authentication sub MUST be the client id (RFC 7523 §3), or the server cannot tell which client is asking.".to_owned());
    };
    if let Some(id) = client_id.filter(|id| *id != subject) {
        return Err(format!(
            "The request's client_id is {id}, but the assertion's sub is {subject}: both must name the same client (RFC 7521 §4.2)."
        ));
    }
    let registration = registration(subject).ok_or_else(|| {
        format!("The assertion's sub, {subject}, is no client registered here (RFC 7523 §3).")
    })?;
    if !registration.methods.contains(&method) {
        return Err(format!(
            "{subject} has no key registered for {}: only a client that registered its public key can authenticate with a signed assertion (RFC 7523 §3, OIDC Core §9).",
            method.name()
        ));
    }
    let key = verification_key(registration, method, &decoded.header)?;
    let claims = &decoded.payload;
    check_signature_and_names(assertion, key, algorithm, claims, subject)?;
    check_audience(claims)?;
    let exp = check_times(claims, now, MAX_ASSERTION_LIFETIME)?;
    let jti = check_jti(claims, now, seen)?;
    Ok(Verified {
        registration,
        method,
        remember: Some((jti, exp)),
        federated: None,
    })
}

/// A platform token sent as the client assertion (workload identity
/// federation, lesson 10; RFC 7523 §3 with the rule's pinned issuer):
/// the audience is this server alone, the subject is exactly the rule's,
/// the signature is the platform's, and the token is current.
fn verify_federated(
    assertion: &str,
    claims: &Value,
    rule: &'static FederationRule,
    client_id: Option<&str>,
    now: i64,
) -> Result<Verified, Refused> {
    let issuer = rule.issuer;
    let addressed_to_platform = match claims.get("aud") {
        Some(Value::String(one)) => one == issuer,
        Some(Value::Array(many)) => many.iter().any(|a| a.as_str() == Some(issuer)),
        _ => false,
    };
    if addressed_to_platform {
        return Err(format!(
            "The platform token is addressed to {issuer}, the cluster's own API: it is a credential for the Kubernetes API (a projected token without an audience), not for this server, which accepts only tokens whose aud is its issuer identifier, {ISSUER}, alone (draft-ietf-oauth-rfc7523bis §4). Ask the platform for a token with that audience (lesson 10)."
        ));
    }
    check_audience(claims)?;
    let subject = claims
        .get("sub")
        .and_then(Value::as_str)
        .unwrap_or("missing");
    if subject != rule.subject {
        return Err(format!(
            "The platform token's sub is {subject}. The federation rule for {issuer} names exactly {}, and this server compares it exactly, with no wildcard or prefix (lesson 10): no other workload of the platform becomes {}.",
            rule.subject, rule.client_id
        ));
    }
    if let Some(id) = client_id.filter(|id| *id != rule.client_id) {
        return Err(format!(
            "The request's client_id is {id}, but the federation rule maps this platform token to {}: both must name the same client (RFC 7521 §4.2).",
            rule.client_id
        ));
    }
    let key = KeyInput::RsaPublicPem(cluster_key().public_pem.to_owned());
    if !signature_verifies(assertion, key, "RS256") {
        return Err(format!(
            "The platform token's signature does not verify with {issuer}'s published key: it was not issued by the platform, or was changed after (RFC 7523 §3, item 9)."
        ));
    }
    check_times(claims, now, CLUSTER_TOKEN_LIFETIME)?;
    let registration = registration(rule.client_id)
        .ok_or_else(|| format!("{} is no client registered here.", rule.client_id))?;
    Ok(Verified {
        registration,
        method: AuthMethod::PrivateKeyJwt,
        remember: None,
        federated: Some(issuer),
    })
}

/// The key the assertion must verify with: the client's secret for
/// `client_secret_jwt`, its registered public key for `private_key_jwt`.
fn verification_key(
    registration: &Registration,
    method: AuthMethod,
    header: &Value,
) -> Result<KeyInput, Refused> {
    if method == AuthMethod::ClientSecretJwt {
        return Ok(KeyInput::HmacSecret(registration.client.secret.to_owned()));
    }
    let key = registration
        .assertion_key
        .map(|key| key())
        .ok_or_else(|| "No public key is registered for this client.".to_owned())?;
    if let Some(kid) = header.get("kid").and_then(Value::as_str)
        && kid != key.kid
    {
        return Err(format!(
            "The assertion names key {kid}, but {} registered only key {}: the server checks the signature with the client's registered key (RFC 7523 §3).",
            registration.client.id, key.kid
        ));
    }
    Ok(KeyInput::RsaPublicPem(key.public_pem.to_owned()))
}

fn check_signature_and_names(
    assertion: &str,
    key: KeyInput,
    algorithm: &str,
    claims: &Value,
    client: &str,
) -> Result<(), Refused> {
    if !signature_verifies(assertion, key, algorithm) {
        return Err("The assertion's signature does not verify with the client's registered key: it was signed with another key or changed after signing (RFC 7523 §3, item 9).".to_owned());
    }
    if claims.get("iss").and_then(Value::as_str) != Some(client) {
        return Err(format!(
            "The assertion's iss must be the client id, {client} (RFC 7523 §3, OIDC Core §9)."
        ));
    }
    Ok(())
}

/// Whether `assertion`'s signature verifies with `key` under `algorithm`:
/// the validator's signature check alone, since the claims are checked
/// here, against the lab's clock and the assertion rules.
pub(crate) fn signature_verifies(assertion: &str, key: KeyInput, algorithm: &str) -> bool {
    let report = tools().validate(
        assertion,
        &ValidationOptions {
            key,
            allowed_algorithms: vec![algorithm.to_owned()],
            ..ValidationOptions::at(0)
        },
    );
    report
        .checks
        .iter()
        .any(|check| check.name == "signature" && check.status == CheckStatus::Passed)
}

/// draft-ietf-oauth-rfc7523bis §4: `aud` is the issuer identifier, as its
/// only value.
fn check_audience(claims: &Value) -> Result<(), Refused> {
    let audiences: Vec<&str> = match claims.get("aud") {
        Some(Value::String(one)) => vec![one.as_str()],
        Some(Value::Array(many)) => many.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    };
    match audiences.as_slice() {
        [only] if *only == ISSUER => Ok(()),
        [] => Err(format!(
            "The assertion has no aud. It must name this authorization server by its issuer identifier, {ISSUER} (RFC 7523 §3, draft-ietf-oauth-rfc7523bis §4)."
        )),
        [only] if *only == TOKEN_ENDPOINT => Err(format!(
            "The assertion's aud is the token endpoint URL. RFC 7523 once allowed that, but draft-ietf-oauth-rfc7523bis §4 requires the issuer identifier, {ISSUER}, as the only audience, which closes the audience injection attack (lesson 09); this server follows the update."
        )),
        [_] => Err(format!(
            "The assertion is addressed to {}, not to this authorization server ({ISSUER}): it must be refused (RFC 7523 §3, item 3).",
            audiences[0]
        )),
        _ => Err(format!(
            "The assertion names {} audiences; draft-ietf-oauth-rfc7523bis §4 requires the issuer identifier, {ISSUER}, as its only value.",
            audiences.len()
        )),
    }
}

fn check_times(claims: &Value, now: i64, max_lifetime: i64) -> Result<i64, Refused> {
    let Some(exp) = claims.get("exp").and_then(Value::as_i64) else {
        return Err("The assertion has no exp (as a number of seconds): RFC 7523 §3 requires one, so that a recorded assertion stops working soon.".to_owned());
    };
    if exp + LEEWAY_SECONDS <= now {
        return Err(format!(
            "The assertion expired {} s ago (exp, with {LEEWAY_SECONDS} s of leeway): the server must reject it (RFC 7523 §3, item 4). Sign a new one for every request.",
            now - exp
        ));
    }
    if exp - now > max_lifetime {
        return Err(format!(
            "The assertion's exp lies {} s ahead; this server accepts assertions that expire within {max_lifetime} s (RFC 7523 §3, item 4 lets it limit how far ahead exp may be), so that a leaked one is soon useless.",
            exp - now
        ));
    }
    if let Some(nbf) = claims.get("nbf").and_then(Value::as_i64)
        && nbf > now + LEEWAY_SECONDS
    {
        return Err(format!(
            "The assertion is not valid for another {} s (nbf); the server rejects it until then (RFC 7523 §3, item 5).",
            nbf - now
        ));
    }
    Ok(exp)
}

fn check_jti(claims: &Value, now: i64, seen: &BTreeMap<String, i64>) -> Result<String, Refused> {
    let Some(jti) = claims.get("jti").and_then(Value::as_str) else {
        return Err("The assertion has no jti. OpenID Connect Core §9 requires one, and this server uses it to refuse replays (RFC 7523 §3, item 7).".to_owned());
    };
    if seen.get(jti).is_some_and(|&exp| exp + LEEWAY_SECONDS > now) {
        return Err(format!(
            "An assertion with jti {jti} was already used. The server remembers jti values until they expire and refuses a replay (RFC 7523 §3, item 7): sign a new assertion for every request."
        ));
    }
    Ok(jti.to_owned())
}

/// Signs a fresh client assertion for `client_id` at `now`: RS256 with
/// the client's FAKE key (`private_key_jwt`) or HS256 with its FAKE secret
/// (`client_secret_jwt`), living a minute, with the unique `jti`.
pub(crate) fn sign(
    client_id: &str,
    method: AuthMethod,
    now: i64,
    jti: &str,
) -> Result<String, String> {
    let registration =
        registration(client_id).ok_or_else(|| format!("{client_id} is no client of the lab."))?;
    let claims = json!({
        "iss": client_id,
        "sub": client_id,
        "aud": ISSUER,
        "iat": now,
        "exp": now + 60,
        "jti": jti,
    });
    match method {
        AuthMethod::PrivateKeyJwt => {
            let key = registration
                .assertion_key
                .map(|key| key())
                .ok_or_else(|| format!("{client_id} has no key for private_key_jwt."))?;
            tools().sign(
                &claims,
                SigningKey::Rs256 {
                    private_pem: key.private_pem,
                },
                Some(key.kid),
                ASSERTION_TYPE,
            )
        }
        AuthMethod::ClientSecretJwt => tools().sign(
            &claims,
            SigningKey::Hs256 {
                secret: registration.client.secret.as_bytes(),
            },
            None,
            ASSERTION_TYPE,
        ),
        other => Err(format!("{} uses no assertion.", other.name())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::world::billing_assertion_key;

    const NOW: i64 = 1_795_687_200;

    fn signed(claims: Value) -> String {
        let key = billing_assertion_key();
        tokenbook_token::sign_rs256_typed(&claims, key.private_pem, Some(key.kid), ASSERTION_TYPE)
            .unwrap()
    }

    fn good_claims() -> Value {
        json!({"iss": "billing-service", "sub": "billing-service", "aud": ISSUER,
               "iat": NOW, "exp": NOW + 60, "jti": "FAKE-jti-1"})
    }

    fn with(changes: Value) -> Value {
        let mut claims = good_claims();
        for (k, v) in changes.as_object().unwrap() {
            if v.is_null() {
                claims.as_object_mut().unwrap().remove(k);
            } else {
                claims[k] = v.clone();
            }
        }
        claims
    }

    fn refusal(assertion: &str) -> String {
        verify(assertion, None, NOW, &BTreeMap::new()).expect_err("refused")
    }

    #[test]
    fn rfc7523_s3_a_good_private_key_jwt_and_client_secret_jwt_pass() {
        let verified = verify(
            &signed(good_claims()),
            Some("billing-service"),
            NOW,
            &BTreeMap::new(),
        )
        .unwrap();
        assert_eq!(verified.method, AuthMethod::PrivateKeyJwt);
        assert_eq!(verified.remember, Some(("FAKE-jti-1".to_owned(), NOW + 60)));
        assert_eq!(verified.federated, None);
        let hmac = sign("report-job", AuthMethod::ClientSecretJwt, NOW, "FAKE-jti-2").unwrap();
        let verified = verify(&hmac, None, NOW, &BTreeMap::new()).unwrap();
        assert_eq!(verified.method, AuthMethod::ClientSecretJwt);
        assert_eq!(verified.registration.client.id, "report-job");
        let header = tokenbook_token::decode(&hmac).unwrap().header;
        assert_eq!(header["typ"], ASSERTION_TYPE);
    }

    /// A token of the simulated cluster, signed with `key`.
    fn platform(changes: Value, key: crate::world::KeyPair) -> String {
        let mut claims = json!({"iss": "https://k8s.example.com", "aud": [ISSUER],
            "sub": "system:serviceaccount:payments:billing-service",
            "iat": NOW, "nbf": NOW, "exp": NOW + 600, "jti": "FAKE-jti-k8s"});
        for (k, v) in changes.as_object().unwrap() {
            claims[k] = v.clone();
        }
        tokenbook_token::sign_rs256_typed(&claims, key.private_pem, Some(key.kid), "JWT").unwrap()
    }

    /// Workload identity federation (lesson 10): the platform token passes
    /// only with this server as its one audience, the rule's exact subject,
    /// the platform's signature and a current exp; it maps to the rule's
    /// client, and the same token may be sent again (no jti replay rule).
    #[test]
    fn rfc7523_s3_a_platform_token_authenticates_the_rule_s_client() {
        let cluster = crate::world::cluster_key;
        let good = platform(json!({}), cluster());
        for _ in 0..2 {
            let verified = verify(&good, Some("billing-service"), NOW, &BTreeMap::new()).unwrap();
            assert_eq!(verified.registration.client.id, "billing-service");
            assert_eq!(verified.method, AuthMethod::PrivateKeyJwt);
            assert_eq!(verified.federated, Some("https://k8s.example.com"));
            assert_eq!(verified.remember, None);
        }
        let default_audience = platform(json!({"aud": ["https://k8s.example.com"]}), cluster());
        assert!(
            refusal(&default_audience).contains("cluster's own API"),
            "{}",
            refusal(&default_audience)
        );
        let other = platform(json!({"aud": ["https://ledger.example.com"]}), cluster());
        assert!(refusal(&other).contains("not to this authorization server"));
        let neighbour = platform(
            json!({"sub": "system:serviceaccount:payments:default"}),
            cluster(),
        );
        assert!(refusal(&neighbour).contains("compares it exactly"));
        let forged = platform(json!({}), billing_assertion_key());
        assert!(refusal(&forged).contains("does not verify"));
        let expired = platform(json!({"exp": NOW - 120}), cluster());
        assert!(refusal(&expired).contains("expired"));
        let long = platform(json!({"exp": NOW + 7200}), cluster());
        assert!(refusal(&long).contains("within 600 s"));
        let wrong_client = verify(&good, Some("report-job"), NOW, &BTreeMap::new()).unwrap_err();
        assert!(wrong_client.contains("same client"));
    }

    #[test]
    fn rfc7523bis_s4_the_audience_is_the_issuer_alone() {
        assert!(
            refusal(&signed(with(json!({"aud": TOKEN_ENDPOINT})))).contains("audience injection")
        );
        assert!(
            refusal(&signed(with(
                json!({"aud": [ISSUER, "https://other.example"]})
            )))
            .contains("only value")
        );
        assert!(
            refusal(&signed(with(json!({"aud": "https://other.example"}))))
                .contains("not to this authorization server")
        );
        assert!(refusal(&signed(with(json!({"aud": null})))).contains("no aud"));
        assert!(
            verify(
                &signed(with(json!({"aud": [ISSUER]}))),
                None,
                NOW,
                &BTreeMap::new()
            )
            .is_ok()
        );
    }

    #[test]
    fn rfc7523_s3_exp_is_required_and_short_and_jti_not_replayed() {
        assert!(refusal(&signed(with(json!({"exp": null})))).contains("no exp"));
        assert!(refusal(&signed(with(json!({"exp": NOW - 61})))).contains("expired"));
        assert!(refusal(&signed(with(json!({"exp": NOW + 3600})))).contains("within 300 s"));
        assert!(refusal(&signed(with(json!({"nbf": NOW + 600})))).contains("nbf"));
        assert!(refusal(&signed(with(json!({"jti": null})))).contains("no jti"));
        let seen = BTreeMap::from([("FAKE-jti-1".to_owned(), NOW + 60)]);
        let replay = verify(&signed(good_claims()), None, NOW, &seen).expect_err("replay");
        assert!(replay.contains("already used"), "{replay}");
    }

    #[test]
    fn rfc7523_s3_iss_sub_signature_and_client_must_match() {
        assert!(
            refusal(&signed(with(json!({"iss": "report-job"}))))
                .contains("iss must be the client id")
        );
        assert!(refusal(&signed(with(json!({"sub": null})))).contains("no sub"));
        assert!(
            refusal(&signed(with(json!({"sub": "nobody", "iss": "nobody"}))))
                .contains("no client registered")
        );
        let mismatch = verify(
            &signed(good_claims()),
            Some("report-job"),
            NOW,
            &BTreeMap::new(),
        );
        assert!(mismatch.unwrap_err().contains("RFC 7521 §4.2"));
        // Signed with the authorization server's key, not the client's.
        let wrong_key = tokenbook_token::sign_rs256_typed(
            &good_claims(),
            tokenbook_token::course_keys().rsa_private_pem,
            None,
            ASSERTION_TYPE,
        )
        .unwrap();
        assert!(refusal(&wrong_key).contains("does not verify"));
        let mut tampered = signed(good_claims());
        tampered.push('x');
        assert!(
            refusal(&tampered).contains("signature") || refusal(&tampered).contains("not a JWT")
        );
        // report-job registered no key: no private_key_jwt.
        let key = billing_assertion_key();
        let theirs = tokenbook_token::sign_rs256_typed(
            &with(json!({"iss": "report-job", "sub": "report-job"})),
            key.private_pem,
            None,
            ASSERTION_TYPE,
        )
        .unwrap();
        assert!(refusal(&theirs).contains("no key registered"));
        assert!(refusal("not-a-jwt").contains("not a JWT"));
        let none = format!("{}.{}.", b64(&json!({"alg": "none"})), b64(&good_claims()));
        assert!(refusal(&none).contains("\"none\""));
    }

    fn b64(value: &Value) -> String {
        use base64::Engine as _;
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(value.to_string())
    }
}
