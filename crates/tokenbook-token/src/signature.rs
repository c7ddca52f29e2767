//! The two cryptographic checks, in the order a careful resource server
//! makes them: first pin the algorithm (the API decides, never the token:
//! `alg: none` and the HS256-with-an-RSA-key confusion are refused here),
//! then verify the signature with `jsonwebtoken::crypto::verify`.

use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::{Algorithm, AlgorithmFamily};

use crate::check::{Check, CheckStatus};
use crate::decode::Decoded;
use crate::keys::ChosenKey;

/// The algorithm check, and the algorithm to verify with when it passed.
pub(crate) fn check_algorithm(
    decoded: &Decoded,
    allowed_names: &[String],
    key: Option<&ChosenKey>,
    warnings: &mut Vec<String>,
) -> (Check, Option<Algorithm>) {
    let alg = decoded.algorithm.as_deref().unwrap_or("");
    if alg.eq_ignore_ascii_case("none") {
        warnings.push(
            "The token says alg none: it carries no signature, so anyone could have written it (RFC 8725 section 3.1).".to_owned(),
        );
        return (
            failed(format!(
                "The token's header says alg \"{alg}\": it has no signature at all, so anyone could have written it. An API must never accept an unsecured token, whatever else it claims (RFC 8725 section 3.1)."
            )),
            None,
        );
    }
    let Ok(algorithm) = alg.parse::<Algorithm>() else {
        return (
            failed(format!(
                "The token's algorithm {alg} is not a JWS signature algorithm the playground knows, so the token is rejected."
            )),
            None,
        );
    };
    let allowed = match allowed_algorithms(allowed_names, key) {
        Ok(allowed) => allowed,
        Err(unknown) => {
            return (
                failed(format!(
                    "The allowed algorithm {unknown} is not one the playground knows: allow names such as RS256 or HS256."
                )),
                None,
            );
        }
    };
    if let Some(key) = key
        && let Some(family) = key.family
        && algorithm.family() == AlgorithmFamily::Hmac
        && family != AlgorithmFamily::Hmac
    {
        warnings.push(format!(
            "Algorithm confusion: the token says {alg}, an HMAC algorithm, but the issuer's key is a public key. A server that let the token choose would use the public key, which anyone can download, as the HMAC secret (RFC 8725 sections 2.1 and 3.1)."
        ));
        return (
            failed(format!(
                "The token says {alg}, an HMAC algorithm, but this API checks signatures with {}: this is the algorithm-confusion attack. An API that let the token pick the algorithm would use the public key, which anyone can download, as an HMAC secret, and accept a token the attacker signed with it. The API allows {} only, so the token is rejected before its signature is even looked at (RFC 8725 sections 2.1 and 3.1).",
                public_key_kind(family),
                names(&allowed)
            )),
            None,
        );
    }
    if allowed.is_empty() {
        let detail = if key.is_some() {
            format!(
                "The key given could not be read (see the signature check), so it pins no algorithm; the token says {alg}."
            )
        } else {
            format!(
                "No key and no allowed algorithm were given, so nothing pins the algorithm; the token says {alg}, and a real API would decide this itself."
            )
        };
        return (Check::new("algorithm", CheckStatus::Skipped, detail), None);
    }
    if !allowed.contains(&algorithm) {
        return (
            failed(format!(
                "The token is signed with {alg}, but this API allows {} only. The API decides the algorithm, not the token, so the token is rejected before its signature is checked (RFC 8725 section 3.1).",
                names(&allowed)
            )),
            None,
        );
    }
    if let Some(key) = key
        && let Some(family) = key.family
        && family != algorithm.family()
    {
        return (
            failed(format!(
                "The token is signed with {alg}, but the key given is {}, which cannot check a {alg} signature.",
                public_key_kind(family)
            )),
            None,
        );
    }
    (
        Check::new(
            "algorithm",
            CheckStatus::Passed,
            format!(
                "The token uses {alg}, which this API allows ({}): the API chose the algorithm, the token only had to match it.",
                names(&allowed)
            ),
        ),
        Some(algorithm),
    )
}

/// The explicitly allowed algorithms, or the key's natural one.
fn allowed_algorithms(names: &[String], key: Option<&ChosenKey>) -> Result<Vec<Algorithm>, String> {
    if names.is_empty() {
        return Ok(key
            .and_then(|key| key.natural_algorithm)
            .into_iter()
            .collect());
    }
    names
        .iter()
        .map(|name| name.trim().parse().map_err(|_| name.clone()))
        .collect()
}

fn names(algorithms: &[Algorithm]) -> String {
    algorithms
        .iter()
        .map(|algorithm| format!("{algorithm:?}"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn public_key_kind(family: AlgorithmFamily) -> &'static str {
    match family {
        AlgorithmFamily::Rsa => "an RSA public key",
        AlgorithmFamily::Ec => "an elliptic-curve public key",
        AlgorithmFamily::Ed => "an Ed25519 public key",
        AlgorithmFamily::Hmac => "a shared secret",
    }
}

fn failed(detail: String) -> Check {
    Check::new("algorithm", CheckStatus::Failed, detail)
}

/// The signature check, made only once the algorithm check passed
/// (`algorithm` is then the one to verify with).
pub(crate) fn check_signature(
    decoded: &Decoded,
    algorithm_check: &Check,
    algorithm: Option<Algorithm>,
    key: Option<&ChosenKey>,
) -> Check {
    let skipped = |detail: &str| Check::new("signature", CheckStatus::Skipped, detail.to_owned());
    let Some(chosen) = key else {
        return skipped(
            "No key was given, so the signature was not checked: until it is, anyone could have made this token. Give the issuer's public key (or JWKS) to check it.",
        );
    };
    if algorithm_check.status == CheckStatus::Failed {
        return skipped(
            "Not checked: the algorithm was refused first, and an API never runs a signature check with an algorithm it did not choose.",
        );
    }
    let key = match &chosen.key {
        Ok(key) => key,
        Err(reason) => return Check::new("signature", CheckStatus::Failed, reason.clone()),
    };
    let Some(algorithm) = algorithm else {
        return skipped("Not checked: no algorithm was pinned for this key.");
    };
    let [header, payload, signature] = &decoded.segments;
    let message = format!("{header}.{payload}");
    let signature = signature.trim_end_matches('=');
    let (status, detail) = match jsonwebtoken::crypto::verify(
        signature,
        message.as_bytes(),
        key,
        algorithm,
    ) {
        Ok(true) => (
            CheckStatus::Passed,
            format!(
                "The signature matches {}: the token was signed by the holder of the key and not a single character of its header or payload has changed since.",
                chosen.description
            ),
        ),
        Ok(false) => (
            CheckStatus::Failed,
            format!(
                "The signature does not match {}: either the token was changed after it was signed (its header or payload edited), or it was signed with another key.",
                chosen.description
            ),
        ),
        Err(error) => (CheckStatus::Failed, verify_error(error.kind(), algorithm)),
    };
    Check::new("signature", status, detail)
}

fn verify_error(kind: &ErrorKind, algorithm: Algorithm) -> String {
    match kind {
        ErrorKind::InvalidAlgorithm | ErrorKind::UnsupportedAlgorithm => format!(
            "The playground cannot check {algorithm:?} signatures here (in the browser it checks HS256 and RS256)."
        ),
        ErrorKind::InvalidRsaKey(_)
        | ErrorKind::InvalidKeyFormat
        | ErrorKind::InvalidEcdsaKey
        | ErrorKind::InvalidEddsaKey => {
            format!(
                "The key cannot be used to check a {algorithm:?} signature: it is not a valid key of that kind."
            )
        }
        other => format!("The signature could not be checked: {other:?}."),
    }
}
