//! All token logic of the tokenbook playground, pure and without I/O, for
//! the browser (wasm32) and for the site build alike.
//!
//! - [`decode`] takes a JWT apart, with a friendly [`TokenError`] for every
//!   way it can be malformed (opaque tokens and JWEs included).
//! - [`explain`] and [`explain_header`] say what each claim and header
//!   parameter means, and what it says about this token.
//! - [`classify`] tells an app token (client credentials: the client is the
//!   subject) from a user token.
//! - [`validate`] checks a token as a resource server does, and explains
//!   every check.
//! - [`sign_hs256`] (and natively `sign_rs256`) make tokens; natively,
//!   [`mint_samples`] makes the course's sample tokens with FAKE keys.
//! - [`facts`] is the course's world: issuer, APIs, clients, keys.
//!
//! The caller passes the current time (`now`, Unix seconds): the crate reads
//! no clock. Nothing here panics on any input.

#![forbid(unsafe_code)]

mod check;
mod claims;
mod classify;
mod decode;
mod error;
pub mod facts;
mod header_meanings;
mod header_rules;
mod invisible;
mod keys;
mod meaning;
mod meanings;
mod member_names;
#[cfg(test)]
mod never_panics;
mod payload;
mod pem;
mod provider;
#[cfg(any(not(target_arch = "wasm32"), feature = "rs256-signing"))]
pub mod samples;
mod sign;
mod signature;
mod time;
mod validate;

pub use claims::{ClaimExplanation, explain, explain_header};
pub use classify::{Classification, Verdict, classify};
pub use decode::{Decoded, MAX_TOKEN_LEN, decode};
pub use error::TokenError;
pub use keys::KeyInput;
pub use meaning::TimeInfo;
pub use member_names::RepeatedName;
#[cfg(any(not(target_arch = "wasm32"), feature = "rs256-signing"))]
pub use samples::{
    FAKE_HS256_SECRET, HS256_KID, Sample, SampleKeys, course_keys, mint_flow_tokens, mint_samples,
    public_jwk, public_jwks, try_public_jwks,
};
pub use sign::{ACCESS_TOKEN_TYPE, sign_hs256, sign_hs256_typed};
#[cfg(any(not(target_arch = "wasm32"), feature = "rs256-signing"))]
pub use sign::{sign_rs256, sign_rs256_typed, sign_rs256_with_jwk};
pub use validate::{
    CHECK_NAMES, Check, CheckStatus, ValidationOptions, ValidationReport, validate,
};

/// Makes sure `jsonwebtoken` has a crypto provider. Idempotent, and called
/// by every function here that signs or verifies, so callers need not.
///
/// Installs the crate's own HS256/RS256 provider, in the browser and
/// natively alike (an "already installed" answer is ignored).
pub fn install_crypto() {
    let _already_installed = provider::PROVIDER.install_default();
}
