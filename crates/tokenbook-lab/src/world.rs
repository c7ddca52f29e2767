//! What the lab adds to the course's facts (`tokenbook_token::facts`): the
//! authorization server's two FAKE signing keys and when it rotates from
//! one to the other, how each client is registered (its authentication
//! methods, its assertion key, its certificate's subject, whether its
//! tokens are JWTs or opaque), the lab's own client `ledger-api`, and the
//! simulated FAKE client certificates the reader can present.
//!
//! Every key and certificate here is FAKE and published on purpose.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use tokenbook_token::facts::{
    AUDIT_EXPORT, BILLING_SERVICE, BILLING_SERVICE_ASSERTION_KEY_ID, Client, NEXT_SIGNING_KEY_ID,
    REPORT_JOB, SIGNING_KEY_ID,
};

use crate::tokens::tools;

/// An RSA key pair with its key id, as PEM text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct KeyPair {
    pub(crate) kid: &'static str,
    pub(crate) private_pem: &'static str,
    pub(crate) public_pem: &'static str,
}

impl KeyPair {
    /// The public key's JWK, with the key id (RFC 7517 §4).
    pub(crate) fn public_jwk(&self) -> Value {
        tools()
            .public_jwk(self.public_pem, self.kid)
            .unwrap_or(Value::Null)
    }
}

/// The authorization server's signing key of the course (the playground's).
fn first_key() -> KeyPair {
    let keys = tokenbook_token::course_keys();
    KeyPair {
        kid: SIGNING_KEY_ID,
        private_pem: keys.rsa_private_pem,
        public_pem: keys.rsa_public_pem,
    }
}

/// The key it rotates to (lesson 07, "Caching Keys and Rotation").
fn next_key() -> KeyPair {
    KeyPair {
        kid: NEXT_SIGNING_KEY_ID,
        private_pem: include_str!("../keys/FAKE-next-signing-key.pem"),
        public_pem: include_str!("../keys/FAKE-next-signing-key.pub.pem"),
    }
}

/// `billing-service`'s own key for `private_key_jwt`, and for its DPoP
/// proofs (RFC 9449, lesson 11): explicit `typ` values keep the two kinds
/// of JWT apart (RFC 8725 §3.11), and the module carries one key less.
pub(crate) fn billing_assertion_key() -> KeyPair {
    KeyPair {
        kid: BILLING_SERVICE_ASSERTION_KEY_ID,
        private_pem: include_str!("../keys/FAKE-billing-assertion-key.pem"),
        public_pem: include_str!("../keys/FAKE-billing-assertion-key.pub.pem"),
    }
}

/// The simulated Kubernetes cluster of lesson 10: the issuer of its
/// service account tokens (and, as there, the audience of its own API).
pub(crate) const CLUSTER_ISSUER: &str = "https://k8s.example.com";

/// How long the cluster's projected tokens live (`expirationSeconds: 600`
/// in lesson 10).
pub(crate) const CLUSTER_TOKEN_LIFETIME: i64 = 600;

/// The cluster's FAKE signing key; the authorization server knows its
/// public half, as it would from the issuer's discovery document.
pub(crate) fn cluster_key() -> KeyPair {
    KeyPair {
        kid: "k8s-2026-01",
        private_pem: include_str!("../keys/FAKE-k8s-cluster-key.pem"),
        public_pem: include_str!("../keys/FAKE-k8s-cluster-key.pub.pem"),
    }
}

/// A federation rule (lesson 10): a token from `issuer` whose `sub` is
/// exactly `subject` authenticates `client_id`. Its audience must be the
/// authorization server's issuer identifier, as for every assertion.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct FederationRule {
    pub(crate) client_id: &'static str,
    pub(crate) issuer: &'static str,
    pub(crate) subject: &'static str,
}

/// The rules `auth.example.com` has: billing-service's pod in the cluster.
pub(crate) const FEDERATION_RULES: &[FederationRule] = &[FederationRule {
    client_id: "billing-service",
    issuer: CLUSTER_ISSUER,
    subject: "system:serviceaccount:payments:billing-service",
}];

/// The rule for tokens from `issuer`, if one is configured.
pub(crate) fn federation_rule(issuer: &str) -> Option<&'static FederationRule> {
    FEDERATION_RULES.iter().find(|rule| rule.issuer == issuer)
}

const HOUR: i64 = 3600;

/// The rotation, in seconds since the lab started: phase 2 (the next key
/// published beside the first) at 2 h, phase 3 (signing with the next key)
/// at 3 h, phase 4 (the first key removed) at 4 h: each phase lasts longer
/// than an API caches the key set and than a token lives plus the leeway.
pub const ROTATION_PHASES: [i64; 3] = [2 * HOUR, 3 * HOUR, 4 * HOUR];

/// The rotation phase (1 to 4) at `elapsed` seconds since the lab started.
pub(crate) fn rotation_phase(elapsed: i64) -> u8 {
    1 + ROTATION_PHASES
        .iter()
        .filter(|&&start| elapsed >= start)
        .count() as u8
}

/// The key the authorization server signs with in `phase`.
pub(crate) fn signing_key(phase: u8) -> KeyPair {
    if phase >= 3 { next_key() } else { first_key() }
}

/// The keys it publishes in `phase`.
pub(crate) fn published_keys(phase: u8) -> Vec<KeyPair> {
    match phase {
        1 => vec![first_key()],
        2 | 3 => vec![first_key(), next_key()],
        _ => vec![next_key()],
    }
}

/// The JWKS (RFC 7517 §5) published in `phase`.
pub(crate) fn jwks(phase: u8) -> Value {
    let keys: Vec<Value> = published_keys(phase)
        .iter()
        .map(KeyPair::public_jwk)
        .collect();
    json!({ "keys": keys })
}

/// A simulated client certificate: what the TLS layer would hand the
/// server after a mutual TLS handshake. There is no real X.509 here: the
/// thumbprint is the SHA-256 of a FAKE stand-in for the DER bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Certificate {
    /// How the lab names it.
    pub name: &'static str,
    /// Its subject distinguished name.
    pub subject_dn: &'static str,
    /// Who issued it.
    pub issuer_dn: &'static str,
    /// Whether it chains to the CA the authorization server trusts.
    pub trusted: bool,
    /// The stand-in for its DER encoding.
    fake_der: &'static str,
}

impl Certificate {
    /// Its `x5t#S256` thumbprint (RFC 8705 §3.1): base64url of the SHA-256
    /// of its DER bytes.
    pub fn thumbprint(&self) -> String {
        URL_SAFE_NO_PAD.encode(Sha256::digest(self.fake_der.as_bytes()))
    }
}

const COMPANY_CA: &str = "CN=Example Corp Workload CA (FAKE),O=Example Corp";

/// The certificates the reader can present.
pub const CERTIFICATES: [Certificate; 5] = [
    Certificate {
        name: "billing-service",
        subject_dn: "CN=billing-service,O=Example Corp",
        issuer_dn: COMPANY_CA,
        trusted: true,
        fake_der: "FAKE certificate of the tokenbook course: billing-service, 2026",
    },
    Certificate {
        name: "billing-service-renewed",
        subject_dn: "CN=billing-service,O=Example Corp",
        issuer_dn: COMPANY_CA,
        trusted: true,
        fake_der: "FAKE certificate of the tokenbook course: billing-service, renewed with a new key",
    },
    Certificate {
        name: "report-job",
        subject_dn: "CN=report-job,O=Example Corp",
        issuer_dn: COMPANY_CA,
        trusted: true,
        fake_der: "FAKE certificate of the tokenbook course: report-job, 2026",
    },
    Certificate {
        name: "ledger-api",
        subject_dn: "CN=ledger-api,O=Example Corp",
        issuer_dn: COMPANY_CA,
        trusted: true,
        fake_der: "FAKE certificate of the tokenbook course: ledger-api, 2026",
    },
    Certificate {
        name: "self-signed",
        subject_dn: "CN=billing-service,O=Example Corp",
        issuer_dn: "CN=billing-service,O=Example Corp",
        trusted: false,
        fake_der: "FAKE certificate of the tokenbook course: self-signed, billing-service's name",
    },
];

/// The certificate named `name`.
pub(crate) fn certificate(name: &str) -> Option<&'static Certificate> {
    CERTIFICATES.iter().find(|c| c.name == name)
}

/// How a client authenticates at the token endpoint (RFC 8414
/// `token_endpoint_auth_methods_supported` values).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AuthMethod {
    /// id and secret in the Authorization header (RFC 6749 §2.3.1).
    ClientSecretBasic,
    /// id and secret in the form body (RFC 6749 §2.3.1).
    ClientSecretPost,
    /// A JWT signed with HMAC keyed by the secret (RFC 7523, OIDC Core §9).
    ClientSecretJwt,
    /// A JWT signed with the client's private key (RFC 7523, OIDC Core §9).
    PrivateKeyJwt,
    /// A client certificate in mutual TLS (RFC 8705 §2.1).
    TlsClientAuth,
}

impl AuthMethod {
    /// Every method, in the order the metadata lists them.
    pub const ALL: [AuthMethod; 5] = [
        AuthMethod::ClientSecretBasic,
        AuthMethod::ClientSecretPost,
        AuthMethod::ClientSecretJwt,
        AuthMethod::PrivateKeyJwt,
        AuthMethod::TlsClientAuth,
    ];

    /// Its registered name.
    pub fn name(self) -> &'static str {
        match self {
            AuthMethod::ClientSecretBasic => "client_secret_basic",
            AuthMethod::ClientSecretPost => "client_secret_post",
            AuthMethod::ClientSecretJwt => "client_secret_jwt",
            AuthMethod::PrivateKeyJwt => "private_key_jwt",
            AuthMethod::TlsClientAuth => "tls_client_auth",
        }
    }

    /// The method named `name`.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|method| method.name() == name)
    }
}

/// A client as the authorization server has it registered.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Registration {
    pub(crate) client: &'static Client,
    /// The methods it may authenticate with. A real server registers one
    /// (RFC 7591 `token_endpoint_auth_method`); the lab registers several
    /// so that each can be tried.
    pub(crate) methods: &'static [AuthMethod],
    /// The subject its certificate must have (RFC 8705 §2.1.2,
    /// `tls_client_auth_subject_dn`).
    pub(crate) subject_dn: &'static str,
    /// Its registered public key for `private_key_jwt`, if any.
    pub(crate) assertion_key: Option<fn() -> KeyPair>,
    /// What its access tokens are.
    pub(crate) tokens: TokenFormat,
}

/// What the authorization server issues a client as its access token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TokenFormat {
    /// An RFC 9068 JWT, which the API validates itself.
    Jwt,
    /// A random handle, meaningless to anyone but the authorization
    /// server: the API asks it by introspection (RFC 7662, lesson 05).
    Opaque,
}

/// The ledger API as a client of the authorization server: it introspects
/// tokens with mutual TLS (lesson 05) and is granted no scope, so it may
/// not ask for tokens.
pub(crate) const LEDGER_API_CLIENT: Client = Client {
    id: "ledger-api",
    secret: "",
    scopes: &[],
    default_scope: "",
    token_lifetime: 0,
};

/// The audience each client that may introspect serves: only a protected
/// resource, and only for tokens addressed to it (RFC 7662 §2.1, §2.2,
/// §4). Here: `ledger-api` for the ledger's tokens.
pub(crate) fn introspects_for(client_id: &str) -> Option<&'static str> {
    (client_id == LEDGER_API_CLIENT.id).then_some(tokenbook_token::facts::LEDGER_API.identifier)
}

const REGISTRATIONS: [Registration; 4] = [
    Registration {
        client: &BILLING_SERVICE,
        methods: &AuthMethod::ALL,
        subject_dn: "CN=billing-service,O=Example Corp",
        assertion_key: Some(billing_assertion_key),
        tokens: TokenFormat::Jwt,
    },
    Registration {
        client: &REPORT_JOB,
        methods: &[
            AuthMethod::ClientSecretBasic,
            AuthMethod::ClientSecretPost,
            AuthMethod::ClientSecretJwt,
            AuthMethod::TlsClientAuth,
        ],
        subject_dn: "CN=report-job,O=Example Corp",
        assertion_key: None,
        tokens: TokenFormat::Jwt,
    },
    Registration {
        client: &LEDGER_API_CLIENT,
        methods: &[AuthMethod::TlsClientAuth],
        subject_dn: "CN=ledger-api,O=Example Corp",
        assertion_key: None,
        tokens: TokenFormat::Jwt,
    },
    Registration {
        client: &AUDIT_EXPORT,
        methods: &[AuthMethod::ClientSecretBasic, AuthMethod::ClientSecretPost],
        subject_dn: "CN=audit-export,O=Example Corp",
        assertion_key: None,
        tokens: TokenFormat::Opaque,
    },
];

/// The registration of the client `id`.
pub(crate) fn registration(id: &str) -> Option<&'static Registration> {
    REGISTRATIONS.iter().find(|r| r.client.id == id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc7517_s5_the_key_set_follows_the_rotation_phases() {
        let kids = |elapsed: i64| -> Vec<String> {
            jwks(rotation_phase(elapsed))["keys"]
                .as_array()
                .unwrap()
                .iter()
                .map(|k| k["kid"].as_str().unwrap().to_owned())
                .collect()
        };
        assert_eq!(kids(0), [SIGNING_KEY_ID]);
        assert_eq!(kids(2 * HOUR), [SIGNING_KEY_ID, NEXT_SIGNING_KEY_ID]);
        assert_eq!(kids(4 * HOUR), [NEXT_SIGNING_KEY_ID]);
        assert_eq!(signing_key(rotation_phase(2 * HOUR)).kid, SIGNING_KEY_ID);
        assert_eq!(
            signing_key(rotation_phase(3 * HOUR)).kid,
            NEXT_SIGNING_KEY_ID
        );
        // Phase 3 outlasts the longest token and the leeway (lesson 07).
        assert!(ROTATION_PHASES[2] - ROTATION_PHASES[1] > REPORT_JOB.token_lifetime + 60);
    }

    #[test]
    fn rfc8705_s3_1_thumbprints_differ_per_certificate_and_are_base64url_sha256() {
        let prints: Vec<String> = CERTIFICATES.iter().map(Certificate::thumbprint).collect();
        for (i, print) in prints.iter().enumerate() {
            assert_eq!(print.len(), 43, "{print}");
            assert!(!prints[..i].contains(print));
        }
        assert!(CERTIFICATES.iter().all(|c| c.fake_der.starts_with("FAKE")));
    }

    #[test]
    fn registrations_quote_the_course_clients() {
        assert_eq!(
            registration("billing-service").unwrap().client,
            &BILLING_SERVICE
        );
        assert!(registration("report-job").unwrap().assertion_key.is_none());
        assert!(registration("nobody").is_none());
        assert_eq!(
            registration("ledger-api").unwrap().client.id,
            tokenbook_token::facts::LEDGER_API.name
        );
        for method in AuthMethod::ALL {
            assert_eq!(AuthMethod::from_name(method.name()), Some(method));
        }
    }
}
