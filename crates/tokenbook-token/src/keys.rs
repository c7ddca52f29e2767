//! The key a resource server checks signatures with, as the playground
//! receives it ([`KeyInput`]), turned into a `jsonwebtoken` `DecodingKey`:
//! an HMAC secret, an RSA public key in PEM, or a JWK / JWKS in which the
//! key is picked by the token's `kid`.

use jsonwebtoken::{Algorithm, AlgorithmFamily, DecodingKey};
use serde_json::Value;

/// The key to verify with, as JavaScript sends it.
///
/// JSON shape (adjacently tagged): `{"kind": "none"}`,
/// `{"kind": "hmac", "value": "<shared secret, as text>"}`,
/// `{"kind": "rsa", "value": "-----BEGIN PUBLIC KEY-----…"}` (SPKI or
/// PKCS#1 PEM), `{"kind": "jwk", "value": "<JSON text of a JWK or of a JWKS
/// {\"keys\": […]}>"}`.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(tag = "kind", content = "value")]
pub enum KeyInput {
    /// No key: the signature cannot be checked.
    #[default]
    #[serde(rename = "none")]
    None,
    /// A shared secret for HS256 (its UTF-8 bytes are the key).
    #[serde(rename = "hmac")]
    HmacSecret(String),
    /// An RSA public key in PEM (`BEGIN PUBLIC KEY` or `BEGIN RSA PUBLIC KEY`).
    #[serde(rename = "rsa")]
    RsaPublicPem(String),
    /// The JSON text of one JWK, or of a JWKS (`{"keys": [...]}`).
    #[serde(rename = "jwk")]
    Jwk(String),
}

/// A key ready for verification, or why it could not be read.
pub(crate) struct ChosenKey {
    /// The key family, when known even if the key itself is unreadable.
    pub(crate) family: Option<AlgorithmFamily>,
    /// The algorithm this key is naturally used with (HS256 for a secret,
    /// RS256 for RSA, a JWK's `alg`).
    pub(crate) natural_algorithm: Option<Algorithm>,
    /// How the key is named in sentences: "the HMAC secret", "the RSA
    /// public key", "the JWK with kid …".
    pub(crate) description: String,
    /// The key, or a full sentence saying why it cannot be used.
    pub(crate) key: Result<DecodingKey, String>,
}

/// HS256 keys shorter than this are too weak (RFC 7518 section 3.2).
const MIN_HMAC_SECRET_BYTES: usize = 32;

/// Reads `input`; `kid` is the token header's key id. `None` when no key
/// was given. Adds warnings about weak or odd keys.
pub(crate) fn choose_key(
    input: &KeyInput,
    kid: Option<&str>,
    warnings: &mut Vec<String>,
) -> Option<ChosenKey> {
    match input {
        KeyInput::None => None,
        KeyInput::HmacSecret(secret) => Some(hmac_key(secret, warnings)),
        KeyInput::RsaPublicPem(pem) => Some(rsa_pem_key(pem)),
        KeyInput::Jwk(text) => Some(jwk_key(text, kid, warnings)),
    }
}

fn hmac_key(secret: &str, warnings: &mut Vec<String>) -> ChosenKey {
    let key = if secret.is_empty() {
        Err("The HMAC secret is empty, so nothing can be checked: enter the secret shared with the issuer.".to_owned())
    } else {
        if secret.len() < MIN_HMAC_SECRET_BYTES {
            warnings.push(format!(
                "The HMAC secret is only {} bytes long; HS256 needs at least {MIN_HMAC_SECRET_BYTES} random bytes (RFC 7518 section 3.2), or the secret can be guessed by trying candidates offline (RFC 8725 section 3.5).",
                secret.len()
            ));
        }
        Ok(DecodingKey::from_secret(secret.as_bytes()))
    };
    ChosenKey {
        family: Some(AlgorithmFamily::Hmac),
        natural_algorithm: Some(Algorithm::HS256),
        description: "the HMAC secret".to_owned(),
        key,
    }
}

fn rsa_pem_key(pem: &str) -> ChosenKey {
    let key = if pem.contains("PRIVATE KEY") {
        Err("This is a private key: an API checks signatures with the public key only. Never paste a real private key anywhere.".to_owned())
    } else {
        crate::pem::public_decoding_key(pem).ok_or_else(|| {
            "The RSA public key could not be read: paste a PEM block that starts with -----BEGIN PUBLIC KEY----- (or -----BEGIN RSA PUBLIC KEY-----).".to_owned()
        })
    };
    ChosenKey {
        family: Some(AlgorithmFamily::Rsa),
        natural_algorithm: Some(Algorithm::RS256),
        description: "the RSA public key".to_owned(),
        key,
    }
}

fn unreadable(reason: String) -> ChosenKey {
    ChosenKey {
        family: None,
        natural_algorithm: None,
        description: "the JWK".to_owned(),
        key: Err(reason),
    }
}

fn jwk_key(text: &str, kid: Option<&str>, warnings: &mut Vec<String>) -> ChosenKey {
    let value: Value = match serde_json::from_str(text) {
        Ok(value) => value,
        Err(error) => {
            return unreadable(format!(
                "The JWK is not valid JSON ({error}): paste a JSON object such as {{\"kty\":\"RSA\",\"n\":\"…\",\"e\":\"AQAB\"}} or a JWKS {{\"keys\":[…]}}."
            ));
        }
    };
    let jwk = match value.get("keys") {
        Some(keys) => match pick_from_set(keys, kid, warnings) {
            Ok(jwk) => jwk,
            Err(reason) => return unreadable(reason),
        },
        None if value.is_object() => {
            if let (Some(token_kid), Some(jwk_kid)) =
                (kid, value.get("kid").and_then(Value::as_str))
                && token_kid != jwk_kid
            {
                warnings.push(format!(
                    "The token names key {token_kid}, but the JWK given has kid {jwk_kid}: an API would look for the key the token names."
                ));
            }
            &value
        }
        None => {
            return unreadable(
                "The JWK must be a JSON object (one key) or a JWKS, an object with a \"keys\" array.".to_owned(),
            );
        }
    };
    if jwk.get("d").is_some() {
        warnings.push(
            "This JWK contains a private key (its \"d\" member): an API needs only the public key, and a private key must never leave its owner.".to_owned(),
        );
    }
    key_from_jwk(jwk)
}

fn pick_from_set<'a>(
    keys: &'a Value,
    kid: Option<&str>,
    warnings: &mut Vec<String>,
) -> Result<&'a Value, String> {
    let Some(keys) = keys.as_array() else {
        return Err("The JWKS's \"keys\" must be an array of JWKs.".to_owned());
    };
    let kid_of = |key: &Value| key.get("kid").and_then(Value::as_str).map(str::to_owned);
    match kid {
        Some(kid) => keys.iter().find(|key| kid_of(key).as_deref() == Some(kid)).ok_or_else(|| {
            let known: Vec<String> = keys.iter().filter_map(kid_of).collect();
            format!(
                "No key in the JWKS has kid {kid}, the key id the token names; the set has {}. The issuer may have rotated its keys, or the token was signed by someone else.",
                if known.is_empty() { "no key ids".to_owned() } else { format!("kid {}", known.join(", ")) }
            )
        }),
        None => {
            warnings.push(
                "The token has no kid, so with a JWKS the API cannot tell which key to use; issuers name the key in every token so that keys can be rotated.".to_owned(),
            );
            match keys.as_slice() {
                [only] => Ok(only),
                [] => Err("The JWKS has no keys.".to_owned()),
                many => Err(format!(
                    "The token has no kid, so the API cannot tell which of the {} keys in the JWKS signed it.",
                    many.len()
                )),
            }
        }
    }
}

fn key_from_jwk(jwk: &Value) -> ChosenKey {
    let kty = jwk.get("kty").and_then(Value::as_str).unwrap_or("");
    let family = match kty {
        "RSA" => Some(AlgorithmFamily::Rsa),
        "oct" => Some(AlgorithmFamily::Hmac),
        "EC" => Some(AlgorithmFamily::Ec),
        "OKP" => Some(AlgorithmFamily::Ed),
        _ => None,
    };
    let declared = jwk
        .get("alg")
        .and_then(Value::as_str)
        .and_then(|alg| alg.parse().ok());
    let natural_algorithm = declared.or(match kty {
        "RSA" => Some(Algorithm::RS256),
        "oct" => Some(Algorithm::HS256),
        "EC" if jwk.get("crv").and_then(Value::as_str) == Some("P-384") => Some(Algorithm::ES384),
        "EC" => Some(Algorithm::ES256),
        "OKP" => Some(Algorithm::EdDSA),
        _ => None,
    });
    let description = match jwk.get("kid").and_then(Value::as_str) {
        Some(kid) => format!("the JWK with kid {kid}"),
        None => "the JWK".to_owned(),
    };
    let key = if family.is_none() {
        Err(format!(
            "The JWK's kty is {}, but the playground reads RSA, oct (HMAC), EC and OKP keys.",
            if kty.is_empty() {
                "missing".to_owned()
            } else {
                kty.to_owned()
            }
        ))
    } else {
        jwk_decoding_key(kty, jwk).map_err(|error| format!("The JWK could not be read as a key ({error}); check its members (an RSA key needs n and e, base64url-encoded)."))
    };
    ChosenKey {
        family,
        natural_algorithm,
        description,
        key,
    }
}

/// A key from a JWK's members, read directly (jsonwebtoken's `Jwk` type
/// would bring its whole deserializer into the browser build).
fn jwk_decoding_key(kty: &str, jwk: &Value) -> Result<DecodingKey, String> {
    let member = |name: &str| {
        jwk.get(name)
            .and_then(Value::as_str)
            .ok_or_else(|| format!("member {name} is missing"))
    };
    let result = match kty {
        "RSA" => DecodingKey::from_rsa_components(member("n")?, member("e")?),
        "oct" => {
            use base64::Engine as _;
            let secret = base64::engine::general_purpose::URL_SAFE_NO_PAD
                .decode(member("k")?.trim_end_matches('='))
                .map_err(|e| format!("member k is not base64url: {e}"))?;
            Ok(DecodingKey::from_secret(&secret))
        }
        "EC" => DecodingKey::from_ec_components(member("x")?, member("y")?),
        "OKP" => DecodingKey::from_ed_components(member("x")?),
        other => return Err(format!("kty {other} is not supported")),
    };
    result.map_err(|error| error.to_string())
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn key_input_json_shapes() {
        let cases = [
            (json!({"kind": "none"}), KeyInput::None),
            (
                json!({"kind": "hmac", "value": "s"}),
                KeyInput::HmacSecret("s".into()),
            ),
            (
                json!({"kind": "rsa", "value": "pem"}),
                KeyInput::RsaPublicPem("pem".into()),
            ),
            (
                json!({"kind": "jwk", "value": "{}"}),
                KeyInput::Jwk("{}".into()),
            ),
        ];
        for (json, key) in cases {
            let parsed: KeyInput = serde_json::from_value(json.clone()).expect("parses");
            assert_eq!(parsed, key);
            assert_eq!(serde_json::to_value(&key).expect("serializes"), json);
        }
        assert!(serde_json::from_value::<KeyInput>(json!({"kind": "rsa"})).is_err());
        assert!(serde_json::from_value::<KeyInput>(json!({"kind": "x509", "value": ""})).is_err());
    }

    fn reason(chosen: Option<ChosenKey>) -> String {
        match chosen.map(|chosen| chosen.key) {
            Some(Err(reason)) => reason,
            Some(Ok(_)) => panic!("expected an unusable key"),
            None => panic!("expected a key"),
        }
    }

    #[test]
    fn unusable_keys_say_why() {
        let mut warnings = Vec::new();
        let cases = [
            (KeyInput::HmacSecret(String::new()), None, "The HMAC secret is empty"),
            (KeyInput::RsaPublicPem("hello".into()), None, "could not be read"),
            (
                KeyInput::RsaPublicPem("-----BEGIN RSA PRIVATE KEY-----\nAA==\n-----END RSA PRIVATE KEY-----".into()),
                None,
                "This is a private key",
            ),
            (KeyInput::Jwk("{".into()), None, "not valid JSON"),
            (KeyInput::Jwk("[]".into()), None, "must be a JSON object"),
            (KeyInput::Jwk(r#"{"keys": 5}"#.into()), Some("a"), "must be an array"),
            (
                KeyInput::Jwk(r#"{"keys": [{"kid": "x", "kty": "RSA", "n": "AQAB", "e": "AQAB"}]}"#.into()),
                Some("FAKE-course-key-1"),
                "No key in the JWKS has kid FAKE-course-key-1, the key id the token names; the set has kid x.",
            ),
            (
                KeyInput::Jwk(r#"{"keys": [{"kid": "a", "kty": "oct", "k": "AA"}, {"kid": "b", "kty": "oct", "k": "AA"}]}"#.into()),
                None,
                "which of the 2 keys",
            ),
            (KeyInput::Jwk(r#"{"keys": []}"#.into()), None, "The JWKS has no keys."),
            (KeyInput::Jwk(r#"{"kty": "XYZ"}"#.into()), None, "kty is XYZ"),
            (KeyInput::Jwk(r#"{"kty": "RSA", "n": "!!", "e": "AQAB"}"#.into()), None, "could not be read as a key"),
        ];
        for (input, kid, phrase) in cases {
            let text = reason(choose_key(&input, kid, &mut warnings));
            assert!(text.contains(phrase), "{input:?}: {text}");
        }
    }

    #[test]
    fn jwk_families_and_natural_algorithms() {
        let mut warnings = Vec::new();
        let cases = [
            (
                json!({"kty": "oct", "k": "c2VjcmV0"}),
                AlgorithmFamily::Hmac,
                Algorithm::HS256,
            ),
            (
                json!({"kty": "oct", "k": "c2VjcmV0", "alg": "HS384"}),
                AlgorithmFamily::Hmac,
                Algorithm::HS384,
            ),
            (
                json!({"kty": "RSA", "n": "AQAB", "e": "AQAB"}),
                AlgorithmFamily::Rsa,
                Algorithm::RS256,
            ),
            (
                json!({"kty": "EC", "crv": "P-384", "x": "AA", "y": "AA"}),
                AlgorithmFamily::Ec,
                Algorithm::ES384,
            ),
        ];
        for (jwk, family, algorithm) in cases {
            let chosen =
                choose_key(&KeyInput::Jwk(jwk.to_string()), None, &mut warnings).expect("a key");
            assert_eq!(chosen.family, Some(family), "{jwk}");
            assert_eq!(chosen.natural_algorithm, Some(algorithm), "{jwk}");
            assert!(chosen.key.is_ok(), "{jwk}");
        }
    }

    #[test]
    fn warnings_for_weak_secrets_private_jwks_and_missing_kid() {
        let mut warnings = Vec::new();
        let _ = choose_key(&KeyInput::HmacSecret("short".into()), None, &mut warnings);
        let _ = choose_key(
            &KeyInput::Jwk(r#"{"keys": [{"kty": "oct", "k": "AA", "d": "x"}]}"#.into()),
            None,
            &mut warnings,
        );
        let _ = choose_key(
            &KeyInput::Jwk(r#"{"kty": "oct", "k": "AA", "kid": "b"}"#.into()),
            Some("a"),
            &mut warnings,
        );
        assert_eq!(warnings.len(), 4, "{warnings:#?}");
        assert!(warnings[0].contains("only 5 bytes long"));
        assert!(warnings[1].contains("The token has no kid"));
        assert!(warnings[2].contains("contains a private key"));
        assert!(warnings[3].contains("names key a, but the JWK given has kid b"));
    }
}
