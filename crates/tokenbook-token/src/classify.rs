//! Is this an app token or a user token? The course's key idea: a token
//! from the client credentials grant has the client itself as its subject
//! and carries no claim about a person. [`classify`] weighs the evidence of
//! both kinds, provider by provider (Auth0, Microsoft Entra ID, Okta,
//! Keycloak, Google), and answers "unclear" when it conflicts or is missing.

use serde_json::{Map, Value};

use crate::decode::Decoded;
use crate::meanings::auth0_client_subject;
use crate::payload::{
    GOOGLE_SERVICE_ACCOUNT_DOMAIN, KEYCLOAK_SERVICE_ACCOUNT_PREFIX, USER_CLAIMS, claims_of,
    client_claim, client_claim_equal_to_subject, granted_scopes, plain, string_claim,
};

/// The kind of token, as far as its claims tell.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum Verdict {
    /// Issued to a client for itself (client credentials): no user.
    #[serde(rename = "app")]
    AppToken,
    /// Issued to a client acting on behalf of a signed-in user.
    #[serde(rename = "user")]
    UserToken,
    /// Conflicting or missing evidence.
    #[serde(rename = "unclear")]
    Unclear,
}

/// A verdict with the evidence behind it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Classification {
    /// App, user or unclear.
    pub verdict: Verdict,
    /// One sentence saying what the verdict means for this token.
    pub summary: String,
    /// Every reason, as full sentences naming claims and values: the app
    /// evidence, then the user evidence, then notes.
    pub reasons: Vec<String>,
    /// The reasons that point to an app token.
    pub app_evidence: Vec<String>,
    /// The reasons that point to a user token.
    pub user_evidence: Vec<String>,
}

/// Tells an app token (client credentials) from a user token by its claims.
pub fn classify(decoded: &Decoded) -> Classification {
    let claims = claims_of(&decoded.payload);
    let service_account = service_account_evidence(claims);
    let mut app_evidence = app_evidence(claims);
    app_evidence.extend(service_account.iter().cloned());
    let user_evidence = user_evidence(claims, !service_account.is_empty());
    let mut notes = Vec::new();
    if let Some(acr) = claims.get("acr")
        && !service_account.is_empty()
    {
        notes.push(format!(
            "`acr` ({}) is present, but Keycloak sets it in service-account tokens too, so it is not counted as a sign of a user.",
            plain(acr)
        ));
    }

    let verdict = match (app_evidence.is_empty(), user_evidence.is_empty()) {
        (false, true) => Verdict::AppToken,
        (true, false) => Verdict::UserToken,
        _ => Verdict::Unclear,
    };
    match verdict {
        Verdict::AppToken => notes.push(
            "No claim about a person (email, name, username, sign-in time or method, session) is present, as expected when no user signed in.".to_owned(),
        ),
        Verdict::Unclear if app_evidence.is_empty() => notes.push(no_evidence_reason(claims)),
        _ => {}
    }

    let reasons = app_evidence
        .iter()
        .chain(&user_evidence)
        .chain(&notes)
        .cloned()
        .collect();
    Classification {
        verdict,
        summary: summary(verdict, claims, app_evidence.is_empty()),
        reasons,
        app_evidence,
        user_evidence,
    }
}

fn app_evidence(claims: &Map<String, Value>) -> Vec<String> {
    let mut evidence = Vec::new();
    if string_claim(claims, "gty") == Some("client-credentials") {
        evidence.push(
            "`gty` is \"client-credentials\": Auth0 issued this token through the client credentials grant, to the client itself.".to_owned(),
        );
    }
    if string_claim(claims, "idtyp") == Some("app") {
        evidence.push(
            "`idtyp` is \"app\": Microsoft Entra ID marks this as an app-only token.".to_owned(),
        );
    }
    if let Some((claim, client)) = client_claim_equal_to_subject(claims) {
        evidence.push(format!(
            "`sub` equals `{claim}` ({client}): the subject is the client itself."
        ));
    } else if let Some(subject) = string_claim(claims, "sub")
        && let Some(client) = auth0_client_subject(subject, claims)
    {
        evidence.push(format!(
            "`sub` is {subject}, Auth0's name for the client {client}: the subject is the client itself."
        ));
    }
    if let Some(roles) = claims.get("roles")
        && !claims.contains_key("scp")
    {
        evidence.push(format!(
            "`roles` ({}) is present without `scp`: in Microsoft Entra ID that means application permissions granted to the client, not permissions a user delegated.",
            plain(roles)
        ));
    }
    evidence
}

/// Keycloak and Google service accounts: identities of a client that look
/// like user claims.
fn service_account_evidence(claims: &Map<String, Value>) -> Vec<String> {
    let mut evidence = Vec::new();
    if let Some(username) = string_claim(claims, "preferred_username")
        && let Some(client) = username.strip_prefix(KEYCLOAK_SERVICE_ACCOUNT_PREFIX)
    {
        evidence.push(format!(
            "`preferred_username` is {username}: Keycloak's name for the service account of the client {client}, so the token belongs to the client, not to a person."
        ));
    }
    for name in ["clientId", "clientHost", "clientAddress"] {
        if let Some(value) = claims.get(name) {
            evidence.push(format!(
                "`{name}` ({}) is present: Keycloak adds it only to service-account tokens, which come from the client credentials grant.",
                plain(value)
            ));
            break;
        }
    }
    if let Some(email) = string_claim(claims, "email")
        && email.ends_with(GOOGLE_SERVICE_ACCOUNT_DOMAIN)
    {
        evidence.push(format!(
            "`email` ({email}) is a Google service account address: a machine identity, not a person."
        ));
    }
    evidence
}

fn user_evidence(claims: &Map<String, Value>, service_account: bool) -> Vec<String> {
    let mut evidence = Vec::new();
    let person_claims: Vec<String> = USER_CLAIMS
        .iter()
        .filter_map(|name| Some((*name, claims.get(*name)?)))
        .filter(|(name, value)| is_person_claim(name, value, service_account))
        .map(|(name, value)| format!("`{name}` ({})", plain(value)))
        .collect();
    if !person_claims.is_empty() {
        evidence.push(format!(
            "{} {}: claims about a person and their sign-in, which an app token from client credentials never carries.",
            person_claims.join(", "),
            if person_claims.len() == 1 { "is present" } else { "are present" }
        ));
    }
    if let Some(uid) = string_claim(claims, "uid") {
        evidence.push(format!(
            "`uid` ({uid}) is present: Okta's id of the user the token was issued for."
        ));
    }
    if let Some(scp) = claims.get("scp")
        && !claims.contains_key("cid")
    {
        evidence.push(format!(
            "`scp` ({}) is present: in Microsoft Entra ID these are delegated permissions, which a signed-in user lets an app use.",
            plain(scp)
        ));
    }
    if string_claim(claims, "idtyp") == Some("user") {
        evidence.push(
            "`idtyp` is \"user\": Microsoft Entra ID marks this as a token issued for a user."
                .to_owned(),
        );
    }
    if string_claim(claims, "gty") == Some("password") {
        evidence.push(
            "`gty` is \"password\": Auth0 issued this token after a user typed their password into the app.".to_owned(),
        );
    }
    if granted_scopes(claims).iter().any(|scope| scope == "openid") {
        evidence.push(
            "The `openid` scope is granted: it is requested only when a user signs in with OpenID Connect.".to_owned(),
        );
    }
    if !evidence.is_empty()
        && let Some(subject) = string_claim(claims, "sub")
        && let Some((claim, client)) = client_claim(claims)
        && subject != client
        && auth0_client_subject(subject, claims).is_none()
    {
        evidence.push(format!(
            "`sub` ({subject}) differs from the client (`{claim}` {client}): the subject is someone else, a user."
        ));
    }
    evidence
}

/// A user claim that really describes a person (not a service account).
fn is_person_claim(name: &str, value: &Value, service_account: bool) -> bool {
    match name {
        "preferred_username" => value
            .as_str()
            .is_none_or(|username| !username.starts_with(KEYCLOAK_SERVICE_ACCOUNT_PREFIX)),
        "email" => value
            .as_str()
            .is_none_or(|email| !email.ends_with(GOOGLE_SERVICE_ACCOUNT_DOMAIN)),
        "acr" => !service_account,
        _ => true,
    }
}

fn no_evidence_reason(claims: &Map<String, Value>) -> String {
    let subject = match (string_claim(claims, "sub"), client_claim(claims)) {
        (Some(subject), Some((claim, client))) => {
            format!("`sub` ({subject}) is not the client's id (`{claim}` {client})")
        }
        (Some(subject), None) => {
            format!("no claim names the client, so `sub` ({subject}) cannot be compared with it")
        }
        (None, _) => "the token has no `sub`".to_owned(),
    };
    format!(
        "No user claims are present, but that alone proves little: {subject}, and no claim names the grant type or a user."
    )
}

fn summary(verdict: Verdict, claims: &Map<String, Value>, no_app_evidence: bool) -> String {
    let client = client_claim(claims)
        .map(|(_, client)| format!(" ({client})"))
        .unwrap_or_default();
    match verdict {
        Verdict::AppToken => format!(
            "App token: the client{client} got it for itself with the client credentials grant; no user is involved."
        ),
        Verdict::UserToken => format!(
            "User token: the client{client} acts on behalf of a user who signed in."
        ),
        Verdict::Unclear if no_app_evidence => {
            "Unclear: nothing in this token says whether a user was involved; the issuer's documentation, or token introspection, can tell.".to_owned()
        }
        Verdict::Unclear => {
            "Unclear: this token shows signs of both an app token and a user token.".to_owned()
        }
    }
}

#[cfg(test)]
mod tests {
    use base64::Engine as _;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use serde_json::json;

    use super::*;
    use crate::decode::decode;

    fn classified(payload: Value) -> Classification {
        let header = URL_SAFE_NO_PAD.encode(r#"{"alg":"RS256","typ":"at+jwt"}"#);
        let payload = URL_SAFE_NO_PAD.encode(payload.to_string());
        classify(&decode(&format!("{header}.{payload}.c2ln")).expect("decodes"))
    }

    fn assert_reason(classification: &Classification, phrase: &str) {
        assert!(
            classification
                .reasons
                .iter()
                .any(|reason| reason.contains(phrase)),
            "no reason containing {phrase:?} in {:#?}",
            classification.reasons
        );
    }

    /// Payloads shaped like each provider's tokens, with fake values.
    fn provider_payloads() -> Vec<(&'static str, Value, Verdict, &'static str)> {
        vec![
            (
                "Auth0 client credentials",
                json!({"iss": "https://example.eu.auth0.com/", "sub": "Xb3kQ9@clients",
                       "aud": "https://ledger-api.example.com/", "iat": 1, "exp": 2,
                       "scope": "ledger:read", "gty": "client-credentials", "azp": "Xb3kQ9"}),
                Verdict::AppToken,
                "`gty` is \"client-credentials\"",
            ),
            (
                "Auth0 user access token",
                json!({"iss": "https://example.eu.auth0.com/", "sub": "auth0|64f0c1",
                       "aud": ["https://ledger-api.example.com/", "https://example.eu.auth0.com/userinfo"],
                       "iat": 1, "exp": 2, "scope": "openid profile ledger:read", "azp": "Xb3kQ9"}),
                Verdict::UserToken,
                "The `openid` scope is granted",
            ),
            (
                "Entra ID v2 app-only token",
                json!({"aud": "api://ledger", "iss": "https://login.microsoftonline.com/0000-tenant/v2.0",
                       "iat": 1, "nbf": 1, "exp": 2, "aio": "x", "azp": "1111-app", "azpacr": "1",
                       "idtyp": "app", "oid": "2222-sp", "rh": "x", "roles": ["Ledger.Read.All"],
                       "sub": "2222-sp", "tid": "0000-tenant", "uti": "x", "ver": "2.0"}),
                Verdict::AppToken,
                "`roles` (Ledger.Read.All) is present without `scp`",
            ),
            (
                "Entra ID v2 user token",
                json!({"aud": "api://ledger", "iss": "https://login.microsoftonline.com/0000-tenant/v2.0",
                       "iat": 1, "nbf": 1, "exp": 2, "azp": "1111-app", "azpacr": "0",
                       "name": "Ada Example", "oid": "3333-user", "preferred_username": "ada@example.com",
                       "scp": "Ledger.Read", "sub": "aBcD-pairwise", "tid": "0000-tenant", "ver": "2.0"}),
                Verdict::UserToken,
                "`scp` (Ledger.Read) is present",
            ),
            (
                "Okta client credentials",
                json!({"ver": 1, "jti": "AT.x", "iss": "https://example.okta.com/oauth2/default",
                       "aud": "api://default", "iat": 1, "exp": 2, "cid": "0oa1billing",
                       "scp": ["ledger:read"], "sub": "0oa1billing"}),
                Verdict::AppToken,
                "`sub` equals `cid` (0oa1billing): the subject is the client itself.",
            ),
            (
                "Okta user token",
                json!({"ver": 1, "jti": "AT.y", "iss": "https://example.okta.com/oauth2/default",
                       "aud": "api://default", "iat": 1, "exp": 2, "cid": "0oa1dashboard",
                       "uid": "00u1ada", "scp": ["openid", "ledger:read"], "auth_time": 1,
                       "sub": "ada@example.com"}),
                Verdict::UserToken,
                "`uid` (00u1ada) is present",
            ),
            (
                "Keycloak service account",
                json!({"exp": 2, "iat": 1, "jti": "x", "iss": "https://kc.example.com/realms/course",
                       "aud": "account", "sub": "5f1e-uuid", "typ": "Bearer", "azp": "billing-service",
                       "acr": "1", "scope": "profile email", "clientHost": "10.0.0.1",
                       "email_verified": false, "preferred_username": "service-account-billing-service",
                       "clientAddress": "10.0.0.1", "clientId": "billing-service"}),
                Verdict::AppToken,
                "`preferred_username` is service-account-billing-service",
            ),
            (
                "Keycloak user",
                json!({"exp": 2, "iat": 1, "jti": "y", "iss": "https://kc.example.com/realms/course",
                       "sub": "9a7c-uuid", "typ": "Bearer", "azp": "expense-dashboard", "sid": "s1",
                       "acr": "1", "scope": "openid profile email", "email_verified": true,
                       "name": "Ada Example", "preferred_username": "ada", "email": "ada@example.com"}),
                Verdict::UserToken,
                "`sub` (9a7c-uuid) differs from the client (`azp` expense-dashboard)",
            ),
            (
                "Google user ID token (sub is not the client)",
                json!({"iss": "https://accounts.google.com", "azp": "123-web.apps.googleusercontent.com",
                       "aud": "123-web.apps.googleusercontent.com", "sub": "110169484474386276334",
                       "email": "ada@example.com", "email_verified": true, "name": "Ada Example",
                       "iat": 1, "exp": 2}),
                Verdict::UserToken,
                "`email` (ada@example.com), `name` (Ada Example) are present",
            ),
            (
                "Google service account identity token",
                json!({"iss": "https://accounts.google.com", "aud": "https://ledger-api.example.com/",
                       "azp": "104857363", "sub": "104857363",
                       "email": "billing@course-project.iam.gserviceaccount.com",
                       "email_verified": true, "iat": 1, "exp": 2}),
                Verdict::AppToken,
                "is a Google service account address",
            ),
        ]
    }

    #[test]
    fn provider_shaped_payloads() {
        for (provider, payload, verdict, phrase) in provider_payloads() {
            let classification = classified(payload);
            assert_eq!(
                classification.verdict, verdict,
                "{provider}: {classification:#?}"
            );
            assert_reason(&classification, phrase);
        }
    }

    #[test]
    fn the_course_app_token() {
        let classification = classified(json!({
            "iss": "https://auth.example.com/", "sub": "billing-service",
            "aud": "https://ledger-api.example.com/", "client_id": "billing-service",
            "scope": "ledger:read ledger:write", "iat": 1, "exp": 2, "jti": "x"
        }));
        assert_eq!(classification.verdict, Verdict::AppToken);
        assert_eq!(
            classification.reasons[0],
            "`sub` equals `client_id` (billing-service): the subject is the client itself."
        );
        assert_eq!(
            classification.summary,
            "App token: the client (billing-service) got it for itself with the client credentials grant; no user is involved."
        );
        assert_reason(&classification, "No claim about a person");
        assert!(classification.user_evidence.is_empty());
    }

    #[test]
    fn conflicting_evidence_is_unclear_with_both_sides() {
        let classification = classified(json!({
            "sub": "billing-service", "client_id": "billing-service",
            "gty": "client-credentials", "email": "ada@example.com"
        }));
        assert_eq!(classification.verdict, Verdict::Unclear);
        assert_eq!(
            classification.summary,
            "Unclear: this token shows signs of both an app token and a user token."
        );
        assert_eq!(classification.app_evidence.len(), 2, "{classification:#?}");
        assert_eq!(classification.user_evidence.len(), 1, "{classification:#?}");
        assert_reason(&classification, "`gty` is \"client-credentials\"");
        assert_reason(&classification, "`email` (ada@example.com) is present");
        assert_eq!(classification.reasons.len(), 3);
    }

    #[test]
    fn no_evidence_at_all_is_unclear() {
        let classification = classified(json!({"iss": "x", "sub": "abc", "aud": "y", "exp": 2}));
        assert_eq!(classification.verdict, Verdict::Unclear);
        assert!(
            classification
                .summary
                .contains("nothing in this token says")
        );
        assert_reason(
            &classification,
            "no claim names the client, so `sub` (abc) cannot be compared",
        );
    }

    #[test]
    fn keycloak_acr_is_noted_not_counted() {
        let (_, payload, _, _) = provider_payloads().swap_remove(6);
        let classification = classified(payload);
        assert_reason(
            &classification,
            "`acr` (1) is present, but Keycloak sets it",
        );
        assert!(
            classification.user_evidence.is_empty(),
            "{classification:#?}"
        );
    }

    #[test]
    fn verdicts_serialize_as_short_words() {
        let words: Vec<String> = [Verdict::AppToken, Verdict::UserToken, Verdict::Unclear]
            .iter()
            .map(|verdict| serde_json::to_string(verdict).unwrap_or_default())
            .collect();
        assert_eq!(words, ["\"app\"", "\"user\"", "\"unclear\""]);
    }
}
