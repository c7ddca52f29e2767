//! Client authentication at the authorization server's endpoints: which
//! method a request uses (exactly one, RFC 6749 §2.3), and whether it
//! proves the client: `client_secret_basic` and `client_secret_post` (RFC
//! 6749 §2.3.1), `private_key_jwt` and `client_secret_jwt` (RFC 7523, in
//! `assertion`), `tls_client_auth` (RFC 8705 §2.1).
//!
//! A failure says which error to answer with: `invalid_request` for a
//! malformed attempt, `invalid_client` for one that does not prove the
//! client, 401 with `WWW-Authenticate` when the Authorization header was
//! used (RFC 6749 §5.2).

use std::collections::BTreeMap;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

use crate::answer::{Reply, oauth_error};
use crate::assertion::{self, JWT_BEARER};
use crate::form::{Params, decode_component};
use crate::http::Request;
use crate::state::State;
use crate::world::{AuthMethod, Certificate, Registration, registration};

/// A client that proved who it is.
#[derive(Debug, Clone)]
pub(crate) struct Authenticated {
    pub(crate) registration: &'static Registration,
    pub(crate) method: AuthMethod,
    /// The assertion's `jti` and `exp`, to remember once the request is
    /// accepted.
    pub(crate) assertion: Option<(String, i64)>,
    /// The platform whose token authenticated a federated workload.
    pub(crate) federated: Option<&'static str>,
}

/// The challenge of the one HTTP scheme the token endpoint takes.
const BASIC_CHALLENGE: &str = "Basic realm=\"auth.example.com\"";

fn invalid_request(explanation: String) -> Reply {
    crate::answer::invalid_request("Malformed client authentication", explanation)
}

/// [`authenticate`] with what `state` knows; an accepted assertion's `jti`
/// is remembered at once, so it cannot be used again (RFC 7523 §3).
pub(crate) fn authenticate_client(
    state: &mut State,
    request: &Request,
    params: &Params,
) -> Result<Authenticated, Reply> {
    let client = authenticate(
        request,
        params,
        state.certificate,
        state.now,
        &state.seen_assertions,
    )?;
    if let Some((jti, exp)) = &client.assertion {
        state.seen_assertions.insert(jti.clone(), *exp);
    }
    Ok(client)
}

/// `invalid_client`, 401 with a challenge when the Authorization header
/// was used, else 400 (RFC 6749 §5.2).
fn invalid_client(used_header: bool, explanation: String) -> Reply {
    let status_rule = if used_header {
        " The client used the Authorization header, so the answer is 401 with a WWW-Authenticate field (RFC 6749 §5.2)."
    } else {
        " The credentials were not in the Authorization header, so the answer is 400 (RFC 6749 §5.2)."
    };
    let mut reply = oauth_error(
        if used_header { 401 } else { 400 },
        "invalid_client",
        "Client authentication failed",
        format!("{explanation}{status_rule}"),
    );
    if used_header {
        reply.response = reply.response.with("WWW-Authenticate", BASIC_CHALLENGE);
    }
    reply
}

/// Authenticates the client of `request`, whose form is `params`. `seen`
/// holds the assertion `jti`s already accepted.
fn authenticate(
    request: &Request,
    params: &Params,
    certificate: Option<&Certificate>,
    now: i64,
    seen: &BTreeMap<String, i64>,
) -> Result<Authenticated, Reply> {
    let authorization = request.header_values("authorization");
    let basic = !authorization.is_empty();
    let post = params.has("client_secret");
    let jwt = params.has("client_assertion") || params.has("client_assertion_type");
    let used: Vec<&str> = [
        (basic, "the Authorization header"),
        (post, "client_secret in the body"),
        (jwt, "a client_assertion"),
    ]
    .iter()
    .filter(|(used, _)| *used)
    .map(|(_, what)| *what)
    .collect();
    if used.len() > 1 {
        return Err(invalid_request(format!(
            "The request authenticates the client in more than one way ({}). RFC 6749 §2.3 says a client MUST NOT use more than one authentication method in a request, so the server refuses it with invalid_request rather than guess which counts.",
            used.join(" and ")
        )));
    }
    let (registration, method, assertion, federated) = if basic {
        (
            basic_auth(&authorization, params)?,
            AuthMethod::ClientSecretBasic,
            None,
            None,
        )
    } else if post {
        (post_auth(params)?, AuthMethod::ClientSecretPost, None, None)
    } else if jwt {
        let verified = jwt_auth(params, now, seen)?;
        (
            verified.registration,
            verified.method,
            verified.remember,
            verified.federated,
        )
    } else {
        (
            tls_auth(params, certificate)?,
            AuthMethod::TlsClientAuth,
            None,
            None,
        )
    };
    if !registration.methods.contains(&method) {
        return Err(invalid_client(
            basic,
            format!(
                "{} is not registered to authenticate with {}: a server accepts only the method a client registered (RFC 7591 §2, token_endpoint_auth_method).",
                registration.client.id,
                method.name()
            ),
        ));
    }
    Ok(Authenticated {
        registration,
        method,
        assertion,
        federated,
    })
}

fn basic_auth(authorization: &[&str], params: &Params) -> Result<&'static Registration, Reply> {
    let [value] = authorization else {
        return Err(invalid_request(
            "The request has more than one Authorization field, so it carries more than one set of credentials: invalid_request (RFC 6749 §5.2).".to_owned(),
        ));
    };
    let (scheme, credentials) = value.split_once(' ').unwrap_or((value, ""));
    if !scheme.eq_ignore_ascii_case("basic") {
        return Err(invalid_client(
            true,
            format!(
                "The Authorization field uses the {scheme} scheme. The token endpoint authenticates clients with Basic (RFC 6749 §2.3.1); a Bearer token is for APIs, not for asking for tokens. RFC 6749 §5.2 asks for a challenge matching the client's scheme, but Basic is the only HTTP scheme this endpoint offers, so that is the one it names."
            ),
        ));
    }
    let decoded = STANDARD
        .decode(credentials.trim())
        .ok()
        .and_then(|bytes| String::from_utf8(bytes).ok());
    let Some(decoded) = decoded else {
        return Err(invalid_client(
            true,
            "The Basic credentials are not Base64 of UTF-8 text (RFC 7617 §2): encode id:secret with standard Base64.".to_owned(),
        ));
    };
    let Some((raw_id, raw_secret)) = decoded.split_once(':') else {
        return Err(invalid_client(
            true,
            "The Basic credentials decode to text without a colon; they must be client-id:client-secret (RFC 7617 §2).".to_owned(),
        ));
    };
    let decode = |part: &str, what: &str| {
        decode_component(part).map_err(|why| {
            invalid_client(
                true,
                format!("The {what} in the Basic header cannot be form-decoded: {why} RFC 6749 §2.3.1 has the client form-encode its id and secret before Base64, so the server form-decodes them after; a secret with reserved characters sent raw fails this way.")
            )
        })
    };
    let id = decode(raw_id, "client id")?;
    let secret = decode(raw_secret, "client secret")?;
    if let Some(body_id) = params.get("client_id")
        && body_id != id
    {
        return Err(invalid_request(format!(
            "The Basic header names client {id} but the body's client_id is {body_id}: one request, one client (RFC 6749 §2.3)."
        )));
    }
    check_secret(&id, &secret, raw_secret, true)
}

fn check_secret(
    id: &str,
    secret: &str,
    raw: &str,
    used_header: bool,
) -> Result<&'static Registration, Reply> {
    let Some(registration) = registration(id) else {
        return Err(invalid_client(
            used_header,
            format!(
                "No client {id} is registered at this authorization server (RFC 6749 §5.2, invalid_client: unknown client)."
            ),
        ));
    };
    if !registration.client.secret.is_empty() && registration.client.secret == secret {
        return Ok(registration);
    }
    let hint = if used_header && registration.client.secret == raw {
        " The raw text you sent is the secret, but the server form-decoded it first (RFC 6749 §2.3.1), turning + into a space and reading % as an escape: form-encode the secret before Base64."
    } else {
        ""
    };
    Err(invalid_client(
        used_header,
        format!("The secret does not match {id}'s registered secret (RFC 6749 §2.3.1).{hint}"),
    ))
}

fn post_auth(params: &Params) -> Result<&'static Registration, Reply> {
    let Some(id) = params.get("client_id") else {
        // A missing parameter: invalid_request (RFC 6749 §5.2), as with
        // tls_client_auth below.
        return Err(invalid_request(
            "The body has client_secret but no client_id: client_secret_post sends both (RFC 6749 §2.3.1).".to_owned(),
        ));
    };
    let secret = params.get("client_secret").unwrap_or_default();
    check_secret(id, secret, secret, false)
}

fn jwt_auth(
    params: &Params,
    now: i64,
    seen: &BTreeMap<String, i64>,
) -> Result<assertion::Verified, Reply> {
    match params.get("client_assertion_type") {
        Some(JWT_BEARER) => {}
        Some(other) => {
            return Err(invalid_request(format!(
                "client_assertion_type is {other}; for a JWT it must be {JWT_BEARER} (RFC 7523 §2.2)."
            )));
        }
        None => {
            return Err(invalid_request(format!(
                "The body has a client_assertion but no client_assertion_type; both are required, the type being {JWT_BEARER} (RFC 7521 §4.2)."
            )));
        }
    }
    let Some(jwt) = params.get("client_assertion") else {
        return Err(invalid_request(
            "The body has client_assertion_type but no client_assertion (RFC 7521 §4.2)."
                .to_owned(),
        ));
    };
    assertion::verify(jwt, params.get("client_id"), now, seen)
        .map_err(|why| invalid_client(false, why))
}

fn tls_auth(
    params: &Params,
    certificate: Option<&Certificate>,
) -> Result<&'static Registration, Reply> {
    let Some(certificate) = certificate else {
        let sent_id = params.get("client_id").map_or(String::new(), |id| {
            format!(" The client_id {id} alone proves nothing.")
        });
        return Err(invalid_client(
            false,
            format!(
                "The request carries no client authentication: no Authorization header, no client_secret, no client_assertion and no client certificate (RFC 6749 §2.3: a confidential client must authenticate).{sent_id}"
            ),
        ));
    };
    let Some(id) = params.get("client_id") else {
        return Err(invalid_request(format!(
            "A client certificate ({}) was presented, but with tls_client_auth the body must also say which client it is: client_id is required (RFC 8705 §2.1).",
            certificate.subject_dn
        )));
    };
    let Some(registration) = registration(id) else {
        return Err(invalid_client(
            false,
            format!("No client {id} is registered here."),
        ));
    };
    if !certificate.trusted {
        return Err(invalid_client(
            false,
            format!(
                "The certificate's subject is {}, but it was issued by {}, not by a CA this server trusts: with tls_client_auth the certificate must chain to a trusted CA before its subject counts (RFC 8705 §2.1).",
                certificate.subject_dn, certificate.issuer_dn
            ),
        ));
    }
    if certificate.subject_dn != registration.subject_dn {
        return Err(invalid_client(
            false,
            format!(
                "The certificate's subject is {}, but {id} registered {} as tls_client_auth_subject_dn (RFC 8705 §2.1.2).",
                certificate.subject_dn, registration.subject_dn
            ),
        ));
    }
    Ok(registration)
}
