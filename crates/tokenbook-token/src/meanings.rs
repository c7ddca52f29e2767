//! What each payload claim means, in words a beginner can follow, and what
//! it tells about this particular token (is the subject the client itself?
//! which scopes? which key binds it?).

use serde_json::{Map, Value};

use crate::meaning::{Meaning, RFC_7519, RFC_9068, TimeInfo};
use crate::payload::{
    GOOGLE_SERVICE_ACCOUNT_DOMAIN, KEYCLOAK_SERVICE_ACCOUNT_PREFIX, client_claim, plain,
    scope_list, string_claim,
};
use crate::time::duration_in_words;

const RFC_8693: &str = "RFC 8693";
const RFC_7800: &str = "RFC 7800";
const OIDC: &str = "OpenID Connect";
const AUTH0: &str = "Auth0";
const ENTRA: &str = "Microsoft Entra ID";
const OKTA: &str = "Okta";
const KEYCLOAK: &str = "Keycloak";
const NOT_STANDARD: &str = "not a standard claim";

/// The meaning of claim `name` with `value`, read together with the other
/// `claims` of the token.
pub(crate) fn payload_meaning(
    name: &str,
    value: &Value,
    claims: &Map<String, Value>,
    time: Option<&TimeInfo>,
) -> Meaning {
    let shown = plain(value);
    match name {
        "iss" => Meaning::new(
            format!(
                "Issuer: the authorization server that created and signed this token, here {shown}. An API accepts tokens only from the issuer it trusts, compared character for character, and gets that issuer's public keys from the issuer's own metadata, never from the token."
            ),
            RFC_7519,
        ),
        "sub" => subject(&shown, claims),
        "aud" => audience(value, &shown),
        "exp" => time_claim(
            "Expiration time: after this moment every API must reject the token; with client credentials the client simply asks for a new one.",
            time,
            RFC_7519,
        ),
        "nbf" => time_claim(
            "Not before: the token must not be accepted before this moment.",
            time,
            RFC_7519,
        ),
        "iat" => issued_at(time, claims),
        "jti" => Meaning::new(
            format!(
                "JWT ID: a unique id for this token, here {shown}. It lets an API notice a token being replayed, or revoke this one token."
            ),
            RFC_7519,
        ),
        "scope" => Meaning::new(
            format!(
                "Scope: the permissions granted, separated by spaces: {}. An API checks that the scope its operation needs is in this list (the claim comes from RFC 8693; RFC 9068 puts it in access tokens).",
                scope_summary(value)
            ),
            RFC_9068,
        ),
        "scp" => scp(value, claims),
        "client_id" => client_id(&shown, claims),
        "azp" => Meaning::new(
            format!(
                "Authorized party: the client this token was issued to, here {shown}. OpenID Connect defines it for ID tokens; Microsoft Entra ID v2 and Keycloak put the client's id here in access tokens too.{}",
                subject_relation("azp", &shown, claims)
            ),
            OIDC,
        ),
        "roles" => Meaning::new(
            format!(
                "Roles granted to the subject: {shown}. In Microsoft Entra ID app-only tokens (client credentials) these are the application permissions an admin granted to the client; in user tokens, the app roles of the user."
            ),
            RFC_9068,
        ),
        "groups" => Meaning::new(
            format!("Groups the subject belongs to: {shown}. An API may grant access by group."),
            RFC_9068,
        ),
        "entitlements" => Meaning::new(
            format!(
                "Entitlements of the subject: {shown}: rights granted to it, defined by the issuer."
            ),
            RFC_9068,
        ),
        "email" => email(&shown),
        "email_verified" => Meaning::new(
            format!(
                "Whether the issuer checked that the user really controls the email address, here {shown}. Trust an email for anything only when this is true."
            ),
            OIDC,
        ),
        "name" => person_name("Full name", &shown),
        "given_name" => person_name("First (given) name", &shown),
        "family_name" => person_name("Last (family) name", &shown),
        "preferred_username" => preferred_username(&shown),
        "auth_time" => time_claim(
            "Authentication time: when the user last actively signed in. Only a token issued for a person who signed in has it.",
            time,
            OIDC,
        ),
        "acr" => Meaning::new(
            format!(
                "Authentication context class: how strongly the user was authenticated (for example with a second factor), here {shown}. The values are defined by the issuer; Keycloak also sets it in service-account tokens."
            ),
            OIDC,
        ),
        "amr" => Meaning::new(
            format!(
                "Authentication methods: how the user proved who they are, here {shown} (for example pwd for a password, mfa for multi-factor, otp for a one-time code; RFC 8176 lists the values). Only a person signs in this way."
            ),
            OIDC,
        ),
        "nonce" => Meaning::new(
            format!(
                "Nonce: a random value ({shown}) the client sent when the user signed in and checks again in the ID token, so that an old sign-in response cannot be replayed. It belongs to a user sign-in."
            ),
            OIDC,
        ),
        "sid" => Meaning::new(
            format!(
                "Session id: the user's sign-in session at the authorization server, here {shown}, used to sign the user out of every app at once. Only a person's sign-in has a session."
            ),
            OIDC,
        ),
        "at_hash" => Meaning::new(
            "Access token hash: ties an ID token to the access token issued with it. It belongs in ID tokens, which are for the client, not for APIs.",
            OIDC,
        ),
        "act" => Meaning::new(
            format!(
                "Actor: the party acting on behalf of the subject, here {shown}. The subject is who the token is about; act says who is actually calling, for example a service that exchanged a user's token for this one (token exchange, delegation)."
            ),
            RFC_8693,
        ),
        "may_act" => Meaning::new(
            format!(
                "May act: who is allowed to act on behalf of the subject, here {shown}: the party that may exchange this token for one in which it is the actor (token exchange)."
            ),
            RFC_8693,
        ),
        "cnf" => confirmation(value, &shown),
        _ => provider_meaning(name, &shown, claims),
    }
}

/// The claims of providers (Entra, Okta, Keycloak, Auth0) and any other:
/// what [`payload_meaning`] does not know from a standard.
fn provider_meaning(name: &str, shown: &str, claims: &Map<String, Value>) -> Meaning {
    match name {
        "gty" => grant_type(shown),
        "idtyp" => identity_type(shown),
        "appid" => Meaning::new(
            format!(
                "Application id (Microsoft Entra ID v1 tokens): the client that requested this token, here {shown}. Version 2.0 tokens call it azp."
            ),
            ENTRA,
        ),
        "cid" => Meaning::new(
            format!(
                "Client id (Okta): the client that requested this token, here {shown}.{}",
                subject_relation("cid", shown, claims)
            ),
            OKTA,
        ),
        "uid" => Meaning::new(
            format!(
                "User id (Okta): the Okta id of the user this token was issued for, here {shown}. Only user tokens have it."
            ),
            OKTA,
        ),
        "tid" => Meaning::new(
            format!(
                "Tenant id (Microsoft Entra ID): the directory, the organisation, that issued this token, here {shown}."
            ),
            ENTRA,
        ),
        "oid" => Meaning::new(
            format!(
                "Object id (Microsoft Entra ID): the unchanging id of the principal in the tenant, here {shown}: a user in a user token, the client's service principal in an app-only token. Identify principals by oid and tid, not by name or email."
            ),
            ENTRA,
        ),
        "ver" => Meaning::new(
            format!(
                "Token format version, here {shown}. Microsoft Entra ID issues version 1.0 and 2.0 tokens, whose claims differ (appid in 1.0, azp in 2.0)."
            ),
            ENTRA,
        ),
        "azpacr" | "appidacr" => Meaning::new(
            format!(
                "How the client proved its identity to Microsoft Entra ID, here {shown}: 0 is a public client with no secret, 1 a client secret, 2 a certificate or other key."
            ),
            ENTRA,
        ),
        "aio" | "rh" | "uti" | "xms_tcdt" => Meaning::new(
            "An internal claim Microsoft Entra ID uses for its own bookkeeping: an API should ignore it.",
            ENTRA,
        ),
        "clientId" | "clientHost" | "clientAddress" => Meaning::new(
            format!(
                "Keycloak adds {name} (here {shown}) only to service-account tokens, which a client gets with client credentials: the client's id, host or address."
            ),
            KEYCLOAK,
        ),
        "typ" => Meaning::new(
            format!(
                "Keycloak's token type, here {shown}: Bearer for an access token, ID for an ID token. (The token type that RFC 9068 defines is typ in the header.)"
            ),
            KEYCLOAK,
        ),
        "realm_access" | "resource_access" => Meaning::new(
            format!(
                "Keycloak's roles of the subject, {}: {shown}.",
                if name == "realm_access" {
                    "for the whole realm"
                } else {
                    "per client"
                }
            ),
            KEYCLOAK,
        ),
        "session_state" => Meaning::new(
            "Keycloak's id of the user's sign-in session: only a person's sign-in has one.",
            KEYCLOAK,
        ),
        "permissions" => Meaning::new(
            format!(
                "Permissions granted through Auth0's role-based access control, here {shown}. An API can check these like scopes."
            ),
            AUTH0,
        ),
        "org_id" => Meaning::new(
            format!("Auth0 organization the token was issued for, here {shown}."),
            AUTH0,
        ),
        other if other.starts_with("https://") || other.starts_with("http://") => Meaning::new(
            "A custom claim named with a URL so that it cannot clash with standard claims (Auth0 requires this for custom claims). Its meaning is defined by whoever added it.",
            NOT_STANDARD,
        ),
        _ => Meaning::new(
            "A claim that is not part of any standard the playground knows: its meaning is defined by the issuer or the application. An API should ignore claims it does not understand.",
            NOT_STANDARD,
        ),
    }
}

fn subject(shown: &str, claims: &Map<String, Value>) -> Meaning {
    const WHAT: &str = "Subject: who or what this token is about.";
    if let Some((claim, _)) = crate::payload::client_claim_equal_to_subject(claims) {
        return Meaning::new(
            format!(
                "{WHAT} It equals `{claim}` ({shown}): the subject is the client itself, so no user is involved, which is what the client credentials grant produces."
            ),
            RFC_7519,
        );
    }
    if let Some(client) = auth0_client_subject(shown, claims) {
        return Meaning::new(
            format!(
                "{WHAT} {shown} is how Auth0 names the client {client} in its client-credentials tokens (client id followed by @clients): the subject is the client itself."
            ),
            RFC_7519,
        );
    }
    if let Some((claim, client)) = client_claim(claims) {
        return Meaning::new(
            format!(
                "{WHAT} Here {shown}, which differs from the client (`{claim}` {client}): the subject is someone else, usually the user who signed in, and the client acts on their behalf."
            ),
            RFC_7519,
        );
    }
    Meaning::new(
        format!(
            "{WHAT} Here {shown}: a user's id in a user token, usually the client's own id in a client credentials token. It is unique only within its issuer."
        ),
        RFC_7519,
    )
}

/// Auth0 client-credentials tokens have `sub` = `<client id>@clients`.
pub(crate) fn auth0_client_subject<'a>(
    subject: &'a str,
    claims: &Map<String, Value>,
) -> Option<&'a str> {
    let client = subject.strip_suffix("@clients")?;
    let named_elsewhere = ["azp", "client_id"]
        .iter()
        .any(|name| string_claim(claims, name) == Some(client));
    named_elsewhere.then_some(client)
}

fn audience(value: &Value, shown: &str) -> Meaning {
    let text = if value.is_array() {
        format!(
            "Audience: the APIs this token is meant for: {shown}. An API accepts it only if its own identifier is in this list, so that a token meant for one API cannot be replayed at another."
        )
    } else {
        format!(
            "Audience: the API this token is meant for, here {shown}. An API must reject a token whose audience does not name it, so that a token meant for one API cannot be replayed at another."
        )
    };
    Meaning::new(text, RFC_7519)
}

fn time_claim(what: &str, time: Option<&TimeInfo>, source: &'static str) -> Meaning {
    let text = match time {
        Some(time) => format!("{what} This token: {} ({}).", time.summary, time.iso),
        None => format!(
            "{what} But this value is not a number: it must be seconds since 1970-01-01 UTC (a NumericDate), so an API cannot read it and must reject the token."
        ),
    };
    Meaning::new(text, source)
}

fn issued_at(time: Option<&TimeInfo>, claims: &Map<String, Value>) -> Meaning {
    let mut meaning = time_claim(
        "Issued at: when the authorization server created this token.",
        time,
        RFC_7519,
    );
    let expiry = claims.get("exp").and_then(crate::payload::numeric_date);
    if let (Some(time), Some(expiry)) = (time, expiry)
        && expiry > time.unix
    {
        let lifetime =
            u64::try_from(i128::from(expiry) - i128::from(time.unix)).unwrap_or(u64::MAX);
        meaning.text.push_str(&format!(
            " It lives {} in all (exp minus iat); short lifetimes limit the damage a stolen token can do.",
            duration_in_words(lifetime)
        ));
    }
    meaning
}

fn scope_summary(value: &Value) -> String {
    let scopes = scope_list(value);
    match scopes.len() {
        0 => "none".to_owned(),
        1 => format!("{} (1 scope)", scopes[0]),
        count => format!("{} ({count} scopes)", scopes.join(", ")),
    }
}

fn scp(value: &Value, claims: &Map<String, Value>) -> Meaning {
    if claims.contains_key("cid") {
        return Meaning::new(
            format!(
                "Scopes (Okta): the scopes granted to this token: {}. Okta uses scp in every access token, for apps and users alike, so here it does not tell whether a user signed in.",
                scope_summary(value)
            ),
            OKTA,
        );
    }
    Meaning::new(
        format!(
            "Scopes (Microsoft Entra ID): the delegated permissions a signed-in user let the app use on their behalf: {}. Only user tokens have scp; app-only tokens from client credentials carry roles instead.",
            scope_summary(value)
        ),
        ENTRA,
    )
}

fn client_id(shown: &str, claims: &Map<String, Value>) -> Meaning {
    Meaning::new(
        format!(
            "Client ID: the OAuth client, the application, that requested this token: {shown}.{}",
            subject_relation("client_id", shown, claims)
        ),
        RFC_9068,
    )
}

/// " It equals `sub` …" or " The subject … differs …" for a claim naming
/// the client.
fn subject_relation(claim: &str, client: &str, claims: &Map<String, Value>) -> String {
    match string_claim(claims, "sub") {
        Some(subject) if subject == client => {
            " It equals `sub`: the client asked for a token about itself, as in the client credentials grant.".to_owned()
        }
        Some(subject) if auth0_client_subject(subject, claims) == Some(client) => {
            " The subject names this same client (Auth0 style, with @clients): the token is about the client itself.".to_owned()
        }
        Some(subject) => format!(
            " The subject ({subject}) is someone other than this client, usually a user: the client acts on their behalf, and `{claim}` only says which app is calling."
        ),
        None => String::new(),
    }
}

fn grant_type(shown: &str) -> Meaning {
    let detail = match shown {
        "client-credentials" => {
            "Here client-credentials: the client authenticated with its own credentials and no user was involved, so this is an app token."
        }
        "password" => {
            "Here password: a user typed their password into the app itself (the resource owner password grant, which current OAuth security advice forbids)."
        }
        "authorization_code" => "Here authorization_code: a user signed in through the browser.",
        "refresh_token" => "Here refresh_token: the token was renewed with a refresh token.",
        _ => "",
    };
    let text = if detail.is_empty() {
        format!("Grant type (Auth0): how the token was obtained, here {shown}.")
    } else {
        format!("Grant type (Auth0): how the token was obtained. {detail}")
    };
    Meaning::new(text, AUTH0)
}

fn identity_type(shown: &str) -> Meaning {
    let detail = match shown {
        "app" => "Here app: an app-only token from client credentials, with no user.",
        "user" => "Here user: the token was issued for a signed-in user.",
        _ => "",
    };
    Meaning::new(
        format!(
            "Identity type (Microsoft Entra ID optional claim): app for an app-only token, user for a token on behalf of a user. {}",
            if detail.is_empty() {
                format!("Here {shown}.")
            } else {
                detail.to_owned()
            }
        ),
        ENTRA,
    )
}

fn email(shown: &str) -> Meaning {
    let text = if shown.ends_with(GOOGLE_SERVICE_ACCOUNT_DOMAIN) {
        format!(
            "Email address, here {shown}: an address in gserviceaccount.com belongs to a Google service account, a machine identity, not a person."
        )
    } else {
        format!(
            "Email address of the user, here {shown}. Its presence says a person is involved: app tokens from client credentials carry no email. Do not use it as a stable id: it can change."
        )
    };
    Meaning::new(text, OIDC)
}

fn person_name(what: &str, shown: &str) -> Meaning {
    Meaning::new(
        format!(
            "{what} of the user, for display: {shown}. A user claim: an app token from client credentials has none."
        ),
        OIDC,
    )
}

fn preferred_username(shown: &str) -> Meaning {
    if let Some(client) = shown.strip_prefix(KEYCLOAK_SERVICE_ACCOUNT_PREFIX) {
        return Meaning::new(
            format!(
                "Preferred username, here {shown}. Keycloak names the hidden user behind a client's service account service-account-<client id>, so this token belongs to the client {client} itself, not to a person."
            ),
            OIDC,
        );
    }
    Meaning::new(
        format!(
            "The username the user prefers to be shown, here {shown}. A user claim; it is neither unique nor stable, so never use it to identify anyone."
        ),
        OIDC,
    )
}

fn confirmation(value: &Value, shown: &str) -> Meaning {
    const WHAT: &str = "Confirmation: binds this token to a key the client holds, which makes it sender-constrained: a stolen copy is useless without that key.";
    let detail = if value.get("jkt").is_some() {
        "Here jkt: the thumbprint of the client's DPoP key (RFC 9449); every request must carry a fresh DPoP proof signed with that key.".to_owned()
    } else if value.get("x5t#S256").is_some() {
        "Here x5t#S256: the thumbprint of the client's certificate (mutual TLS, RFC 8705); the token works only over a TLS connection presenting that certificate.".to_owned()
    } else {
        format!("Here {shown}.")
    };
    Meaning::new(format!("{WHAT} {detail}"), RFC_7800)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::payload::USER_CLAIMS;

    #[test]
    fn user_claims_are_explained_as_user_claims() {
        for name in USER_CLAIMS {
            let meaning = payload_meaning(name, &Value::from("x"), &Map::new(), None);
            assert_eq!(meaning.source, OIDC, "{name}");
        }
    }

    #[test]
    fn auth0_subject_names_the_client() {
        let claims = serde_json::json!({"azp": "abc123"});
        let claims = claims.as_object().cloned().unwrap_or_default();
        assert_eq!(
            auth0_client_subject("abc123@clients", &claims),
            Some("abc123")
        );
        assert_eq!(auth0_client_subject("other@clients", &claims), None);
        assert_eq!(auth0_client_subject("abc123", &claims), None);
        let meaning = payload_meaning("sub", &Value::from("abc123@clients"), &claims, None);
        assert!(
            meaning.text.contains("the subject is the client itself"),
            "{}",
            meaning.text
        );
    }

    #[test]
    fn grant_types_and_identity_types() {
        let cases = [
            ("gty", "password", "password grant"),
            ("gty", "something", "here something"),
            ("idtyp", "user", "signed-in user"),
            ("idtyp", "device", "Here device."),
        ];
        for (name, value, phrase) in cases {
            let meaning = payload_meaning(name, &Value::from(value), &Map::new(), None);
            assert!(
                meaning.text.contains(phrase),
                "{name}={value}: {}",
                meaning.text
            );
        }
    }

    #[test]
    fn google_service_account_email_is_a_machine() {
        let meaning = payload_meaning(
            "email",
            &Value::from("billing@project.iam.gserviceaccount.com"),
            &Map::new(),
            None,
        );
        assert!(meaning.text.contains("not a person"), "{}", meaning.text);
    }

    #[test]
    fn lifetime_from_iat_and_exp() {
        let claims = serde_json::json!({"iat": 0, "exp": 3600});
        let claims = claims.as_object().cloned().unwrap_or_default();
        let time = TimeInfo {
            unix: 0,
            iso: "1970-01-01T00:00:00Z".into(),
            relative: "just now".into(),
            summary: "issued just now".into(),
        };
        let meaning = payload_meaning("iat", &Value::from(0), &claims, Some(&time));
        assert!(
            meaning.text.contains("It lives 1 hour in all"),
            "{}",
            meaning.text
        );
    }
}
