//! The lab's token operations, borrowed from the playground's WebAssembly
//! module: `window.tokenbook.tokens` (set by static/js/lab.js) holds that
//! module's `decodeToken`, `validateToken`, `signJwt` and `publicJwk`.
//! Strings cross, JSON comes back; a thrown error becomes the message.

use serde_json::Value;
use tokenbook_lab::{SigningKey, TokenParts, TokenTools};
use tokenbook_token::{ValidationOptions, ValidationReport};
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(catch, js_namespace = ["tokenbook", "tokens"], js_name = decodeToken)]
    fn decode_token(token: &str) -> Result<String, JsValue>;
    #[wasm_bindgen(catch, js_namespace = ["tokenbook", "tokens"], js_name = validateToken)]
    fn validate_token(token: &str, options: &str) -> Result<String, JsValue>;
    #[wasm_bindgen(catch, js_namespace = ["tokenbook", "tokens"], js_name = signJwt)]
    fn sign_jwt(
        claims: &str,
        alg: &str,
        key: &str,
        kid: &str,
        typ: &str,
        jwk: &str,
    ) -> Result<String, JsValue>;

    #[wasm_bindgen(catch, js_namespace = ["tokenbook", "tokens"], js_name = publicJwk)]
    fn public_jwk(public_pem: &str, kid: &str) -> Result<String, JsValue>;

    /// What a call threw: an `Error`, whose `message` is read.
    type Thrown;
    #[wasm_bindgen(method, getter, structural)]
    fn message(this: &Thrown) -> Option<String>;
}

/// The playground's module, reached through the page.
pub(crate) struct Playground;

impl TokenTools for Playground {
    fn decode(&self, token: &str) -> Result<TokenParts, String> {
        let mut parts = json(decode_token(token))?;
        Ok(TokenParts {
            header: parts["header"].take(),
            payload: parts["payload"].take(),
        })
    }

    fn validate(&self, token: &str, options: &ValidationOptions) -> ValidationReport {
        let report = serde_json::to_string(options)
            .map_err(|error| error.to_string())
            .and_then(|options| text(validate_token(token, &options)))
            .and_then(|text| serde_json::from_str(&text).map_err(|error| error.to_string()));
        report.unwrap_or_else(|error| ValidationReport {
            valid: false,
            checks: Vec::new(),
            warnings: vec![error],
        })
    }

    fn sign(
        &self,
        claims: &Value,
        key: SigningKey<'_>,
        kid: Option<&str>,
        typ: &str,
    ) -> Result<String, String> {
        let claims = claims.to_string();
        let kid = kid.unwrap_or_default();
        text(match key {
            SigningKey::Rs256 { private_pem } => {
                sign_jwt(&claims, "RS256", private_pem, kid, typ, "")
            }
            SigningKey::Hs256 { secret } => {
                let secret = std::str::from_utf8(secret).map_err(|error| error.to_string())?;
                sign_jwt(&claims, "HS256", secret, kid, typ, "")
            }
        })
    }

    fn sign_with_jwk(
        &self,
        claims: &Value,
        private_pem: &str,
        typ: &str,
        jwk: &Value,
    ) -> Result<String, String> {
        let (claims, jwk) = (claims.to_string(), jwk.to_string());
        text(sign_jwt(&claims, "RS256", private_pem, "", typ, &jwk))
    }

    fn public_jwk(&self, public_pem: &str, kid: &str) -> Result<Value, String> {
        json(public_jwk(public_pem, kid))
    }
}

/// The text a call returned, or the message of what it threw.
fn text(result: Result<String, JsValue>) -> Result<String, String> {
    result.map_err(|error| {
        thrown_message(&error).unwrap_or_else(|| "the playground's module failed".to_owned())
    })
}

fn json(result: Result<String, JsValue>) -> Result<Value, String> {
    serde_json::from_str(&text(result)?).map_err(|error| error.to_string())
}

/// The first line of a thrown `Error`'s message (the playground's errors
/// put the hint on the next line).
fn thrown_message(error: &JsValue) -> Option<String> {
    let message = error.as_string().or_else(|| {
        error
            .is_object()
            .then(|| error.unchecked_ref::<Thrown>().message())
            .flatten()
    })?;
    Some(message.lines().next().unwrap_or_default().to_owned())
}
