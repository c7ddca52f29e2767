//! The token endpoint (RFC 6749 §3.2 and §4.4): the client credentials
//! grant only. It reads the form, authenticates the client
//! (`client_auth`), applies each client's scope policy (§3.3) and resource
//! indicators (RFC 8707), and issues an RFC 9068 JWT access token, bound to
//! the client certificate under `tls_client_auth` (RFC 8705 §3) and to
//! the key of a DPoP proof sent with the request (RFC 9449 §5), or an
//! opaque one to a client registered for those (RFC 7662, lesson 05).

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Map, Value, json};
use sha2::{Digest, Sha256};
use tokenbook_token::ACCESS_TOKEN_TYPE;
use tokenbook_token::facts::{
    Api, CLIENTS, Client, ISSUER, LEDGER_API, REPORTS_API, TOKEN_ENDPOINT,
};

use crate::answer::{IssuedToken, Reply, method_not_allowed, no_store, oauth_error};
use crate::client_auth::{Authenticated, authenticate_client};
use crate::dpop::{self, Expected, Proof};
use crate::form::{Params, decode_form};
use crate::http::{Request, Response};
use crate::state::{Record, State};
use crate::tokens::{SigningKey, tools};
use crate::world::{AuthMethod, TokenFormat, signing_key};

const FORM: &str = "application/x-www-form-urlencoded";

fn invalid_request(explanation: String) -> Reply {
    crate::answer::invalid_request("The request is malformed", explanation)
}

/// The form of a token, introspection or revocation request, or the reply
/// refusing it: POST, a form body, no parameter twice (except those in
/// `may_repeat`), nothing secret in the URL. `section` is where the
/// endpoint's request is defined (RFC 6749 §3.2, RFC 7662 §2.1, RFC 7009
/// §2.1).
pub(crate) fn read_form(
    request: &Request,
    endpoint: &str,
    section: &str,
    may_repeat: &[&str],
) -> Result<Params, Reply> {
    if request.method != "POST" {
        return Err(method_not_allowed("POST", endpoint, section));
    }
    if let Some(query) = &request.query
        && let Ok(params) = decode_form(query)
        && (params.has("client_secret")
            || params.has("client_assertion")
            || params.has("grant_type"))
    {
        return Err(invalid_request(format!(
            "The URL's query carries OAuth parameters ({query}). They belong in the form body: RFC 6749 §2.3.1 forbids credentials in the request URI, where logs and browser history keep them, and §3.2 makes the token endpoint POST-only."
        )));
    }
    match request.media_type().as_deref() {
        Some(FORM) => {}
        other => {
            return Err(invalid_request(format!(
                "The body is sent as {}, but {endpoint} reads {FORM} ({section}; RFC 6749 Appendix B). Add Content-Type: {FORM}.",
                other.map_or("no Content-Type at all".to_owned(), |t| format!(
                    "Content-Type {t}"
                ))
            )));
        }
    }
    let params = decode_form(&request.body)
        .map_err(|why| invalid_request(format!("The form body cannot be decoded: {why}")))?;
    if let Some(name) = params.repeated(may_repeat) {
        return Err(invalid_request(format!(
            "The parameter {name} appears more than once. RFC 6749 §3.2: request parameters MUST NOT be included more than once, so the server cannot know which value you meant and refuses with invalid_request."
        )));
    }
    Ok(params)
}

/// Answers a request to the token endpoint.
pub(crate) fn token_endpoint(state: &mut State, request: &Request) -> Reply {
    let params = match read_form(
        request,
        "The token endpoint",
        "RFC 6749 §3.2",
        &["resource"],
    ) {
        Ok(params) => params,
        Err(reply) => return reply,
    };
    match params.get("grant_type") {
        None => return invalid_request("The body has no grant_type. The client credentials grant sends grant_type=client_credentials (RFC 6749 §4.4.2); without it the server cannot know which grant is asked for.".to_owned()),
        Some("client_credentials") => {}
        Some(other) => {
            return oauth_error(400, "unsupported_grant_type", "Only client_credentials is supported", format!(
                "grant_type is {other}. This authorization server supports only the client credentials grant (its metadata's grant_types_supported), so it answers unsupported_grant_type (RFC 6749 §5.2). A service acting for itself uses grant_type=client_credentials (§4.4.2)."
            ));
        }
    }
    let client = match authenticate_client(state, request, &params) {
        Ok(client) => client,
        Err(reply) => return reply,
    };
    if client.registration.client.scopes.is_empty() {
        let mut reply = oauth_error(
            400,
            "unauthorized_client",
            "The client may not use this grant",
            format!(
                "{} authenticated, but it is registered for no scope and may not use the client credentials grant: unauthorized_client (RFC 6749 §5.2). It talks to this server only to introspect tokens.",
                client.registration.client.id
            ),
        );
        reply.outcome.auth_method = Some(client.method);
        return reply;
    }
    let grant = match grant(client.registration.client, &params) {
        Ok(grant) => grant,
        Err(reply) => return with_method(reply, client.method),
    };
    let expected = Expected {
        method: "POST",
        url: TOKEN_ENDPOINT.to_owned(),
        access_token: None,
    };
    let proof = match dpop::check(state, request, &expected) {
        Ok(proof) => proof,
        Err(why) => {
            let reply = oauth_error(
                400,
                "invalid_dpop_proof",
                "The DPoP proof is invalid",
                format!(
                    "{why} So: invalid_dpop_proof, and no token (RFC 9449 §5). Make a new proof, or send none for a bearer token."
                ),
            );
            return with_method(reply, client.method);
        }
    };
    issue(state, &client, &grant, proof.as_ref())
}

fn with_method(mut reply: Reply, method: AuthMethod) -> Reply {
    reply.outcome.auth_method = Some(method);
    reply
}

/// What a request is granted.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Grant {
    requested: Option<String>,
    scopes: Vec<&'static str>,
    audience: Vec<&'static Api>,
    /// How the policy shaped it, in words.
    note: String,
}

/// The API a scope is for: its prefix names it.
fn api_of(scope: &str) -> Option<&'static Api> {
    match scope.split(':').next() {
        Some("ledger") => Some(&LEDGER_API),
        Some("reports") => Some(&REPORTS_API),
        _ => None,
    }
}

fn known_scope(scope: &str) -> bool {
    CLIENTS.iter().any(|client| client.scopes.contains(&scope))
}

/// RFC 6749 §3.3 and RFC 8707 §2: the scope and audience granted, or the
/// error. Scopes no client can have are refused (`invalid_scope`); known
/// scopes beyond the client's are left out of the grant (§3.3 lets the
/// server ignore part of a request), unless nothing would be left.
fn grant(client: &'static Client, params: &Params) -> Result<Grant, Reply> {
    let resource = resource(params)?;
    let requested = params.get("scope").map(str::to_owned);
    let (asked, mut note): (Vec<&str>, String) = match &requested {
        None => (
            vec![client.default_scope],
            format!(
                "The request names no scope, so the server grants {}'s documented default, {} (RFC 6749 §3.3).",
                client.id, client.default_scope
            ),
        ),
        Some(scope) => (scope.split(' ').collect(), String::new()),
    };
    if let Some(bad) = asked.iter().find(|s| {
        s.is_empty()
            || !s
                .chars()
                .all(|c| c.is_ascii_graphic() && c != '"' && c != '\\')
    }) {
        return Err(oauth_error(
            400,
            "invalid_scope",
            "The scope is malformed",
            format!(
                "The scope \"{}\" is malformed: scopes are separated by single spaces and made of printable ASCII without \" and \\ (RFC 6749 §3.3).{}",
                requested.clone().unwrap_or_default(),
                if bad.is_empty() {
                    " Two spaces in a row (or a space at an end) make an empty scope."
                } else {
                    ""
                }
            ),
        ));
    }
    if let Some(unknown) = asked.iter().find(|s| !known_scope(s)) {
        return Err(oauth_error(
            400,
            "invalid_scope",
            &format!("Scope {unknown} is not allowed for this client"),
            format!(
                "{unknown} is a scope nobody is granted here, so the server refuses with invalid_scope (RFC 6749 §5.2). {} may have {}.",
                client.id,
                client.scopes.join(" and ")
            ),
        ));
    }
    let allowed: Vec<&'static str> = client
        .scopes
        .iter()
        .copied()
        .filter(|s| asked.contains(s))
        .collect();
    let dropped: Vec<&str> = asked
        .iter()
        .copied()
        .filter(|s| !client.scopes.contains(s))
        .collect();
    let scopes: Vec<&'static str> = allowed
        .into_iter()
        .filter(|s| resource.is_none_or(|api| api_of(s) == Some(api)))
        .collect();
    if scopes.is_empty() {
        let why = match resource {
            Some(api) if dropped.is_empty() => format!(
                "{} ({}) is for the resource {}",
                if requested.is_some() {
                    "none of the scopes asked for"
                } else {
                    "no scope was asked for, and none of the client's default scope"
                },
                asked.join(" "),
                api.identifier
            ),
            _ => format!("{} may not have {}", client.id, dropped.join(" ")),
        };
        return Err(oauth_error(
            400,
            "invalid_scope",
            &format!("Scope {} is not allowed for this client", asked.join(" ")),
            format!(
                "Nothing can be granted: {why}. The server answers invalid_scope (RFC 6749 §3.3 and §5.2); {} may have {}.",
                client.id,
                client.scopes.join(" and ")
            ),
        ));
    }
    if !dropped.is_empty() {
        note.push_str(&format!(" {} may not have {}, so the server granted only the rest (RFC 6749 §3.3 lets it ignore part of a request) and says so in the response's scope.", client.id, dropped.join(" ")));
    }
    let mut audience: Vec<&'static Api> = Vec::new();
    for api in scopes.iter().filter_map(|s| api_of(s)) {
        if !audience.contains(&api) {
            audience.push(api);
        }
    }
    if let Some(api) = resource {
        note.push_str(&format!(" The resource parameter names {}, so the token's aud is that API alone and its scope only what is for it (RFC 8707 §2).", api.identifier));
    } else if audience.len() > 1 {
        note.push_str(" Without a resource parameter the token is for every API its scopes name, and each of them would accept it; send resource to narrow it (RFC 8707 §2).");
    }
    Ok(Grant {
        requested,
        scopes,
        audience,
        note: note.trim().to_owned(),
    })
}

/// The API named by the `resource` parameters, if any (RFC 8707 §2).
fn resource(params: &Params) -> Result<Option<&'static Api>, Reply> {
    let invalid_target = |why: String| {
        oauth_error(
            400,
            "invalid_target",
            "The resource is invalid or unknown",
            format!("{why} The server answers invalid_target (RFC 8707 §2)."),
        )
    };
    let mut named: Option<&'static Api> = None;
    for value in params.all("resource") {
        if !value.starts_with("https://") || value.contains('#') {
            return Err(invalid_target(format!(
                "The resource {value} is not an absolute URI without a fragment, as RFC 8707 §2 requires."
            )));
        }
        let Some(api) = [&LEDGER_API, &REPORTS_API]
            .into_iter()
            .find(|api| api.identifier == value)
        else {
            return Err(invalid_target(format!(
                "The resource {value} is no API this server issues tokens for; it knows {} and {}.",
                LEDGER_API.identifier, REPORTS_API.identifier
            )));
        };
        if named.is_some_and(|earlier| earlier != api) {
            return Err(invalid_target("The request names two resources; this server issues a token for one API at a time, so that no token is accepted by two (RFC 8707 §2 lets it refuse such a combination).".to_owned()));
        }
        named = Some(api);
    }
    Ok(named)
}

/// A new opaque token: a random-looking handle that means nothing outside
/// this server (lesson 05). The lab is deterministic, so it is a hash of
/// the lab's start and a counter, not a secret random value.
fn opaque_token(state: &mut State) -> String {
    let number = state.next_number();
    let seed = format!("FAKE opaque token {} {number}", state.start);
    let digest = Sha256::digest(seed.as_bytes());
    format!("opaque-FAKE-{}", URL_SAFE_NO_PAD.encode(&digest[..15]))
}

/// Issues the token, a signed JWT or an opaque handle as the client is
/// registered (RFC 6749 §4.4.3, §5.1; RFC 9068 §2; RFC 7662).
fn issue(state: &mut State, client: &Authenticated, grant: &Grant, proof: Option<&Proof>) -> Reply {
    let registered = client.registration.client;
    let opaque = client.registration.tokens == TokenFormat::Opaque;
    let key = signing_key(state.phase());
    let scope = grant.scopes.join(" ");
    let audience: Vec<&str> = grant.audience.iter().map(|api| api.identifier).collect();
    let mut claims = Map::new();
    claims.insert("iss".into(), json!(ISSUER));
    claims.insert("sub".into(), json!(registered.id));
    claims.insert(
        "aud".into(),
        if let [one] = audience.as_slice() {
            json!(one)
        } else {
            json!(audience)
        },
    );
    claims.insert("client_id".into(), json!(registered.id));
    claims.insert("scope".into(), json!(scope));
    claims.insert("iat".into(), json!(state.now));
    claims.insert("exp".into(), json!(state.now + registered.token_lifetime));
    let bound = client.method == AuthMethod::TlsClientAuth;
    if let Some(cnf) = confirmation(state, bound, proof) {
        claims.insert("cnf".into(), cnf);
    }
    let (token, key_name, opaque_claims) = if opaque {
        let token = opaque_token(state);
        (token.clone(), token, Some(Value::Object(claims)))
    } else {
        let jti = format!("FAKE-jti-lab-{}", state.next_number());
        claims.insert("jti".into(), json!(jti));
        match tools().sign(
            &Value::Object(claims),
            SigningKey::Rs256 {
                private_pem: key.private_pem,
            },
            Some(key.kid),
            ACCESS_TOKEN_TYPE,
        ) {
            Ok(token) => (token, jti, None),
            Err(error) => {
                return oauth_error(400, "invalid_request", "The lab could not sign", error);
            }
        }
    };
    state.issued.insert(
        key_name,
        Record {
            client_id: registered.id.to_owned(),
            exp: state.now + registered.token_lifetime,
            revoked: false,
            opaque_claims,
        },
    );
    state.last_token = Some(token.clone());
    let mut body = Map::new();
    body.insert("access_token".into(), json!(token));
    let token_type = if proof.is_some() { "DPoP" } else { "Bearer" };
    body.insert("token_type".into(), json!(token_type));
    body.insert("expires_in".into(), json!(registered.token_lifetime));
    if grant.requested.as_deref() != Some(scope.as_str()) {
        body.insert("scope".into(), json!(scope));
    }
    let binding = if bound {
        " Under tls_client_auth it is bound to the client certificate: its cnf claim holds the certificate's x5t#S256 thumbprint, and an API accepts it only over a connection with that certificate (RFC 8705 §3). Binding does not need mutual-TLS client authentication (RFC 8705 §4); binding only then is this lab's policy."
    } else {
        ""
    };
    let what = if opaque {
        format!(
            "an opaque access token: a random handle that tells its holder nothing, since {} is registered for opaque tokens. The server keeps what it stands for (iss, sub, aud {}, client_id, scope {scope}, iat, exp) and tells it only to a protected resource that asks by introspection (RFC 7662 §2.2, lesson 05)",
            registered.id,
            audience.join(" and "),
        )
    } else {
        format!(
            "an access token: a JWT with typ at+jwt and iss, sub (the client itself), aud {}, client_id, scope {scope}, iat, exp and jti (RFC 9068 §2), signed with key {}",
            audience.join(" and "),
            key.kid,
        )
    };
    let explanation = format!(
        "200: {} proved who it is with {} ({}), asked for the client credentials grant (RFC 6749 §4.4.2) and got {what}. {}, expires_in {} s; there is no refresh token, since the client can simply ask again (RFC 6749 §4.4.3); Cache-Control: no-store keeps it out of caches (§5.1).{binding} {}",
        registered.id,
        client.method.name(),
        method_section(client.method),
        token_type_note(proof),
        registered.token_lifetime,
        grant.note
    );
    let mut reply = Reply::new(
        no_store(Response::json(200, &Value::Object(body))),
        explanation.trim_end().to_owned(),
    );
    reply.outcome.auth_method = Some(client.method);
    reply.outcome.federated_issuer = client.federated.map(str::to_owned);
    reply.outcome.dpop = Some(proof.is_some());
    reply.outcome.issued = Some(IssuedToken {
        client_id: registered.id.to_owned(),
        scope,
        audience: audience.iter().map(|a| (*a).to_owned()).collect(),
        kid: if opaque {
            String::new()
        } else {
            key.kid.to_owned()
        },
        opaque,
        certificate_bound: bound,
        dpop_bound: proof.is_some(),
        expires_in: registered.token_lifetime,
    });
    reply
}

/// The token's `cnf` claim (RFC 7800): the certificate's thumbprint when
/// it is `bound` to it (RFC 8705 §3.1), the DPoP key's (RFC 9449 §6.1), or
/// both; `None` for an unbound token.
fn confirmation(state: &State, bound: bool, proof: Option<&Proof>) -> Option<Value> {
    let mut cnf = Map::new();
    if let (true, Some(certificate)) = (bound, state.certificate) {
        cnf.insert("x5t#S256".into(), json!(certificate.thumbprint()));
    }
    if let Some(proof) = proof {
        cnf.insert("jkt".into(), json!(proof.jkt));
    }
    (!cnf.is_empty()).then_some(Value::Object(cnf))
}

/// What the response's `token_type` says, in words.
fn token_type_note(proof: Option<&Proof>) -> String {
    match proof {
        Some(proof) => format!(
            "token_type is DPoP: the token is bound to the proof's key, its SHA-256 thumbprint (RFC 7638) in cnf jkt ({}); an API takes it only with a new proof by that key (RFC 9449 §5, §6.1)",
            proof.jkt
        ),
        None => "token_type is Bearer (RFC 6750)".to_owned(),
    }
}

fn method_section(method: AuthMethod) -> &'static str {
    match method {
        AuthMethod::ClientSecretBasic | AuthMethod::ClientSecretPost => "RFC 6749 §2.3.1",
        AuthMethod::ClientSecretJwt | AuthMethod::PrivateKeyJwt => "RFC 7523 §2.2, OIDC Core §9",
        AuthMethod::TlsClientAuth => "RFC 8705 §2.1",
    }
}
