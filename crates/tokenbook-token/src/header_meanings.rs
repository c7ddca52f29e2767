//! What each header parameter means: the algorithm, the token type
//! (`at+jwt` marks an access token), the key id, and the parameters an API
//! must never follow (`jku`, `x5u`).

use serde_json::Value;

use crate::meaning::{Meaning, RFC_7515, RFC_7519, RFC_9068};
use crate::payload::plain;

/// The meaning of header parameter `name` with `value`.
pub(crate) fn header_meaning(name: &str, value: &Value) -> Meaning {
    let shown = plain(value);
    match name {
        "alg" => Meaning::new(
            format!(
                "Algorithm: {} The API must decide which algorithm it accepts and never let this field choose (RFC 8725 section 3.1).",
                algorithm_in_words(&shown)
            ),
            RFC_7515,
        ),
        "typ" => token_type(&shown),
        "kid" => Meaning::new(
            format!(
                "Key id: which of the issuer's keys signed this token, here {shown}. The API looks it up in the issuer's JWKS (its published set of public keys), which lets the issuer change keys without breaking anything."
            ),
            RFC_7515,
        ),
        "jku" => Meaning::new(
            format!(
                "JWK Set URL: a URL where the signing keys would be found, here {shown}. An API must never fetch keys from a URL named in the token: an attacker would simply point it at their own key. Keys come only from the issuer's configured metadata (RFC 8725 section 3.10)."
            ),
            RFC_7515,
        ),
        "x5u" => Meaning::new(
            format!(
                "Certificate URL: where the signing certificate would be found, here {shown}. An API must never fetch keys or certificates from a URL named in the token: an attacker would point it at their own (RFC 8725 section 3.10)."
            ),
            RFC_7515,
        ),
        "x5c" => Meaning::new(
            "Certificate chain carried inside the token. An API must not trust a key just because the token brings it: only keys from the issuer's metadata, or a chain checked against a trusted root, count.",
            RFC_7515,
        ),
        "jwk" => Meaning::new(
            "A public key carried inside the token. An API must never verify a token with a key the token brings itself: anyone can sign with their own key.",
            RFC_7515,
        ),
        "x5t" | "x5t#S256" => Meaning::new(
            format!(
                "Thumbprint of the signing key's certificate, here {shown}: another way to say which key signed the token."
            ),
            RFC_7515,
        ),
        "cty" => Meaning::new(
            format!(
                "Content type, here {shown}: used for nested tokens (cty JWT means the payload is itself another JWT). Access tokens normally do not have it."
            ),
            RFC_7519,
        ),
        "crit" => Meaning::new(
            format!(
                "Critical: header parameters the API must understand, or else reject the token. Here {shown}."
            ),
            RFC_7515,
        ),
        _ => Meaning::new(
            "A header parameter that is not part of any standard the playground knows; an API should not rely on it.",
            "not a standard claim",
        ),
    }
}

fn algorithm_in_words(alg: &str) -> String {
    match alg {
        "RS256" | "RS384" | "RS512" => format!(
            "{alg}, an RSA signature with SHA-{}. The issuer signs with its private key; anyone can verify with the public key from its JWKS, but only the issuer can create tokens.",
            &alg[2..]
        ),
        "PS256" | "PS384" | "PS512" => format!(
            "{alg}, an RSA-PSS signature with SHA-{}: public-key signing like RS256, with a more modern padding.",
            &alg[2..]
        ),
        "ES256" | "ES384" | "ES512" => format!(
            "{alg}, an ECDSA signature with SHA-{}: public-key signing like RS256, with much shorter keys.",
            &alg[2..]
        ),
        "EdDSA" | "Ed25519" => format!("{alg}, an Ed25519 signature: fast, modern public-key signing."),
        "HS256" | "HS384" | "HS512" => format!(
            "{alg}, an HMAC with SHA-{} and a shared secret. Whoever can verify such a token can also create one, so every API holding the secret could forge tokens.",
            &alg[2..]
        ),
        "none" => "none: no signature at all (an unsecured JWT). Anyone can write such a token, so an API must always reject it.".to_owned(),
        other => format!("{other}, an algorithm the playground does not know."),
    }
}

fn token_type(shown: &str) -> Meaning {
    let lower = shown.to_ascii_lowercase();
    if lower == "at+jwt" || lower == "application/at+jwt" {
        return Meaning::new(
            format!(
                "Type: {shown} marks this JWT as an OAuth 2.0 access token, so it cannot be mistaken for an ID token or any other kind of JWT."
            ),
            RFC_9068,
        );
    }
    let text = match lower.as_str() {
        "jwt" => format!(
            "Type: {shown}, a JWT of no more specific kind. RFC 9068 asks authorization servers to mark access tokens at+jwt; many still send JWT."
        ),
        "dpop+jwt" => format!(
            "Type: {shown}, a DPoP proof (RFC 9449): the client's signed proof that it holds its key, sent next to an access token, not an access token itself."
        ),
        _ => format!("Type: {shown}, the kind of token as the issuer names it."),
    };
    Meaning::new(text, RFC_7519)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn algorithms_in_words() {
        let cases = [
            ("RS256", "RSA signature with SHA-256"),
            ("RS512", "SHA-512"),
            ("PS384", "RSA-PSS"),
            ("ES256", "ECDSA"),
            ("EdDSA", "Ed25519"),
            ("HS384", "shared secret"),
            ("none", "no signature at all"),
            ("XY1", "does not know"),
            ("R", "does not know"),
        ];
        for (alg, phrase) in cases {
            let meaning = header_meaning("alg", &Value::from(alg));
            assert!(meaning.text.contains(phrase), "{alg}: {}", meaning.text);
        }
    }

    #[test]
    fn token_types() {
        let cases = [
            ("at+jwt", RFC_9068, "access token"),
            ("application/at+JWT", RFC_9068, "access token"),
            ("JWT", RFC_7519, "at+jwt"),
            ("dpop+jwt", RFC_7519, "DPoP proof"),
            ("weird", RFC_7519, "as the issuer names it"),
        ];
        for (typ, source, phrase) in cases {
            let meaning = header_meaning("typ", &Value::from(typ));
            assert_eq!(meaning.source, source, "{typ}");
            assert!(meaning.text.contains(phrase), "{typ}: {}", meaning.text);
        }
    }
}
