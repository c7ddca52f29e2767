//! `auth.example.com`: its paths, its metadata (RFC 8414), its key set
//! (RFC 7517), introspection (RFC 7662) and revocation (RFC 7009); the
//! token endpoint itself is `token`.

use serde_json::{Value, json};
use tokenbook_token::facts::{
    CLIENTS, INTROSPECTION_ENDPOINT, ISSUER, JWKS_URI, METADATA_URL, REVOCATION_ENDPOINT,
    TOKEN_ENDPOINT,
};
use tokenbook_token::{KeyInput, ValidationOptions};

use crate::answer::{Reply, invalid_request, method_not_allowed, no_store, not_found, oauth_error};
use crate::client_auth::{Authenticated, authenticate_client};
use crate::http::{Request, Response};
use crate::state::State;
use crate::token::{read_form, token_endpoint};
use crate::tokens::tools;
use crate::world::{AuthMethod, jwks};

/// The path of `url`, one of the issuer's.
fn path(url: &str) -> &str {
    url.strip_prefix(ISSUER).unwrap_or(url)
}

/// Answers a request to `auth.example.com`.
pub(crate) fn answer(state: &mut State, request: &Request) -> Reply {
    let at = request.path.as_str();
    if at == path(TOKEN_ENDPOINT) {
        token_endpoint(state, request)
    } else if at == path(METADATA_URL) {
        get_only(request, "The metadata document").unwrap_or_else(metadata)
    } else if at == path(JWKS_URI) {
        get_only(request, "The key set").unwrap_or_else(|| key_set(state))
    } else if at == path(INTROSPECTION_ENDPOINT) {
        introspect(state, request)
    } else if at == path(REVOCATION_ENDPOINT) {
        revoke(state, request)
    } else {
        not_found(
            "auth.example.com",
            at,
            &[
                TOKEN_ENDPOINT,
                METADATA_URL,
                JWKS_URI,
                INTROSPECTION_ENDPOINT,
                REVOCATION_ENDPOINT,
            ]
            .map(path),
        )
    }
}

fn get_only(request: &Request, what: &str) -> Option<Reply> {
    (request.method != "GET").then(|| {
        method_not_allowed(
            "GET, HEAD",
            what,
            "the metadata and key set are read with GET, RFC 8414 §3.1",
        )
    })
}

fn metadata() -> Reply {
    let scopes: Vec<&str> = {
        let mut all: Vec<&str> = CLIENTS
            .iter()
            .flat_map(|c| c.scopes.iter().copied())
            .collect();
        all.sort_unstable();
        all.dedup();
        all
    };
    let methods: Vec<&str> = AuthMethod::ALL.iter().map(|m| m.name()).collect();
    let body = json!({
        "issuer": ISSUER,
        "token_endpoint": TOKEN_ENDPOINT,
        "jwks_uri": JWKS_URI,
        "introspection_endpoint": INTROSPECTION_ENDPOINT,
        "revocation_endpoint": REVOCATION_ENDPOINT,
        "grant_types_supported": ["client_credentials"],
        "response_types_supported": [],
        "token_endpoint_auth_methods_supported": methods,
        "token_endpoint_auth_signing_alg_values_supported": ["RS256", "HS256"],
        "introspection_endpoint_auth_methods_supported": methods,
        "introspection_endpoint_auth_signing_alg_values_supported": ["RS256", "HS256"],
        "revocation_endpoint_auth_methods_supported": methods,
        "revocation_endpoint_auth_signing_alg_values_supported": ["RS256", "HS256"],
        "scopes_supported": scopes,
        "tls_client_certificate_bound_access_tokens": true,
        "dpop_signing_alg_values_supported": [crate::dpop::ALGORITHM],
    });
    Reply::new(
        Response::json(200, &body),
        format!(
            "200: the authorization server's metadata (RFC 8414 §2), at the well-known path under its issuer (§3). A client reads its endpoints from here instead of hard-coding them, and checks that issuer is exactly {ISSUER}, the issuer it started from (§3.3). response_types_supported, which §2 requires, is empty: this server has no authorization endpoint, so no response type (RFC 8414 did not foresee a server without one). The *_auth_signing_alg_values_supported members list RS256 and HS256 because the JWT authentication methods are offered (§2); dpop_signing_alg_values_supported, those of DPoP proofs (RFC 9449 §5.1)."
        ),
    )
}

fn key_set(state: &State) -> Reply {
    let set = jwks(state.phase());
    let kids: Vec<&str> = set["keys"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|k| k["kid"].as_str())
        .collect();
    Reply::new(
        Response::json(200, &set).with("Cache-Control", "max-age=600"),
        format!(
            "200: the public keys that verify this server's tokens, as a JWK Set (RFC 7517 §5): kid {}. An API picks the key by the token's kid, caches the set (here for 10 minutes, Cache-Control max-age) and fetches it again when it meets a kid it does not know (lesson 07). Key rotation phase {} of 4.",
            kids.join(" and "),
            state.phase()
        ),
    )
}

/// The calling client and the `token` parameter of an introspection or
/// revocation request (both authenticate the client and name the token in
/// `token`), or the reply refusing it.
fn token_parameter(
    state: &mut State,
    request: &Request,
    endpoint: &str,
    section: &str,
) -> Result<(Authenticated, String), Reply> {
    let params = read_form(request, endpoint, section, &[])?;
    let caller = authenticate_client(state, request, &params).map_err(|reply| {
        if section.starts_with("RFC 7662") {
            unauthorized_caller(reply)
        } else {
            reply
        }
    })?;
    match params.get("token") {
        Some(token) => Ok((caller, token.to_owned())),
        None => Err(invalid_request(
            "The token parameter is missing",
            format!("{endpoint} needs the token to look at in the token parameter ({section})."),
        )),
    }
}

/// A failed client authentication at the introspection endpoint: always
/// 401 with a challenge (RFC 7662 §2.3, RFC 9110 §15.5.2), however the
/// client sent its credentials; the token endpoint's 400 for credentials
/// outside the Authorization header (RFC 6749 §5.2) does not apply here.
fn unauthorized_caller(mut reply: Reply) -> Reply {
    if reply.outcome.error.as_deref() != Some("invalid_client") || reply.response.status == 401 {
        return reply;
    }
    reply.response.status = 401;
    reply.response = reply
        .response
        .with("WWW-Authenticate", "Basic realm=\"auth.example.com\"");
    reply.explanation.push_str(" At the introspection endpoint the answer is 401 with a WWW-Authenticate field in every case (RFC 7662 §2.3).");
    reply
}

/// What introspection tells a protected resource of a token (RFC 7662
/// §2.2): the response's members, and why, in words.
pub(crate) struct Introspection {
    /// `active`, and for an active token what it says.
    pub(crate) body: Value,
    /// Why the token is active or not.
    pub(crate) why: String,
}

impl Introspection {
    /// Whether the token is active.
    pub(crate) fn active(&self) -> bool {
        self.body["active"] == true
    }
}

/// RFC 7662 §2.2: whether `token`, a JWT or an opaque token, is active, as
/// the server answers the protected resource `caller_id`.
pub(crate) fn introspection(state: &State, caller_id: &str, token: &str) -> Introspection {
    let (claims, usable, revoked, kind) = match state.opaque(token) {
        Some((record, claims)) => (
            claims.clone(),
            state.now < record.exp,
            record.revoked,
            "an opaque token this server issued, unexpired",
        ),
        None => {
            let report = tools().validate(
                token,
                &ValidationOptions {
                    key: KeyInput::Jwk(jwks(state.phase()).to_string()),
                    expected_issuer: Some(ISSUER.to_owned()),
                    allowed_algorithms: vec!["RS256".to_owned()],
                    leeway_seconds: 0,
                    ..ValidationOptions::at(state.now)
                },
            );
            let claims = tools()
                .decode(token)
                .map(|d| d.payload)
                .unwrap_or(Value::Null);
            let record = claims["jti"].as_str().and_then(|jti| state.issued.get(jti));
            (
                claims.clone(),
                report.valid && record.is_some(),
                record.is_some_and(|r| r.revoked),
                "a token this server issued, signed by it, unexpired",
            )
        }
    };
    let for_caller =
        crate::world::introspects_for(caller_id).is_some_and(|audience| match &claims["aud"] {
            Value::String(one) => one == audience,
            Value::Array(many) => many.iter().any(|a| a.as_str() == Some(audience)),
            _ => false,
        });
    let inactive = |why: String| Introspection {
        body: json!({"active": false}),
        why,
    };
    if !for_caller {
        return inactive(format!(
            "{caller_id} is not a protected resource this token is addressed to. Introspection is for the API that received a token (RFC 7662 §2.1); this server lets a resource introspect only the tokens meant for it, and answers any other request as for an inactive token (§2.2, §4)."
        ));
    }
    if !usable {
        return inactive(
            "the token is not one this server issued and still valid (for a JWT: its signature, issuer or expiry fails; an opaque token: unknown or expired).".to_owned(),
        );
    }
    if revoked {
        return inactive("the token was revoked (RFC 7009).".to_owned());
    }
    // RFC 9449 §6.2: a DPoP-bound token is introspected as token_type DPoP.
    let token_type = if claims["cnf"]["jkt"].is_string() {
        "DPoP"
    } else {
        "Bearer"
    };
    let mut body = json!({"active": true, "token_type": token_type});
    for name in [
        "scope",
        "client_id",
        "sub",
        "aud",
        "iss",
        "exp",
        "iat",
        "jti",
        "cnf",
    ] {
        if let Some(value) = claims.get(name) {
            body[name] = value.clone();
        }
    }
    Introspection {
        body,
        why: format!("{kind} and not revoked"),
    }
}

/// RFC 7662 §2: is this token active, and what does it say?
fn introspect(state: &mut State, request: &Request) -> Reply {
    let (caller, token) = match token_parameter(
        state,
        request,
        "The introspection endpoint",
        "RFC 7662 §2.1",
    ) {
        Ok(found) => found,
        Err(reply) => return reply,
    };
    let caller_id = caller.registration.client.id;
    let found = introspection(state, caller_id, &token);
    let explanation = if found.active() {
        format!(
            "200 with active true: {caller_id} authenticated ({}) and asked about {}; the answer carries its claims (RFC 7662 §2.2). An API that introspects learns about revocation at once; one that validates JWTs locally does not.",
            caller.method.name(),
            found.why
        )
    } else {
        format!(
            "200 with active false: {} RFC 7662 §2.2 answers every inactive token alike, without saying why, so that introspection tells an attacker nothing.",
            found.why
        )
    };
    let mut reply = Reply::new(no_store(Response::json(200, &found.body)), explanation);
    reply.outcome.auth_method = Some(caller.method);
    reply.outcome.active = Some(found.active());
    reply
}

/// RFC 7009 §2: revoke a token of the calling client.
fn revoke(state: &mut State, request: &Request) -> Reply {
    let (caller, token) =
        match token_parameter(state, request, "The revocation endpoint", "RFC 7009 §2.1") {
            Ok(found) => found,
            Err(reply) => return reply,
        };
    let caller_id = caller.registration.client.id;
    let key = record_key(state, &token);
    let known = key.is_some();
    let explanation = match key.and_then(|key| state.issued.get_mut(&key)) {
        Some(record) if record.client_id != caller_id => {
            // Not invalid_request (the request is well formed), and the
            // description does not say whose token it is.
            return oauth_error(
                400,
                "unauthorized_client",
                "The client may not revoke this token",
                format!(
                    "The token was issued to {}, not to {caller_id}: a client may revoke only its own tokens, and the server refuses the request (RFC 7009 §2.1) with an error of RFC 6749 §5.2. unauthorized_client says the client is not allowed this; the description names no other client.",
                    record.client_id
                ),
            );
        }
        Some(record) => {
            record.revoked = true;
            "200: the token is revoked (RFC 7009 §2.2). Introspection now answers active false for it; but an API that validates JWTs locally keeps accepting it until it expires, which is why access tokens live minutes, not days."
        }
        None => {
            "200: the server answers 200 even for a token it does not know, since there is nothing to revoke (RFC 7009 §2.2)."
        }
    };
    let mut reply = Reply::new(Response::new(200), explanation);
    reply.outcome.auth_method = Some(caller.method);
    reply.outcome.revoked = known.then_some(true);
    reply
}

/// Where `token` is kept among the issued tokens, if this server issued
/// it: a JWT by its `jti`, an opaque token by itself. The signature is not
/// checked: a JWT with another's `jti` finds that record, which is why
/// every use of a record also checks the token.
pub(crate) fn record_key(state: &State, token: &str) -> Option<String> {
    if state.opaque(token).is_some() {
        return Some(token.to_owned());
    }
    let decoded = tools().decode(token).ok()?;
    let jti = decoded.payload["jti"].as_str()?;
    state.issued.contains_key(jti).then(|| jti.to_owned())
}
