//! The playground's WebAssembly module. It only translates: every function
//! takes strings from JavaScript, calls `tokenbook-token`, and returns JSON
//! text (or a `JsError` carrying a message and hint) for the page script to
//! parse. No logic lives here. Besides the playground's own functions it
//! offers the token operations the OAuth lab's module borrows (`decodeToken`,
//! `signJwt`, `publicJwk`, and `validateToken`), so that module need not
//! carry them too.

#![forbid(unsafe_code)]

use serde::Serialize;
use tokenbook_token::{TokenError, ValidationOptions};
use wasm_bindgen::prelude::*;

/// Decodes a token and explains it: header, payload, every claim in plain
/// words, and whether it is an app token or a user token.
#[wasm_bindgen(js_name = inspectToken)]
pub fn inspect_token(token: &str, now: f64) -> Result<String, JsError> {
    let decoded = tokenbook_token::decode(token).map_err(to_js)?;
    let now = now as i64;
    to_json(&Inspection {
        header_pretty: &decoded.header_pretty,
        payload_pretty: &decoded.payload_pretty,
        segments: &decoded.segments,
        signature_bytes: decoded.signature_bytes,
        algorithm: decoded.algorithm.as_deref(),
        header_claims: tokenbook_token::explain_header(&decoded),
        claims: tokenbook_token::explain(&decoded, now),
        classification: tokenbook_token::classify(&decoded),
    })
}

/// Validates a token as a resource server would; `options` is the JSON of
/// `ValidationOptions`.
#[wasm_bindgen(js_name = validateToken)]
pub fn validate_token(token: &str, options: &str) -> Result<String, JsError> {
    let options: ValidationOptions = serde_json::from_str(options)
        .map_err(|e| JsError::new(&format!("invalid validation options: {e}")))?;
    tokenbook_token::install_crypto();
    to_json(&tokenbook_token::validate(token, &options))
}

/// Signs `claims` (JSON) with HS256: the simulated authorization server of
/// the flow and leak demonstrations, keyed with the course's fake secret.
#[wasm_bindgen(js_name = signHs256)]
pub fn sign_hs256(claims: &str, secret: &str, kid: &str) -> Result<String, JsError> {
    let claims: serde_json::Value =
        serde_json::from_str(claims).map_err(|e| JsError::new(&format!("invalid claims: {e}")))?;
    tokenbook_token::install_crypto();
    tokenbook_token::sign_hs256(
        &claims,
        secret.as_bytes(),
        Some(kid).filter(|k| !k.is_empty()),
    )
    .map_err(to_js)
}

/// The header and payload of a token, as JSON `{"header": …, "payload": …}`.
#[wasm_bindgen(js_name = decodeToken)]
pub fn decode_token(token: &str) -> Result<String, JsError> {
    let decoded = tokenbook_token::decode(token).map_err(to_js)?;
    to_json(&serde_json::json!({"header": decoded.header, "payload": decoded.payload}))
}

/// Signs `claims` (JSON) with `alg` `RS256` (`key` a PKCS#1 private key in
/// PEM) or `HS256` (`key` the secret), with the header's `kid` (none when
/// empty) and `typ`; for RS256 with a `jwk` (JSON, none when empty), that
/// public key in the header instead of a `kid`, as a DPoP proof has it.
#[wasm_bindgen(js_name = signJwt)]
pub fn sign_jwt(
    claims: &str,
    alg: &str,
    key: &str,
    kid: &str,
    typ: &str,
    jwk: &str,
) -> Result<String, JsError> {
    let parse = |what: &str, text: &str| {
        serde_json::from_str::<serde_json::Value>(text)
            .map_err(|e| JsError::new(&format!("invalid {what}: {e}")))
    };
    let claims = parse("claims", claims)?;
    tokenbook_token::install_crypto();
    let kid = Some(kid).filter(|k| !k.is_empty());
    match alg {
        "RS256" if !jwk.is_empty() => {
            tokenbook_token::sign_rs256_with_jwk(&claims, key, typ, &parse("jwk", jwk)?)
        }
        "RS256" => tokenbook_token::sign_rs256_typed(&claims, key, kid, typ),
        "HS256" => tokenbook_token::sign_hs256_typed(&claims, key.as_bytes(), kid, typ),
        other => return Err(JsError::new(&format!("cannot sign with {other}"))),
    }
    .map_err(to_js)
}

/// The JWK (JSON) of an RSA public key in PEM, with `kid`.
#[wasm_bindgen(js_name = publicJwk)]
pub fn public_jwk(public_pem: &str, kid: &str) -> Result<String, JsError> {
    to_json(&tokenbook_token::public_jwk(public_pem, kid).map_err(to_js)?)
}

#[derive(Serialize)]
struct Inspection<'a> {
    header_pretty: &'a str,
    payload_pretty: &'a str,
    segments: &'a [String; 3],
    signature_bytes: usize,
    algorithm: Option<&'a str>,
    header_claims: Vec<tokenbook_token::ClaimExplanation>,
    claims: Vec<tokenbook_token::ClaimExplanation>,
    classification: tokenbook_token::Classification,
}

fn to_json<T: Serialize>(value: &T) -> Result<String, JsError> {
    serde_json::to_string(value).map_err(|e| JsError::new(&e.to_string()))
}

/// The one conversion of library errors into JavaScript errors: the message,
/// then the hint on its own line.
fn to_js(error: TokenError) -> JsError {
    JsError::new(&format!("{}\n{}", error.message, error.hint))
}
