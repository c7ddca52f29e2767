//! The token operations the lab borrows from tokenbook-token: reading a
//! JWT, validating it as the playground does, and signing one (with a
//! `kid`, or with the public key in the header as a DPoP proof), and a
//! public key's JWK. Natively they are tokenbook-token's own functions. The
//! browser already has them in the playground's WebAssembly module, so the
//! lab's module does not carry them a second time: it installs
//! [`TokenTools`] that call that module instead (see tokenbook-lab-wasm).

use std::sync::OnceLock;

use serde_json::Value;
use tokenbook_token::{ValidationOptions, ValidationReport};

/// A JWT's header and payload, read without checking anything.
pub struct TokenParts {
    /// The header, a JSON object.
    pub header: Value,
    /// The payload (the claims), a JSON object.
    pub payload: Value,
}

/// What a token is signed with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SigningKey<'a> {
    /// RS256 with this PKCS#1 private key (PEM).
    Rs256 {
        /// The private key, PEM.
        private_pem: &'a str,
    },
    /// HS256 keyed with these bytes.
    Hs256 {
        /// The shared secret.
        secret: &'a [u8],
    },
}

/// The token operations, as tokenbook-token offers them. Errors are the
/// library's message, in words.
pub trait TokenTools: Sync {
    /// The header and payload of `token` (tokenbook_token::decode).
    fn decode(&self, token: &str) -> Result<TokenParts, String>;
    /// Every check of the playground's validator (tokenbook_token::validate).
    fn validate(&self, token: &str, options: &ValidationOptions) -> ValidationReport;
    /// A JWT of `claims` with the header's `kid` and `typ`.
    fn sign(
        &self,
        claims: &Value,
        key: SigningKey<'_>,
        kid: Option<&str>,
        typ: &str,
    ) -> Result<String, String>;
    /// A JWT of `claims`, RS256 with this PKCS#1 private key, whose header
    /// carries `typ` and the public key `jwk` (a DPoP proof, RFC 9449 §4.2).
    fn sign_with_jwk(
        &self,
        claims: &Value,
        private_pem: &str,
        typ: &str,
        jwk: &Value,
    ) -> Result<String, String>;
    /// The JWK of an RSA public key in PEM, with `kid`.
    fn public_jwk(&self, public_pem: &str, kid: &str) -> Result<Value, String>;
}

static INSTALLED: OnceLock<&'static dyn TokenTools> = OnceLock::new();

/// Uses `tools` for every token operation from now on; the first call
/// wins. Natively there is no need: tokenbook-token's functions are used.
pub fn install_token_tools(tools: &'static dyn TokenTools) {
    let _ = INSTALLED.set(tools);
}

/// The token operations in use.
pub(crate) fn tools() -> &'static dyn TokenTools {
    #[cfg(not(target_arch = "wasm32"))]
    let fallback: &'static dyn TokenTools = &Native;
    #[cfg(target_arch = "wasm32")]
    let fallback: &'static dyn TokenTools = &Missing;
    INSTALLED.get().copied().unwrap_or(fallback)
}

/// tokenbook-token's functions, called directly.
#[cfg(not(target_arch = "wasm32"))]
struct Native;

#[cfg(not(target_arch = "wasm32"))]
impl TokenTools for Native {
    fn decode(&self, token: &str) -> Result<TokenParts, String> {
        tokenbook_token::decode(token)
            .map(|decoded| TokenParts {
                header: decoded.header,
                payload: decoded.payload,
            })
            .map_err(|error| error.message)
    }

    fn validate(&self, token: &str, options: &ValidationOptions) -> ValidationReport {
        tokenbook_token::validate(token, options)
    }

    fn sign(
        &self,
        claims: &Value,
        key: SigningKey<'_>,
        kid: Option<&str>,
        typ: &str,
    ) -> Result<String, String> {
        match key {
            SigningKey::Rs256 { private_pem } => {
                tokenbook_token::sign_rs256_typed(claims, private_pem, kid, typ)
            }
            SigningKey::Hs256 { secret } => {
                tokenbook_token::sign_hs256_typed(claims, secret, kid, typ)
            }
        }
        .map_err(|error| error.message)
    }

    fn sign_with_jwk(
        &self,
        claims: &Value,
        private_pem: &str,
        typ: &str,
        jwk: &Value,
    ) -> Result<String, String> {
        tokenbook_token::sign_rs256_with_jwk(claims, private_pem, typ, jwk)
            .map_err(|error| error.message)
    }

    fn public_jwk(&self, public_pem: &str, kid: &str) -> Result<Value, String> {
        tokenbook_token::public_jwk(public_pem, kid).map_err(|error| error.message)
    }
}

/// In the browser before the lab's module installed its tools: every
/// operation fails with a message, nothing panics.
#[cfg(target_arch = "wasm32")]
struct Missing;

#[cfg(target_arch = "wasm32")]
impl TokenTools for Missing {
    fn decode(&self, _: &str) -> Result<TokenParts, String> {
        Err(MISSING.to_owned())
    }

    fn validate(&self, _: &str, _: &ValidationOptions) -> ValidationReport {
        ValidationReport {
            valid: false,
            checks: Vec::new(),
            warnings: vec![MISSING.to_owned()],
        }
    }

    fn sign(
        &self,
        _: &Value,
        _: SigningKey<'_>,
        _: Option<&str>,
        _: &str,
    ) -> Result<String, String> {
        Err(MISSING.to_owned())
    }

    fn sign_with_jwk(&self, _: &Value, _: &str, _: &str, _: &Value) -> Result<String, String> {
        Err(MISSING.to_owned())
    }

    fn public_jwk(&self, _: &str, _: &str) -> Result<Value, String> {
        Err(MISSING.to_owned())
    }
}

#[cfg(target_arch = "wasm32")]
const MISSING: &str = "the lab's token tools are not installed";
