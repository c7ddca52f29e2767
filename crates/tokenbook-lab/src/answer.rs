//! What the lab hands back for every request: the response, its exact
//! text, why the server answered that way (in plain words, with the RFC
//! section), and the [`Outcome`] the exercises are graded on.

use serde_json::json;

use crate::http::Response;
use crate::world::AuthMethod;

/// A token the authorization server issued.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct IssuedToken {
    /// The client it was issued to (its `sub` and `client_id`).
    pub client_id: String,
    /// The granted scopes, space-separated.
    pub scope: String,
    /// Its audiences (`aud`).
    pub audience: Vec<String>,
    /// The key id it was signed with; empty for an opaque token.
    pub kid: String,
    /// Whether it is opaque (a handle for introspection) rather than a JWT.
    pub opaque: bool,
    /// Whether it is bound to a client certificate (`cnf.x5t#S256`).
    pub certificate_bound: bool,
    /// Whether it is bound to a DPoP key (`cnf.jkt`, RFC 9449 §6).
    pub dpop_bound: bool,
    /// Its lifetime in seconds (`expires_in`).
    pub expires_in: i64,
}

/// What happened, as data: the facts an exercise's goals are checked on.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize)]
pub struct Outcome {
    /// The simulated host that answered, if the request got that far.
    pub host: Option<String>,
    /// The request's method.
    pub method: Option<String>,
    /// The request's path.
    pub path: Option<String>,
    /// The response's status.
    pub status: u16,
    /// The OAuth error code (`error` in the body or `WWW-Authenticate`).
    pub error: Option<String>,
    /// How the client authenticated, when it did.
    pub auth_method: Option<AuthMethod>,
    /// The token issued, on a successful token request.
    pub issued: Option<IssuedToken>,
    /// The validation check that refused a token at the API ("signature",
    /// "expiry", "audience", "typ", "certificate" …).
    pub failed_check: Option<String>,
    /// What introspection said of the token (`active`, RFC 7662 §2.2).
    pub active: Option<bool>,
    /// Whether the token concerned is one the authorization server issued
    /// and has revoked (RFC 7009): at the revocation endpoint, `true` when
    /// it revoked a token it issued; at the API, whether the token carried
    /// is a revoked one. `None` for a token the server never issued.
    pub revoked: Option<bool>,
    /// The platform whose token the client authenticated with (workload
    /// identity federation, lesson 10).
    pub federated_issuer: Option<String>,
    /// Whether the token issued, or accepted by the API, is DPoP-bound
    /// (RFC 9449): `None` when none was issued or accepted.
    pub dpop: Option<bool>,
}

/// One answer of the lab.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Answer {
    /// The response.
    pub response: Response,
    /// Its exact text.
    pub text: String,
    /// Why the server answered that way, citing the RFC section.
    pub explanation: String,
    /// The facts of it, for exercises.
    pub outcome: Outcome,
}

/// A response and its explanation, as a handler builds them; the lab adds
/// what it knows of the request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Reply {
    pub(crate) response: Response,
    pub(crate) explanation: String,
    pub(crate) outcome: Outcome,
}

impl Reply {
    pub(crate) fn new(response: Response, explanation: impl Into<String>) -> Self {
        let outcome = Outcome {
            status: response.status,
            ..Outcome::default()
        };
        Self {
            response,
            explanation: explanation.into(),
            outcome,
        }
    }

    pub(crate) fn with_error(mut self, error: &str) -> Self {
        self.outcome.error = Some(error.to_owned());
        self
    }
}

/// `value` in quotes, or "missing" when it is empty: how explanations
/// name a header member the request got wrong.
pub(crate) fn quoted_or_missing(value: &str) -> String {
    if value.is_empty() {
        "missing".to_owned()
    } else {
        format!("\"{value}\"")
    }
}

/// The headers RFC 6749 §5.1 puts on every token endpoint response.
pub(crate) fn no_store(response: Response) -> Response {
    response
        .with("Cache-Control", "no-store")
        .with("Pragma", "no-cache")
}

/// An OAuth error response of the token endpoint (RFC 6749 §5.2).
pub(crate) fn oauth_error(
    status: u16,
    error: &str,
    description: &str,
    explanation: impl Into<String>,
) -> Reply {
    let body = json!({ "error": error, "error_description": description });
    Reply::new(no_store(Response::json(status, &body)), explanation).with_error(error)
}

/// `invalid_request` (RFC 6749 §5.2), 400.
pub(crate) fn invalid_request(description: &str, explanation: impl Into<String>) -> Reply {
    oauth_error(400, "invalid_request", description, explanation)
}

/// 405, naming the methods the resource allows (RFC 9110 §15.5.6).
pub(crate) fn method_not_allowed(allow: &str, what: &str, section: &str) -> Reply {
    Reply::new(
        Response::new(405).with("Allow", allow),
        format!(
            "{what} answers only {allow}, so any other method gets 405 Method Not Allowed with an Allow field listing them (RFC 9110 §15.5.6; {section})."
        ),
    )
}

/// 404 for a path a host does not have.
pub(crate) fn not_found(host: &str, path: &str, known: &[&str]) -> Reply {
    Reply::new(
        Response::new(404),
        format!(
            "{host} has nothing at {path}: 404 Not Found (RFC 9110 §15.5.5). Its paths are {}.",
            known.join(", ")
        ),
    )
}
