//! `ledger.example.com`, the ledger API: `GET /ledger/entries` needs
//! `ledger:read`, `POST /ledger/entries` needs `ledger:write`. It validates
//! the bearer token as lesson 07 teaches (RFC 9068 §4, RFC 6750): the
//! token only in the Authorization header, the signature with the
//! published key set (picked by `kid`), `typ`, `iss` exactly, `aud`,
//! `exp`/`nbf` with the leeway, the scope of the operation, and the
//! certificate binding (RFC 8705 §3). The checks are
//! `tokenbook_token::validate`, the playground's own. A token that is not
//! a JWT is opaque to it: it asks the authorization server about it by
//! introspection (RFC 7662), as `ledger-api`. A DPoP-bound token comes
//! under the `DPoP` scheme with a proof for the request, signed by the key
//! the token is bound to (RFC 9449 §7); as a bearer token it is refused.

use serde_json::{Value, json};
use tokenbook_token::facts::{ISSUER, LEDGER_API, LEEWAY_SECONDS};
use tokenbook_token::{CheckStatus, KeyInput, ValidationOptions};

use crate::answer::{Reply, method_not_allowed, not_found, quoted_or_missing};
use crate::auth_server::{introspection, record_key};
use crate::dpop::{self, Expected};
use crate::form::decode_form;
use crate::http::{Request, Response};
use crate::state::State;
use crate::tokens::tools;
use crate::world::{LEDGER_API_CLIENT, jwks};

/// The path of the ledger's one resource.
pub(crate) const ENTRIES: &str = "/ledger/entries";

/// The same resource as the lessons' examples write it.
const SHORT_ENTRIES: &str = "/entries";

const REALM: &str = "Bearer realm=\"ledger\"";

/// A 401 or 400 with a Bearer challenge (RFC 6750 §3).
fn challenge(status: u16, error: Option<&str>, extra: &str, explanation: String) -> Reply {
    let value = match error {
        Some(error) => format!("{REALM}, error=\"{error}\"{extra}"),
        None => REALM.to_owned(),
    };
    let reply = Reply::new(
        Response::new(status).with("WWW-Authenticate", value),
        explanation,
    );
    match error {
        Some(error) => reply.with_error(error),
        None => reply,
    }
}

/// Answers a request to the ledger API.
pub(crate) fn answer(state: &mut State, request: &Request) -> Reply {
    // One entry, at the address a 201's Location gives.
    let one = request
        .path
        .strip_prefix(ENTRIES)
        .and_then(|rest| rest.strip_prefix('/'))
        .filter(|id| !id.is_empty() && !id.contains('/'));
    if request.path != ENTRIES && request.path != SHORT_ENTRIES && one.is_none() {
        return not_found(
            "ledger.example.com",
            &request.path,
            &[ENTRIES, SHORT_ENTRIES, "/ledger/entries/{id}"],
        );
    }
    let needed = match (request.method.as_str(), one) {
        ("GET", _) => "ledger:read",
        ("POST", None) => "ledger:write",
        (_, Some(_)) => return method_not_allowed("GET, HEAD", "An entry", "GET reads it"),
        _ => {
            return method_not_allowed(
                "GET, HEAD, POST",
                ENTRIES,
                "GET reads entries, POST adds one",
            );
        }
    };
    let (scheme, token) = match presented_token(request) {
        Ok(found) => found,
        Err(reply) => return reply,
    };
    let presented = match scheme {
        Scheme::Bearer => Presented::Bearer,
        Scheme::Dpop => {
            let expected = Expected {
                method: &request.method,
                url: dpop::request_url(request),
                access_token: Some(&token),
            };
            match dpop::check(state, request, &expected) {
                Ok(Some(proof)) => Presented::Dpop { jkt: proof.jkt },
                Ok(None) => {
                    return invalid_dpop_proof(
                        "The Authorization field uses the DPoP scheme, but the request has no DPoP field with a proof (RFC 9449 §7.1).",
                    );
                }
                Err(why) => return invalid_dpop_proof(&why),
            }
        }
    };
    let revoked = record_key(state, &token)
        .and_then(|key| state.issued.get(&key))
        .map(|record| record.revoked);
    let accepted = match check_token(state, &token, needed, &presented) {
        Ok(accepted) => accepted,
        Err(mut reply) => {
            reply.outcome.revoked = revoked;
            return in_scheme(reply, scheme);
        }
    };
    let client = accepted.claims["client_id"]
        .as_str()
        .unwrap_or("the client")
        .to_owned();
    let passed = accepted.passed;
    let mut reply = respond(state, request, one, &passed, &client);
    reply.outcome.active = accepted.introspected;
    reply.outcome.revoked = revoked;
    reply.outcome.dpop = Some(scheme == Scheme::Dpop);
    reply
}

/// The scheme the token came under.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Scheme {
    /// `Authorization: Bearer` (RFC 6750 §2.1).
    Bearer,
    /// `Authorization: DPoP` (RFC 9449 §7.1).
    Dpop,
}

/// How the token came: as a bearer token, or under DPoP with a valid proof
/// whose key has the thumbprint `jkt`.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Presented {
    Bearer,
    Dpop { jkt: String },
}

/// A refusal under the scheme the client used: for DPoP the same error in
/// a DPoP challenge, with the algorithms the API accepts in proofs (RFC
/// 9449 §7.1).
fn in_scheme(mut reply: Reply, scheme: Scheme) -> Reply {
    if scheme == Scheme::Dpop {
        for (name, value) in &mut reply.response.headers {
            if name.eq_ignore_ascii_case("WWW-Authenticate") {
                let rest = value.strip_prefix("Bearer ").unwrap_or(value.as_str());
                *value = format!("DPoP {rest}, algs=\"{}\"", dpop::ALGORITHM);
            }
        }
    }
    reply
}

/// 401 invalid_dpop_proof in a DPoP challenge (RFC 9449 §7.1).
fn invalid_dpop_proof(why: &str) -> Reply {
    let mut reply = in_scheme(
        challenge(
            401,
            Some("invalid_dpop_proof"),
            "",
            format!(
                "{why} So: 401 invalid_dpop_proof, in a DPoP challenge listing the proof algorithms (RFC 9449 §7.1)."
            ),
        ),
        Scheme::Dpop,
    );
    reply.outcome.failed_check = Some("dpop proof".to_owned());
    reply
}

/// What the API does once the token passed: read an entry, read them
/// all, or add one.
fn respond(
    state: &mut State,
    request: &Request,
    one: Option<&str>,
    passed: &str,
    client: &str,
) -> Reply {
    if let Some(id) = one {
        return match state.entries.iter().find(|entry| entry["id"] == id) {
            Some(entry) => Reply::new(
                Response::json(200, entry),
                format!("200: {passed} The API returns entry {id}."),
            ),
            None => Reply::new(
                Response::new(404),
                format!(
                    "404 Not Found (RFC 9110 §15.5.5): the token is fine ({passed}), but the ledger has no entry {id}."
                ),
            ),
        };
    }
    if request.method == "GET" {
        let body = json!({ "entries": state.entries });
        return Reply::new(
            Response::json(200, &body),
            format!("200: {passed} The API returns the ledger's entries."),
        );
    }
    let number = state.entries.len() + 1;
    let memo = serde_json::from_str::<Value>(&request.body)
        .ok()
        .and_then(|v| v["memo"].as_str().map(str::to_owned))
        .unwrap_or_else(|| "FAKE entry".to_owned());
    let entry = json!({"id": format!("entry-{number}"), "memo": memo, "created_by": client});
    state.entries.push(entry.clone());
    Reply::new(
        Response::json(201, &entry).with("Location", format!("{ENTRIES}/entry-{number}")),
        format!(
            "201 Created (RFC 9110 §15.3.2): {passed} The API added an entry written by {client}, the client the token names: with client credentials the client is the subject."
        ),
    )
}

/// The token from `Authorization: Bearer …` (RFC 6750 §2.1) or
/// `Authorization: DPoP …` (RFC 9449 §7.1), or the reply refusing the
/// request.
fn presented_token(request: &Request) -> Result<(Scheme, String), Reply> {
    let in_query = request
        .query
        .as_deref()
        .and_then(|q| decode_form(q).ok())
        .is_some_and(|p| p.has("access_token"));
    if in_query {
        return Err(challenge(400, Some("invalid_request"), ", error_description=\"Token in the URL\"", "The token is in the URL's query (access_token=…). URLs end up in logs, browser history and Referer headers, so RFC 6750 §5.3 says bearer tokens SHOULD NOT be passed in URLs, and this API does not accept them there (§2.3 makes the query method optional): 400 invalid_request. Send it as Authorization: Bearer <token>.".to_owned()));
    }
    let in_body = request.media_type().as_deref() == Some("application/x-www-form-urlencoded")
        && decode_form(&request.body).is_ok_and(|p| p.has("access_token"));
    if in_body {
        return Err(challenge(400, Some("invalid_request"), ", error_description=\"Token in the body\"", "The token is in the form body (access_token=…). This API accepts it only in the Authorization header (RFC 6750 §2.1; the body method of §2.2 is optional and this API does not offer it): 400 invalid_request.".to_owned()));
    }
    let values = request.header_values("authorization");
    let value = match values.as_slice() {
        [] => return Err(challenge(401, None, "", "The request has no Authorization header: the API answers 401 with WWW-Authenticate naming the Bearer scheme and no error code, as RFC 6750 §3.1 asks when a request carries no token. Get a token from auth.example.com and send Authorization: Bearer <token>.".to_owned())),
        [one] => *one,
        _ => return Err(challenge(400, Some("invalid_request"), "", "The request has more than one Authorization field, so it carries more than one credential: 400 invalid_request (RFC 6750 §3.1).".to_owned())),
    };
    let (name, token) = value.split_once(' ').unwrap_or((value, ""));
    let scheme = if name.eq_ignore_ascii_case("bearer") {
        Scheme::Bearer
    } else if name.eq_ignore_ascii_case("dpop") {
        Scheme::Dpop
    } else {
        return Err(challenge(
            401,
            None,
            "",
            format!(
                "The Authorization field uses the {name} scheme; this API takes Bearer (RFC 6750 §2.1) and DPoP (RFC 9449 §7.1), so it answers as if no token came: 401 with a Bearer challenge (RFC 6750 §3.1). Client id and secret go to the token endpoint, never to the API."
            ),
        ));
    };
    let token = token.trim();
    if token.is_empty() {
        return Err(in_scheme(
            challenge(
                400,
                Some("invalid_request"),
                "",
                format!(
                    "Authorization: {name} is followed by no token (RFC 6750 §2.1, RFC 9449 §7.1): 400 invalid_request."
                ),
            ),
            scheme,
        ));
    }
    Ok((scheme, token.to_owned()))
}

fn invalid_token(check: &str, detail: &str) -> Reply {
    let mut reply = challenge(
        401,
        Some("invalid_token"),
        ", error_description=\"Invalid access token\"",
        format!(
            "The {check} check failed: {detail} The API answers 401 invalid_token (RFC 6750 §3.1), with a generic error_description: telling the caller which check failed would help a forger, so the precise reason goes only to the API's own log (lesson 07)."
        ),
    );
    reply.outcome.failed_check = Some(check.to_owned());
    reply
}

/// A token the API accepted.
struct Accepted {
    /// What it says (a JWT's claims, or what introspection answered).
    claims: Value,
    /// How it passed, in words.
    passed: String,
    /// For an opaque token, what introspection said (`active`).
    introspected: Option<bool>,
}

/// Whether `token` has a JWT's three dot-separated parts. Any other token
/// is opaque to the API, which then asks the authorization server.
fn looks_like_jwt(token: &str) -> bool {
    token.split('.').count() == 3
}

/// The token's checks, or the reply refusing it: a JWT is validated here
/// (RFC 9068 §4), an opaque token by introspection (RFC 7662); either way
/// the certificate binding (RFC 8705 §3) and the scope.
fn check_token(
    state: &State,
    token: &str,
    needed: &str,
    presented: &Presented,
) -> Result<Accepted, Reply> {
    if looks_like_jwt(token) {
        check_jwt(state, token, needed, presented)
    } else {
        check_opaque(state, token, needed, presented)
    }
}

/// 403 insufficient_scope (RFC 6750 §3.1), naming the scope needed.
fn insufficient_scope(needed: &str, detail: &str) -> Reply {
    let mut reply = challenge(
        403,
        Some("insufficient_scope"),
        &format!(", scope=\"{needed}\""),
        format!(
            "The token is valid, but: {detail} So the API answers 403 insufficient_scope, naming the scope the operation needs in WWW-Authenticate (RFC 6750 §3.1). Fix the token, not the API: ask the token endpoint for {needed}."
        ),
    );
    reply.outcome.failed_check = Some("scope".to_owned());
    reply
}

/// An opaque token, checked by asking the authorization server as
/// `ledger-api` (RFC 7662 §2.1; lesson 05).
fn check_opaque(
    state: &State,
    token: &str,
    needed: &str,
    presented: &Presented,
) -> Result<Accepted, Reply> {
    let asked = "The token is not a JWT, so the API cannot check it itself: it sent it to https://auth.example.com/oauth2/introspect as ledger-api, authenticated by its own client certificate (RFC 7662 §2.1)";
    let found = introspection(state, LEDGER_API_CLIENT.id, token);
    if !found.active() {
        let mut reply = invalid_token(
            "introspection",
            &format!(
                "{asked}, and the answer was active false. The authorization server tells the API no more (RFC 7662 §2.2); its reason here: {}",
                found.why
            ),
        );
        reply.outcome.active = Some(false);
        return Err(reply);
    }
    let claims = found.body;
    check_binding(state, &claims, presented)?;
    let scopes = claims["scope"].as_str().unwrap_or("");
    if !scopes.split(' ').any(|s| s == needed) {
        let mut reply = insufficient_scope(
            needed,
            &format!("{asked}; it is active, but its scope is \"{scopes}\", without {needed}."),
        );
        reply.outcome.active = Some(true);
        return Err(reply);
    }
    Ok(Accepted {
        passed: format!(
            "{asked}, which answered active true, aud {}, scope {scopes} (RFC 7662 §2.2): the token is for this API and carries {needed}. Every request costs the API that call (or a short cache), and in return a revocation takes effect at once.",
            LEDGER_API.identifier
        ),
        claims,
        introspected: Some(true),
    })
}

/// A JWT, validated as lesson 07 teaches (RFC 9068 §4).
fn check_jwt(
    state: &State,
    token: &str,
    needed: &str,
    presented: &Presented,
) -> Result<Accepted, Reply> {
    let report = tools().validate(
        token,
        &ValidationOptions {
            key: KeyInput::Jwk(jwks(state.phase()).to_string()),
            expected_issuer: Some(ISSUER.to_owned()),
            expected_audience: Some(LEDGER_API.identifier.to_owned()),
            required_scope: Some(needed.to_owned()),
            allowed_algorithms: vec!["RS256".to_owned()],
            leeway_seconds: LEEWAY_SECONDS,
            now: state.now,
        },
    );
    let failed = |name: &str| {
        report
            .checks
            .iter()
            .find(|c| c.name == name && c.status == CheckStatus::Failed)
    };
    for name in ["format", "algorithm", "signature"] {
        if let Some(check) = failed(name) {
            return Err(invalid_token(name, &check.detail));
        }
    }
    let decoded = tools()
        .decode(token)
        .map_err(|e| invalid_token("format", &e))?;
    let typ = decoded.header["typ"].as_str().unwrap_or("");
    if !typ.eq_ignore_ascii_case("at+jwt") && !typ.eq_ignore_ascii_case("application/at+jwt") {
        return Err(invalid_token(
            "typ",
            &format!(
                "The header's typ is {}, not at+jwt. RFC 9068 §4 tells the API to refuse a JWT that is not marked as an access token, so that an ID token or other JWT from the same issuer cannot pass for one (RFC 8725 §3.11).",
                quoted_or_missing(typ)
            ),
        ));
    }
    for name in ["expiry", "not before", "issuer", "audience"] {
        if let Some(check) = failed(name) {
            return Err(invalid_token(name, &check.detail));
        }
    }
    check_binding(state, &decoded.payload, presented)?;
    if let Some(check) = failed("scope") {
        return Err(insufficient_scope(needed, &check.detail));
    }
    let revoked = decoded.payload["jti"]
        .as_str()
        .and_then(|jti| state.issued.get(jti))
        .is_some_and(|record| record.revoked);
    let revoked_note = if revoked {
        " Note: this token was revoked at the authorization server, but this API validates JWTs locally and cannot know it; only introspection (RFC 7662) or a short lifetime limits a revoked JWT."
    } else {
        ""
    };
    Ok(Accepted {
        passed: format!(
            "The token passed every check: signature with the published key {}, typ at+jwt, iss {ISSUER}, aud {}, exp and nbf with {LEEWAY_SECONDS} s of leeway, and scope {needed} (RFC 9068 §4).{revoked_note}",
            decoded.header["kid"].as_str().unwrap_or_default(),
            LEDGER_API.identifier
        ),
        claims: decoded.payload,
        introspected: None,
    })
}

/// A sender-constrained token is accepted only from its holder: a
/// DPoP-bound one under the DPoP scheme with a proof signed by its key
/// (RFC 9449 §7), a certificate-bound one over a connection presenting
/// that certificate (RFC 8705 §3).
fn check_binding(state: &State, claims: &Value, presented: &Presented) -> Result<(), Reply> {
    check_dpop_binding(claims, presented)?;
    check_certificate_binding(state, claims)
}

/// RFC 9449 §7.1, §7.2: the proof's key is the one the token is bound to
/// (`cnf.jkt`), and a DPoP-bound token never passes as a bearer token.
fn check_dpop_binding(claims: &Value, presented: &Presented) -> Result<(), Reply> {
    let refused = |detail: String| Err(invalid_token("dpop binding", &detail));
    match (claims["cnf"]["jkt"].as_str(), presented) {
        (None, Presented::Bearer) => Ok(()),
        (Some(bound_to), Presented::Bearer) => refused(format!(
            "The token is DPoP-bound (cnf jkt {bound_to}) but came as Bearer, which RFC 9449 §7.2 forbids: a stolen token would work without its key. Send Authorization: DPoP with a proof."
        )),
        (Some(bound_to), Presented::Dpop { jkt }) if bound_to != jkt => refused(format!(
            "The proof is signed with a key (thumbprint {jkt}) other than the token's (cnf jkt {bound_to}): an invalid DPoP key binding (RFC 9449 §7.1)."
        )),
        (Some(_), Presented::Dpop { .. }) => Ok(()),
        (None, Presented::Dpop { .. }) => refused(
            "The request uses the DPoP scheme, but the token is not bound to any key (no cnf jkt): send it as Bearer, or get a bound one with a proof (RFC 9449 §7.1).".to_owned(),
        ),
    }
}

/// RFC 8705 §3: a certificate-bound token is accepted only over a
/// connection presenting that certificate.
fn check_certificate_binding(state: &State, claims: &Value) -> Result<(), Reply> {
    let Some(bound_to) = claims["cnf"]["x5t#S256"].as_str() else {
        return Ok(());
    };
    match state.certificate {
        None => Err(invalid_token(
            "certificate",
            &format!(
                "The token is bound to a client certificate (cnf x5t#S256 {bound_to}), but this request presented none: a stolen bound token is useless without the private key of its certificate (RFC 8705 §3)."
            ),
        )),
        Some(certificate) if certificate.thumbprint() != bound_to => Err(invalid_token(
            "certificate",
            &format!(
                "The token is bound to the certificate with thumbprint {bound_to}, but the request presented {} (thumbprint {}). The API compares the SHA-256 thumbprint of the presented certificate with cnf x5t#S256 (RFC 8705 §3.1): a renewed certificate needs a new token.",
                certificate.name,
                certificate.thumbprint()
            ),
        )),
        Some(_) => Ok(()),
    }
}
