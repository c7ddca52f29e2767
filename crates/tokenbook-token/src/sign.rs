//! Signing access tokens: the header (`typ: at+jwt`, `alg`, `kid`, in the
//! order of RFC 9068's example and of the lessons' tokens) and the claims
//! are serialized in the order given, base64url-encoded and signed through
//! `jsonwebtoken::crypto::sign`.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{Algorithm, EncodingKey};
use serde_json::{Map, Value};

use crate::error::TokenError;

/// The `typ` of a JWT access token (RFC 9068 section 2.1).
pub const ACCESS_TOKEN_TYPE: &str = "at+jwt";

/// Signs `claims` (a JSON object) with HS256 and the shared `secret`.
/// The header is `{"typ":"at+jwt","alg":"HS256","kid":…}`, `kid` only when
/// given. Works in the browser too.
pub fn sign_hs256(claims: &Value, secret: &[u8], kid: Option<&str>) -> Result<String, TokenError> {
    if secret.is_empty() {
        return Err(TokenError::new(
            "The HMAC secret is empty, so the token cannot be signed.",
            "Enter a secret of at least 32 random bytes.",
        ));
    }
    sign_with_header(
        &jwt_header("HS256", ACCESS_TOKEN_TYPE, kid),
        claims,
        &EncodingKey::from_secret(secret),
        Algorithm::HS256,
    )
}

/// Signs `claims` with HS256 like [`sign_hs256`], under a header whose
/// `typ` is `typ` (a client assertion is `client-authentication+jwt`,
/// draft-ietf-oauth-rfc7523bis). Works in the browser too.
pub fn sign_hs256_typed(
    claims: &Value,
    secret: &[u8],
    kid: Option<&str>,
    typ: &str,
) -> Result<String, TokenError> {
    sign_with_header(
        &jwt_header("HS256", typ, kid),
        claims,
        &EncodingKey::from_secret(secret),
        Algorithm::HS256,
    )
}

/// Signs `claims` (a JSON object) with RS256 and an RSA private key in
/// PKCS#1 PEM (`BEGIN RSA PRIVATE KEY`, as `openssl genrsa -traditional`
/// writes it) or PKCS#8 PEM. Not in the browser build.
#[cfg(any(not(target_arch = "wasm32"), feature = "rs256-signing"))]
pub fn sign_rs256(
    claims: &Value,
    private_key_pem: &str,
    kid: Option<&str>,
) -> Result<String, TokenError> {
    sign_rs256_typed(claims, private_key_pem, kid, ACCESS_TOKEN_TYPE)
}

/// [`sign_rs256`] under a header whose `typ` is `typ`. Not in the browser
/// build.
#[cfg(any(not(target_arch = "wasm32"), feature = "rs256-signing"))]
pub fn sign_rs256_typed(
    claims: &Value,
    private_key_pem: &str,
    kid: Option<&str>,
    typ: &str,
) -> Result<String, TokenError> {
    sign_with_header(
        &jwt_header("RS256", typ, kid),
        claims,
        &rs256_key(private_key_pem)?,
        Algorithm::RS256,
    )
}

/// Signs `claims` with RS256 like [`sign_rs256_typed`], with the public
/// key `jwk` in the header instead of a `kid`:
/// `{"typ":…,"alg":"RS256","jwk":…}`, as a DPoP proof is (RFC 9449 §4.2).
#[cfg(any(not(target_arch = "wasm32"), feature = "rs256-signing"))]
pub fn sign_rs256_with_jwk(
    claims: &Value,
    private_key_pem: &str,
    typ: &str,
    jwk: &Value,
) -> Result<String, TokenError> {
    let mut header = jwt_header("RS256", typ, None);
    if let Value::Object(members) = &mut header {
        members.insert("jwk".to_owned(), jwk.clone());
    }
    sign_with_header(
        &header,
        claims,
        &rs256_key(private_key_pem)?,
        Algorithm::RS256,
    )
}

/// The signing key of an RSA private key in PEM.
#[cfg(any(not(target_arch = "wasm32"), feature = "rs256-signing"))]
fn rs256_key(private_key_pem: &str) -> Result<EncodingKey, TokenError> {
    crate::pem::private_key_der(private_key_pem).map(|der| EncodingKey::from_rsa_der(&der)).ok_or_else(|| {
        TokenError::new(
            "The RSA private key could not be read.",
            "Give a PEM block starting with -----BEGIN RSA PRIVATE KEY----- or -----BEGIN PRIVATE KEY-----.",
        )
    })
}

/// `{"typ": "at+jwt", "alg": alg, "kid": kid}` in this order, so that every
/// token starts `eyJ0eXAiOiJhdCtqd3Qi` like the lessons' examples.
#[cfg(any(not(target_arch = "wasm32"), feature = "rs256-signing"))]
pub(crate) fn access_token_header(alg: &str, kid: Option<&str>) -> Value {
    jwt_header(alg, ACCESS_TOKEN_TYPE, kid)
}

/// `{"typ": typ, "alg": alg, "kid": kid}` in this order.
fn jwt_header(alg: &str, typ: &str, kid: Option<&str>) -> Value {
    let mut header = Map::new();
    header.insert("typ".to_owned(), Value::from(typ));
    header.insert("alg".to_owned(), Value::from(alg));
    if let Some(kid) = kid {
        header.insert("kid".to_owned(), Value::from(kid));
    }
    Value::Object(header)
}

/// base64url of the compact JSON of `value`.
pub(crate) fn encode_part(value: &Value) -> String {
    URL_SAFE_NO_PAD.encode(serde_json::to_vec(value).unwrap_or_default())
}

/// Signs any header and claims with `algorithm`; the header's `alg` is
/// written as given, so the samples can build their deliberately bad
/// tokens with it.
pub(crate) fn sign_with_header(
    header: &Value,
    claims: &Value,
    key: &EncodingKey,
    algorithm: Algorithm,
) -> Result<String, TokenError> {
    crate::install_crypto();
    if !claims.is_object() {
        return Err(TokenError::new(
            "The claims must be a JSON object.",
            "Write the claims as an object such as {\"sub\": \"billing-service\"}.",
        ));
    }
    let message = format!("{}.{}", encode_part(header), encode_part(claims));
    let signature =
        jsonwebtoken::crypto::sign(message.as_bytes(), key, algorithm).map_err(|error| {
            TokenError::new(
                format!("The token could not be signed: {error}."),
                "Check that the key matches the algorithm.",
            )
        })?;
    Ok(format!("{message}.{signature}"))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::decode::decode;
    use crate::keys::KeyInput;
    use crate::samples::{FAKE_HS256_SECRET, course_keys};
    use crate::validate::{CheckStatus, ValidationOptions, validate};

    const NOW: i64 = 1_795_687_200;

    fn claims() -> Value {
        json!({"iss": "https://auth.example.com/", "sub": "billing-service",
               "aud": "https://ledger-api.example.com/", "scope": "ledger:read",
               "iat": NOW, "exp": NOW + 3600})
    }

    fn signature_status(token: &str, key: KeyInput) -> CheckStatus {
        let options = ValidationOptions {
            key,
            ..ValidationOptions::at(NOW)
        };
        let report = validate(token, &options);
        report
            .checks
            .iter()
            .find(|c| c.name == "signature")
            .map(|c| c.status)
            .unwrap_or(CheckStatus::Skipped)
    }

    #[test]
    fn hs256_round_trip() {
        let token = sign_hs256(
            &claims(),
            FAKE_HS256_SECRET.as_bytes(),
            Some("FAKE-course-hmac-1"),
        )
        .expect("signs");
        let decoded = decode(&token).expect("decodes");
        assert_eq!(
            decoded.header,
            json!({"typ": "at+jwt", "alg": "HS256", "kid": "FAKE-course-hmac-1"})
        );
        // Map equality ignores order; the order is what the token starts with.
        let header = json!({"typ": "at+jwt", "alg": "HS256", "kid": "FAKE-course-hmac-1"});
        assert!(
            token.starts_with(&format!("{}.", encode_part(&header))),
            "{token}"
        );
        assert!(
            token.starts_with("eyJ0eXAiOiJhdCtqd3QiLCJhbGciOiJIUzI1NiIs"),
            "{token}"
        );
        assert_eq!(decoded.payload, claims());
        assert_eq!(decoded.signature_bytes, 32);
        assert_eq!(
            signature_status(&token, KeyInput::HmacSecret(FAKE_HS256_SECRET.into())),
            CheckStatus::Passed
        );
        assert_eq!(
            signature_status(
                &token,
                KeyInput::HmacSecret("another-secret-of-32-bytes-or-more!!".into())
            ),
            CheckStatus::Failed
        );
    }

    #[test]
    fn hs256_without_kid_and_deterministic() {
        let first = sign_hs256(&claims(), b"k", None).expect("signs");
        let second = sign_hs256(&claims(), b"k", None).expect("signs");
        assert_eq!(first, second);
        assert_eq!(
            decode(&first).expect("decodes").header,
            json!({"typ": "at+jwt", "alg": "HS256"})
        );
        let header = encode_part(&json!({"typ": "at+jwt", "alg": "HS256"}));
        assert!(first.starts_with(&format!("{header}.")), "{first}");
    }

    #[test]
    fn rs256_round_trip() {
        let keys = course_keys();
        let token =
            sign_rs256(&claims(), keys.rsa_private_pem, Some("FAKE-course-key-1")).expect("signs");
        let decoded = decode(&token).expect("decodes");
        assert_eq!(decoded.algorithm.as_deref(), Some("RS256"));
        assert_eq!(decoded.signature_bytes, 256, "2048-bit RSA");
        assert_eq!(
            signature_status(&token, KeyInput::RsaPublicPem(keys.rsa_public_pem.into())),
            CheckStatus::Passed
        );
    }

    /// A DPoP proof's header: typ, alg, then the public key itself; it
    /// verifies with that key.
    #[test]
    fn rs256_with_the_public_key_in_the_header() {
        let keys = course_keys();
        let jwk = crate::samples::public_jwk(keys.rsa_public_pem, "").unwrap();
        let jwk = json!({"kty": "RSA", "e": jwk["e"], "n": jwk["n"]});
        let token =
            sign_rs256_with_jwk(&claims(), keys.rsa_private_pem, "dpop+jwt", &jwk).expect("signs");
        let header = json!({"typ": "dpop+jwt", "alg": "RS256", "jwk": jwk});
        assert!(
            token.starts_with(&format!("{}.", encode_part(&header))),
            "{token}"
        );
        assert_eq!(decode(&token).unwrap().header, header);
        assert_eq!(
            signature_status(&token, KeyInput::Jwk(jwk.to_string())),
            CheckStatus::Passed
        );
        assert!(sign_rs256_with_jwk(&claims(), "not a key", "dpop+jwt", &jwk).is_err());
    }

    #[test]
    fn signing_errors() {
        let cases = [
            (
                sign_hs256(&json!([1]), b"k", None),
                "The claims must be a JSON object.",
            ),
            (
                sign_hs256(&claims(), b"", None),
                "The HMAC secret is empty, so the token cannot be signed.",
            ),
            (
                sign_rs256(&claims(), "not a pem", None),
                "The RSA private key could not be read.",
            ),
            (
                // A public key is no private key: refused before signing.
                sign_rs256(&claims(), course_keys().rsa_public_pem, None),
                "The RSA private key could not be read.",
            ),
        ];
        for (result, message) in cases {
            let error = result.expect_err(message);
            assert!(error.message.starts_with(message), "{}", error.message);
        }
    }
}
