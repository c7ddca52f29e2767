//! DPoP, Demonstrating Proof of Possession (RFC 9449, lesson 11): the
//! proof a client sends in the `DPoP` field, checked as both servers check
//! it (§4.3; at the API also `ath`, §7.1), the JWK SHA-256 thumbprint
//! (RFC 7638) a token is bound to (`cnf.jkt`, §6), and the proofs the lab
//! signs for the reader with billing-service's FAKE key (its assertion
//! key; `world::billing_assertion_key`).
//!
//! This lab's servers ask for no `nonce` (§8, §9): a server may, and the
//! lesson says how a client answers `use_dpop_nonce`.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use tokenbook_token::KeyInput;
use tokenbook_token::facts::LEEWAY_SECONDS;

use crate::answer::quoted_or_missing;
use crate::assertion::signature_verifies;
use crate::http::Request;
use crate::state::State;
use crate::tokens::tools;
use crate::world::billing_assertion_key;

/// The one proof algorithm of this lab (the metadata's
/// `dpop_signing_alg_values_supported`, RFC 9449 §5.1): the browser's
/// signing is RS256 only. ES256, as in lesson 11, is the usual choice.
pub(crate) const ALGORITHM: &str = "RS256";

/// How long after its `iat` a proof is accepted, in seconds. A proof is
/// made for one request just before sending it (§11.1); its `jti` is
/// remembered this long, so it cannot be replayed.
pub(crate) const PROOF_WINDOW: i64 = 120;

/// The JWK members that belong to a private key only (RFC 7518 §6.3.2,
/// §6.4.1). A proof's `jwk` must not carry any (§4.3, check 7).
const PRIVATE_MEMBERS: [&str; 8] = ["d", "p", "q", "dp", "dq", "qi", "oth", "k"];

/// What a proof must match: the request's method and its URL without
/// query and fragment, and at the API the access token sent with it.
pub(crate) struct Expected<'a> {
    pub(crate) method: &'a str,
    pub(crate) url: String,
    pub(crate) access_token: Option<&'a str>,
}

/// A proof that passed: the thumbprint of its key, for `cnf.jkt`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Proof {
    pub(crate) jkt: String,
}

/// RFC 7638 §3: the SHA-256 thumbprint of an RSA public key's JWK, over
/// its required members in lexicographic order without whitespace. `n`
/// and `e` must be base64url (RFC 7518 §6.3.1), so they need no escaping.
pub(crate) fn thumbprint(jwk: &Value) -> Option<String> {
    let base64url = |name: &str| {
        jwk[name].as_str().filter(|v| {
            !v.is_empty()
                && v.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        })
    };
    let (e, n) = (base64url("e")?, base64url("n")?);
    let canonical = format!(r#"{{"e":"{e}","kty":"RSA","n":"{n}"}}"#);
    Some(URL_SAFE_NO_PAD.encode(Sha256::digest(canonical.as_bytes())))
}

/// `ath` (§4.2): the base64url SHA-256 of the access token's ASCII text.
pub(crate) fn access_token_hash(token: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(token.as_bytes()))
}

/// `htu` as a server compares it (§4.3, check 9; RFC 3986 §6.2.2 and
/// §6.2.3): without query and fragment, scheme and host in lowercase, the
/// default port dropped, an empty path as `/`.
fn normalized_url(url: &str) -> Option<String> {
    let url = url.split(['?', '#']).next().unwrap_or("");
    let (scheme, rest) = url.split_once("://")?;
    let (authority, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    let scheme = scheme.to_ascii_lowercase();
    let mut host = authority.to_ascii_lowercase();
    if scheme == "https" && host.ends_with(":443") {
        host.truncate(host.len() - 4);
    }
    if host.is_empty() || host.contains('@') {
        return None;
    }
    let path = if path.is_empty() { "/" } else { path };
    Some(format!("{scheme}://{host}{path}"))
}

/// The URL a proof for `request` names: `https://`, its host, its path.
pub(crate) fn request_url(request: &Request) -> String {
    format!("https://{}{}", request.host, request.path)
}

/// The `DPoP` proof of `request`, checked as RFC 9449 §4.3 lists: `Ok(None)`
/// when the request has none, `Err` why it is refused (the server answers
/// `invalid_dpop_proof`). A proof that passes has its `jti` remembered.
pub(crate) fn check(
    state: &mut State,
    request: &Request,
    expected: &Expected<'_>,
) -> Result<Option<Proof>, String> {
    let proof = match request.header_values("dpop").as_slice() {
        [] => return Ok(None),
        [one] => one.trim().to_owned(),
        _ => {
            return Err(
                "The request has more than one DPoP field; one proof per request (RFC 9449 §4.3 check 1).".to_owned(),
            );
        }
    };
    let parts = tools()
        .decode(&proof)
        .map_err(|why| format!("The DPoP field is not a JWT ({why}) (RFC 9449 §4.3 check 2)."))?;
    let (header, claims) = (parts.header, parts.payload);
    let typ = header["typ"].as_str().unwrap_or("");
    if typ != "dpop+jwt" {
        return Err(format!(
            "The proof's typ is {}, not dpop+jwt (RFC 9449 §4.3 check 4): the type keeps another JWT, such as a client assertion, from passing for a proof.",
            quoted_or_missing(typ)
        ));
    }
    let alg = header["alg"].as_str().unwrap_or("");
    if alg != ALGORITHM {
        let why = if alg == "none" || alg.starts_with("HS") {
            "a proof is signed with a private key, never a shared secret or nothing"
        } else {
            "the metadata's dpop_signing_alg_values_supported lists RS256 alone"
        };
        return Err(format!(
            "The proof's alg is {}: {why} (RFC 9449 §4.3 check 5).",
            quoted_or_missing(alg)
        ));
    }
    let jwk = &header["jwk"];
    if !jwk.is_object() {
        return Err(
            "The proof's header has no jwk, the public key it is signed with (RFC 9449 §4.2)."
                .to_owned(),
        );
    }
    if let Some(member) = PRIVATE_MEMBERS.iter().find(|m| jwk.get(**m).is_some()) {
        return Err(format!(
            "The proof's jwk has {member}, a private key's member: only the public key belongs there (RFC 9449 §4.3 check 7), and that private key is now public."
        ));
    }
    let jkt = thumbprint(jwk).filter(|_| jwk["kty"] == "RSA").ok_or_else(|| {
        "The proof's jwk is not an RSA public key (kty, n, e), which RS256 needs (RFC 7518 §6.3.1).".to_owned()
    })?;
    if !signature_verifies(&proof, KeyInput::Jwk(jwk.to_string()), ALGORITHM) {
        return Err("The proof's signature does not verify with the jwk in its header (RFC 9449 §4.3 check 6): another key signed it, or it was changed.".to_owned());
    }
    let jti = claims["jti"].as_str().unwrap_or("");
    let (Some(htm), Some(htu), Some(iat)) = (
        claims["htm"].as_str(),
        claims["htu"].as_str(),
        claims["iat"].as_i64(),
    ) else {
        return Err("The proof lacks a claim: jti, htm, htu and iat (a number) are required (RFC 9449 §4.3 check 3).".to_owned());
    };
    if jti.is_empty() {
        return Err("The proof's jti is missing or empty; each proof has its own, so that a replay is seen (RFC 9449 §11.1).".to_owned());
    }
    if htm != expected.method {
        return Err(format!(
            "The proof's htm is {}, but the request's method is {} (RFC 9449 §4.3 check 8): a proof is for one request.",
            quoted_or_missing(htm),
            expected.method
        ));
    }
    if normalized_url(htu).as_deref() != Some(expected.url.as_str()) {
        return Err(format!(
            "The proof's htu is {}, but the request is for {} (RFC 9449 §4.3 check 9, compared without query and fragment).",
            quoted_or_missing(htu),
            expected.url
        ));
    }
    if iat > state.now + LEEWAY_SECONDS {
        return Err(format!(
            "The proof's iat is {} s ahead of the server's clock, beyond {LEEWAY_SECONDS} s of leeway (RFC 9449 §4.3 check 11).",
            iat - state.now
        ));
    }
    if iat + PROOF_WINDOW < state.now {
        return Err(format!(
            "The proof was made {} s ago (iat); proofs are taken for {PROOF_WINDOW} s (RFC 9449 §4.3 check 11). Make one per request.",
            state.now - iat
        ));
    }
    if state.seen_proofs.contains_key(jti) {
        return Err(format!(
            "A proof with jti {jti} was already accepted: each proof is for one request, and the server remembers its jti (RFC 9449 §11.1)."
        ));
    }
    if let Some(token) = expected.access_token {
        let ath = access_token_hash(token);
        match claims["ath"].as_str() {
            None => {
                return Err("The proof has no ath, the hash of the token it goes with (RFC 9449 §4.3 check 12).".to_owned());
            }
            Some(found) if found != ath => {
                return Err(format!(
                    "The proof's ath is {found}, but the token hashes to {ath} (RFC 9449 §4.3 check 12): the proof was made for another token."
                ));
            }
            Some(_) => {}
        }
    }
    state.seen_proofs.insert(jti.to_owned(), iat + PROOF_WINDOW);
    Ok(Some(Proof { jkt }))
}

/// A proof for `method` on `url`, signed with billing-service's FAKE key
/// at `now` with a new `jti`, and `ath` when an access token goes with it:
/// what a DPoP client makes for each request.
pub(crate) fn sign_proof(
    method: &str,
    url: &str,
    access_token: Option<&str>,
    now: i64,
    jti: &str,
) -> Result<String, String> {
    let key = billing_assertion_key();
    let jwk = key.public_jwk();
    // The thumbprint covers e, kty and n; the proof's header needs no more.
    let jwk = json!({"kty": "RSA", "e": jwk["e"], "n": jwk["n"]});
    let mut claims = json!({"jti": jti, "htm": method, "htu": url, "iat": now});
    if let Some(token) = access_token {
        claims["ath"] = json!(access_token_hash(token));
    }
    tools().sign_with_jwk(&claims, key.private_pem, "dpop+jwt", &jwk)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 7638 §3.1's example key and its thumbprint.
    #[test]
    fn the_thumbprint_is_rfc_7638s_example() {
        let jwk = json!({
            "kty": "RSA",
            "n": "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw",
            "e": "AQAB",
            "alg": "RS256",
            "kid": "2011-04-29"
        });
        assert_eq!(
            thumbprint(&jwk).as_deref(),
            Some("NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs")
        );
        assert_eq!(thumbprint(&json!({"kty": "RSA", "e": "AQAB"})), None);
        let quoted = json!({"kty": "RSA", "e": "AQAB\",\"x\":\"", "n": "0vx7"});
        assert_eq!(thumbprint(&quoted), None, "not base64url");
    }

    #[test]
    fn urls_are_compared_without_query_fragment_case_and_default_port() {
        for same in [
            "https://ledger.example.com/ledger/entries",
            "HTTPS://Ledger.Example.com:443/ledger/entries?limit=5",
            "https://ledger.example.com/ledger/entries#top",
        ] {
            assert_eq!(
                normalized_url(same).as_deref(),
                Some("https://ledger.example.com/ledger/entries"),
                "{same}"
            );
        }
        assert_eq!(
            normalized_url("https://auth.example.com").as_deref(),
            Some("https://auth.example.com/")
        );
        assert_ne!(
            normalized_url("https://ledger.example.com/Ledger/entries").as_deref(),
            Some("https://ledger.example.com/ledger/entries"),
            "the path is case-sensitive"
        );
        assert_eq!(normalized_url("ledger.example.com/ledger/entries"), None);
        assert_eq!(normalized_url("https://user@ledger.example.com/"), None);
    }
}
