//! The course's world, defined once: its authorization server, its two
//! APIs, its clients with their FAKE secrets and scopes, its signing keys
//! and its lifetimes. The playground's samples, its simulated flow and
//! leak, and every lesson quote these values; a test in `xtask` fails when
//! a lesson quotes one that disagrees.
//!
//! Every secret here is FAKE, published on purpose. The hosts are under
//! `example.com`, reserved for examples (RFC 2606): nothing here can reach
//! a real server.

/// The authorization server's issuer identifier: `iss` of every token it
/// issues, compared exactly (no trailing slash).
pub const ISSUER: &str = "https://auth.example.com";
/// Its token endpoint (RFC 6749 §3.2).
pub const TOKEN_ENDPOINT: &str = "https://auth.example.com/oauth2/token";
/// Its key set (RFC 8414 `jwks_uri`).
pub const JWKS_URI: &str = "https://auth.example.com/oauth2/jwks";
/// Its introspection endpoint (RFC 7662).
pub const INTROSPECTION_ENDPOINT: &str = "https://auth.example.com/oauth2/introspect";
/// Its revocation endpoint (RFC 7009).
pub const REVOCATION_ENDPOINT: &str = "https://auth.example.com/oauth2/revoke";
/// Its metadata (RFC 8414 §3).
pub const METADATA_URL: &str = "https://auth.example.com/.well-known/oauth-authorization-server";

/// An API of the course: the resource server a token is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Api {
    /// Its name in the lessons.
    pub name: &'static str,
    /// Its identifier: the `aud` of tokens for it (RFC 8707 `resource`).
    pub identifier: &'static str,
}

/// The ledger API, which `billing-service` writes to.
pub const LEDGER_API: Api = Api {
    name: "ledger-api",
    identifier: "https://ledger.example.com",
};

/// The reports API, which `report-job` writes to.
pub const REPORTS_API: Api = Api {
    name: "reports-api",
    identifier: "https://reports.example.com",
};

/// A client of the authorization server that uses the client credentials
/// grant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Client {
    /// Its `client_id`.
    pub id: &'static str,
    /// Its FAKE client secret.
    pub secret: &'static str,
    /// The scopes it may be granted.
    pub scopes: &'static [&'static str],
    /// What it gets when it asks for no scope (RFC 6749 §3.3).
    pub default_scope: &'static str,
    /// How long its access tokens live, in seconds (`expires_in`).
    pub token_lifetime: i64,
}

/// The nightly billing job: the course's main example.
pub const BILLING_SERVICE: Client = Client {
    id: "billing-service",
    secret: "FAKE-secret-for-the-course-only",
    scopes: &["ledger:read", "ledger:write"],
    default_scope: "ledger:read",
    token_lifetime: 600,
};

/// The nightly report job, whose secret has reserved characters on
/// purpose (RFC 6749 §2.3.1: form-encoded before Base64).
pub const REPORT_JOB: Client = Client {
    id: "report-job",
    secret: "FAKE+secret/with:odd=chars%",
    scopes: &["ledger:read", "reports:write"],
    default_scope: "ledger:read",
    token_lifetime: 900,
};

/// The audit export job of lesson 05: it is issued opaque tokens, which
/// the ledger API checks by introspection.
pub const AUDIT_EXPORT: Client = Client {
    id: "audit-export",
    secret: "FAKE-audit-export-secret-for-the-course-only",
    scopes: &["ledger:read"],
    default_scope: "ledger:read",
    token_lifetime: 300,
};

/// Every client of the course's authorization server.
pub const CLIENTS: [Client; 3] = [BILLING_SERVICE, REPORT_JOB, AUDIT_EXPORT];

/// `billing-service`'s secret after the incident lesson rotates it.
pub const BILLING_SERVICE_ROTATED_SECRET: &str = "FAKE-rotated-secret-for-the-course-only";

/// The key id of `billing-service`'s FAKE key for `private_key_jwt`.
pub const BILLING_SERVICE_ASSERTION_KEY_ID: &str = "billing-2026-03";

/// The key id of the authorization server's FAKE RS256 signing key.
pub const SIGNING_KEY_ID: &str = "auth-2026-01";
/// The key id of the next key, in the rotation lesson.
pub const NEXT_SIGNING_KEY_ID: &str = "auth-2026-07";

/// How far the API lets `exp` and `nbf` miss, for clock differences.
pub const LEEWAY_SECONDS: i64 = 60;

/// A scope nobody is granted: the tampered sample and the leak ask for it.
pub const UNGRANTED_SCOPE: &str = "ledger:admin";

/// The user token's counterexample: an app a person signs in to.
pub const USER_APP_CLIENT_ID: &str = "expense-dashboard";
/// That person's subject identifier.
pub const USER_SUBJECT: &str = "user-7d3f9a21";
/// That person's name.
pub const USER_NAME: &str = "Ada Example";
/// How long that person's access tokens live, in seconds: lesson "No User
/// Involved" shows one issued at 09:00:00 that expires at 09:10:00.
pub const USER_TOKEN_LIFETIME: i64 = 600;

/// The client with this id.
pub fn client(id: &str) -> Option<&'static Client> {
    CLIENTS.iter().find(|c| c.id == id)
}

/// When a client renews a cached token: `min(60 s, lifetime / 5)` before
/// it expires (lesson "Running in Production").
pub fn renewal_margin(lifetime: i64) -> i64 {
    (lifetime / 5).min(60)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_endpoint_is_on_the_issuer_and_every_host_is_reserved_for_examples() {
        for endpoint in [
            TOKEN_ENDPOINT,
            JWKS_URI,
            INTROSPECTION_ENDPOINT,
            REVOCATION_ENDPOINT,
            METADATA_URL,
        ] {
            assert!(endpoint.starts_with(&format!("{ISSUER}/")), "{endpoint}");
        }
        for url in [ISSUER, LEDGER_API.identifier, REPORTS_API.identifier] {
            assert!(
                url.starts_with("https://") && url.ends_with(".example.com"),
                "{url}"
            );
        }
    }

    #[test]
    fn clients_are_fake_and_their_defaults_are_among_their_scopes() {
        for client in CLIENTS {
            assert!(client.secret.starts_with("FAKE"), "{}", client.id);
            assert!(
                client.scopes.contains(&client.default_scope),
                "{}",
                client.id
            );
            assert!(!client.scopes.contains(&UNGRANTED_SCOPE), "{}", client.id);
        }
        assert_eq!(client("report-job"), Some(&REPORT_JOB));
        assert_eq!(client("nobody"), None);
    }

    #[test]
    fn renewal_margins_are_a_minute_or_a_fifth() {
        assert_eq!(renewal_margin(600), 60);
        assert_eq!(renewal_margin(900), 60);
        assert_eq!(renewal_margin(120), 24);
    }
}
