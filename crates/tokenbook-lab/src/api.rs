//! `ledger.example.com`, the ledger API: `GET /ledger/entries` needs
//! `ledger:read`, `POST /ledger/entries` needs `ledger:write`. It validates
//! the bearer token as lesson 07 teaches (RFC 9068 §4, RFC 6750): the
//! token only in the Authorization header, the signature with the
//! published key set (picked by `kid`), `typ`, `iss` exactly, `aud`,
//! `exp`/`nbf` with the leeway, the scope of the operation, and the
//! certificate binding (RFC 8705 §3). The checks are
//! `tokenbook_token::validate`, the playground's own.

use serde_json::{Value, json};
use tokenbook_token::facts::{ISSUER, LEDGER_API, LEEWAY_SECONDS};
use tokenbook_token::{CheckStatus, KeyInput, ValidationOptions};

use crate::answer::{Reply, method_not_allowed, not_found};
use crate::form::decode_form;
use crate::http::{Request, Response};
use crate::state::State;
use crate::tokens::tools;
use crate::world::jwks;

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
    let token = match bearer_token(request) {
        Ok(token) => token,
        Err(reply) => return reply,
    };
    if let Err(reply) = check_token(state, &token, needed) {
        return reply;
    }
    let claims = tools()
        .decode(&token)
        .map(|d| d.payload)
        .unwrap_or(Value::Null);
    let client = claims["client_id"]
        .as_str()
        .unwrap_or("the client")
        .to_owned();
    let revoked = claims["jti"]
        .as_str()
        .and_then(|jti| state.issued.get(jti))
        .is_some_and(|record| record.revoked);
    let revoked_note = if revoked {
        " Note: this token was revoked at the authorization server, but this API validates JWTs locally and cannot know it; only introspection (RFC 7662) or a short lifetime limits a revoked JWT."
    } else {
        ""
    };
    let passed = format!(
        "The token passed every check: signature with the published key {}, typ at+jwt, iss {ISSUER}, aud {}, exp and nbf with {LEEWAY_SECONDS} s of leeway, and scope {needed} (RFC 9068 §4).{revoked_note}",
        tools()
            .decode(&token)
            .ok()
            .and_then(|d| d.header["kid"].as_str().map(str::to_owned))
            .unwrap_or_default(),
        LEDGER_API.identifier
    );
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

/// The token from `Authorization: Bearer …` (RFC 6750 §2.1), or the reply
/// refusing the request.
fn bearer_token(request: &Request) -> Result<String, Reply> {
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
    let (scheme, token) = value.split_once(' ').unwrap_or((value, ""));
    if !scheme.eq_ignore_ascii_case("bearer") {
        return Err(challenge(
            401,
            None,
            "",
            format!(
                "The Authorization field uses the {scheme} scheme; this API takes Bearer tokens (RFC 6750 §2.1), so it answers as if no token came: 401 with a Bearer challenge (§3.1). Client id and secret go to the token endpoint, never to the API."
            ),
        ));
    }
    let token = token.trim();
    if token.is_empty() {
        return Err(challenge(
            400,
            Some("invalid_request"),
            "",
            "Authorization: Bearer is followed by no token (RFC 6750 §2.1): 400 invalid_request."
                .to_owned(),
        ));
    }
    Ok(token.to_owned())
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

/// RFC 9068 §4 and RFC 8705 §3.
fn check_token(state: &State, token: &str, needed: &str) -> Result<(), Reply> {
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
                if typ.is_empty() {
                    "missing".to_owned()
                } else {
                    format!("\"{typ}\"")
                }
            ),
        ));
    }
    for name in ["expiry", "not before", "issuer", "audience"] {
        if let Some(check) = failed(name) {
            return Err(invalid_token(name, &check.detail));
        }
    }
    check_binding(state, &decoded.payload)?;
    if let Some(check) = failed("scope") {
        let mut reply = challenge(
            403,
            Some("insufficient_scope"),
            &format!(", scope=\"{needed}\""),
            format!(
                "The token is valid, but: {} So the API answers 403 insufficient_scope, naming the scope the operation needs in WWW-Authenticate (RFC 6750 §3.1). Fix the token, not the API: ask the token endpoint for {needed}.",
                check.detail
            ),
        );
        reply.outcome.failed_check = Some("scope".to_owned());
        return Err(reply);
    }
    Ok(())
}

/// RFC 8705 §3: a certificate-bound token is accepted only over a
/// connection presenting that certificate.
fn check_binding(state: &State, claims: &Value) -> Result<(), Reply> {
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
