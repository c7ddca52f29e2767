//! [`Lab`]: the two simulated servers behind one entry point. A request's
//! text is parsed (`http`), sent to the host it names (`auth_server` or
//! `api`), and answered with the response, its text, why, and the outcome.
//! The clock moves only when the caller says so; the caller passes the
//! starting time, so the same requests always get the same answers.

use tokenbook_token::facts::{ISSUER, LEDGER_API};

use crate::answer::{Answer, Reply};
use crate::assertion;
use crate::form::encode_component;
use crate::http::{Response, parse_request};
use crate::state::State;
use crate::world::{AuthMethod, Certificate, certificate};
use crate::{api, auth_server};

/// The host of the authorization server.
pub const AUTH_HOST: &str = "auth.example.com";

/// The host of the ledger API.
pub fn ledger_host() -> &'static str {
    LEDGER_API.identifier.trim_start_matches("https://")
}

/// The simulated authorization server and API, and what they remember.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lab {
    state: State,
}

impl Lab {
    /// A lab whose clock starts at `now` (Unix seconds).
    pub fn new(now: i64) -> Self {
        Self {
            state: State::new(now),
        }
    }

    /// The lab's clock.
    pub fn now(&self) -> i64 {
        self.state.now
    }

    /// Seconds since the lab started.
    pub fn elapsed(&self) -> i64 {
        self.state.now - self.state.start
    }

    /// Moves the clock forward by `seconds` (never back).
    pub fn advance(&mut self, seconds: i64) {
        self.state.now = self.state.now.saturating_add(seconds.max(0));
        self.state.forget_expired_assertions();
    }

    /// Presents the certificate named `name` in mutual TLS from now on, or
    /// none. `Err` names the certificates there are.
    pub fn set_certificate(&mut self, name: Option<&str>) -> Result<(), String> {
        self.state.certificate = match name {
            None => None,
            Some(name) => Some(certificate(name).ok_or_else(|| {
                let names: Vec<&str> = crate::world::CERTIFICATES.iter().map(|c| c.name).collect();
                format!(
                    "There is no certificate {name}; the lab has {}.",
                    names.join(", ")
                )
            })?),
        };
        Ok(())
    }

    /// The certificate presented, if any.
    pub fn certificate(&self) -> Option<&'static Certificate> {
        self.state.certificate
    }

    /// The key rotation phase (1 to 4, lesson 07).
    pub fn rotation_phase(&self) -> u8 {
        self.state.phase()
    }

    /// The last access token the authorization server issued.
    pub fn last_token(&self) -> Option<&str> {
        self.state.last_token.as_deref()
    }

    /// Sends one request, as text, to the simulated host it names.
    pub fn send(&mut self, text: &str) -> Answer {
        let reply = match parse_request(text) {
            Err(refusal) => Reply::new(Response::new(refusal.status), refusal.explanation),
            Ok(mut request) => {
                // RFC 9110 §9.3.2: HEAD is answered as GET, without content.
                let method = request.method.clone();
                if method == "HEAD" {
                    request.method = "GET".to_owned();
                }
                let mut reply = if request.host == AUTH_HOST {
                    auth_server::answer(&mut self.state, &request)
                } else if request.host == ledger_host() {
                    api::answer(&mut self.state, &request)
                } else {
                    unknown_host(&request.host)
                };
                if method == "HEAD" {
                    reply = without_content(reply);
                }
                reply.outcome.host = Some(request.host.clone());
                reply.outcome.method = Some(method);
                reply.outcome.path = Some(request.path.clone());
                reply
            }
        };
        let mut outcome = reply.outcome;
        outcome.status = reply.response.status;
        Answer {
            text: reply.response.to_text(),
            response: reply.response,
            explanation: reply.explanation,
            outcome,
        }
    }

    /// `text` with its placeholders filled (`placeholders`): the last
    /// token issued, fresh client assertions, DPoP proofs. `Err` says what
    /// is missing.
    pub fn fill(&mut self, text: &str) -> Result<String, String> {
        let filled = self.fill_all_but_proofs(text)?;
        let found = crate::placeholders::find(&filled).map_err(|(_, why)| why)?;
        if found.is_empty() {
            return Ok(filled);
        }
        // A proof names the request it goes with: made once the rest of
        // the request (its token) is known.
        let mut with_proofs = String::with_capacity(filled.len() + 1024);
        let mut from = 0;
        for placeholder in found {
            with_proofs.push_str(&filled[from..placeholder.range.start]);
            with_proofs.push_str(&self.proof_for_filled(&filled)?);
            from = placeholder.range.end;
        }
        with_proofs.push_str(&filled[from..]);
        Ok(with_proofs)
    }

    /// `text` with every placeholder filled but `{{dpop_proof}}`.
    fn fill_all_but_proofs(&mut self, text: &str) -> Result<String, String> {
        let found = crate::placeholders::find(text).map_err(|(_, why)| why)?;
        let mut filled = String::with_capacity(text.len());
        let mut from = 0;
        for placeholder in found {
            filled.push_str(&text[from..placeholder.range.start]);
            let client = placeholder.argument.unwrap_or("billing-service");
            let value = match placeholder.name {
                "access_token" => self.last_token().map(str::to_owned).ok_or_else(|| {
                    "{{access_token}} stands for the last token the lab issued, and it has issued none yet: send a token request first.".to_owned()
                })?,
                "private_key_jwt" => self.client_assertion(client, AuthMethod::PrivateKeyJwt)?,
                "k8s_token" => self.platform_token(placeholder.argument.unwrap_or(ISSUER))?,
                "dpop_proof" => text[placeholder.range.clone()].to_owned(),
                _ => self.client_assertion(client, AuthMethod::ClientSecretJwt)?,
            };
            filled.push_str(&value);
            from = placeholder.range.end;
        }
        filled.push_str(&text[from..]);
        Ok(filled)
    }

    /// A DPoP proof for the request `text`: its method and URL, and `ath`
    /// when it sends a token under the DPoP scheme (its placeholders
    /// filled first), signed now with billing-service's FAKE key:
    /// what the editor's helper adds.
    pub fn dpop_proof_for(&mut self, text: &str) -> Result<String, String> {
        let filled = self.fill_all_but_proofs(text)?;
        self.proof_for_filled(&filled)
    }

    /// [`Lab::dpop_proof_for`] a request whose other placeholders are
    /// filled already.
    fn proof_for_filled(&mut self, filled: &str) -> Result<String, String> {
        let request = parse_request(filled).map_err(|refusal| {
            format!(
                "A DPoP proof names the request's method and URL, but this request cannot be read: {}",
                refusal.explanation
            )
        })?;
        let token = match request.header_values("authorization").as_slice() {
            [one] => one
                .split_once(' ')
                .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("dpop"))
                .map(|(_, token)| token.trim().to_owned()),
            _ => None,
        };
        let url = crate::dpop::request_url(&request);
        self.dpop_proof(&request.method, &url, token.as_deref())
    }

    /// A DPoP proof (RFC 9449 §4.2) for `method` on `url`, with `ath` of
    /// `access_token` when given, signed at the lab's time with
    /// billing-service's FAKE key and a new `jti`.
    pub fn dpop_proof(
        &mut self,
        method: &str,
        url: &str,
        access_token: Option<&str>,
    ) -> Result<String, String> {
        let jti = format!("FAKE-jti-dpop-{}", self.state.next_number());
        crate::dpop::sign_proof(method, url, access_token, self.state.now, &jti)
    }

    /// The token the simulated cluster (`https://k8s.example.com`, lesson
    /// 10) projects into billing-service's pod at the lab's time, for
    /// `audience`: RS256 with the cluster's FAKE key, living 600 s.
    pub fn platform_token(&mut self, audience: &str) -> Result<String, String> {
        let rule = &crate::world::FEDERATION_RULES[0];
        let key = crate::world::cluster_key();
        let now = self.now();
        let claims = serde_json::json!({
            "aud": [audience],
            "exp": now + crate::world::CLUSTER_TOKEN_LIFETIME,
            "iat": now,
            "iss": rule.issuer,
            "jti": format!("FAKE-jti-k8s-{}", self.state.next_number()),
            "kubernetes.io": {
                "namespace": "payments",
                "serviceaccount": { "name": "billing-service" }
            },
            "nbf": now,
            "sub": rule.subject,
        });
        crate::tokens::tools().sign(
            &claims,
            crate::tokens::SigningKey::Rs256 {
                private_pem: key.private_pem,
            },
            Some(key.kid),
            "JWT",
        )
    }

    /// Signs a fresh client assertion for `client_id` at the lab's time:
    /// `private_key_jwt` (RS256, the client's FAKE key) or
    /// `client_secret_jwt` (HS256, its FAKE secret), valid for a minute,
    /// with a new `jti`.
    pub fn client_assertion(
        &mut self,
        client_id: &str,
        method: AuthMethod,
    ) -> Result<String, String> {
        let jti = format!("FAKE-jti-assertion-{}", self.state.next_number());
        assertion::sign(client_id, method, self.state.now, &jti)
    }
}

/// The answer to HEAD: GET's, with the fields GET would send (its
/// `Content-Length` too) and no content (RFC 9110 §9.3.2, §8.6).
fn without_content(mut reply: Reply) -> Reply {
    let length = reply.response.body.len();
    reply.response.body.clear();
    reply.response = reply.response.with("Content-Length", length.to_string());
    reply.explanation = format!(
        "HEAD is answered like GET without the content (RFC 9110 §9.3.2): the same status and fields, Content-Length that of the content GET would send, then nothing. For GET: {}",
        reply.explanation
    );
    reply
}

fn unknown_host(host: &str) -> Reply {
    Reply::new(
        Response::new(421),
        format!(
            "The lab simulates two hosts only: {AUTH_HOST}, the authorization server ({ISSUER}), and {}, the ledger API. A request for {host} reaches neither, so the lab answers 421 Misdirected Request (RFC 9110 §15.5.20); nothing is ever sent to a real host. Check the Host field.",
            ledger_host()
        ),
    )
}

/// A correct token request of the course's `billing-service` for
/// `ledger:read` (client_secret_basic, RFC 6749 §4.4.2): what a free lab's
/// editor opens with.
pub fn first_token_request() -> String {
    let client = &tokenbook_token::facts::BILLING_SERVICE;
    let path =
        tokenbook_token::facts::TOKEN_ENDPOINT.trim_start_matches(tokenbook_token::facts::ISSUER);
    format!(
        "POST {path} HTTP/1.1\nHost: {AUTH_HOST}\nAuthorization: {}\nContent-Type: application/x-www-form-urlencoded\n\ngrant_type=client_credentials&scope=ledger%3Aread",
        basic_header(client.id, client.secret)
    )
}

/// The value of a Basic Authorization header for a client id and secret,
/// each form-encoded first (RFC 6749 §2.3.1), then joined and Base64'd
/// (RFC 7617 §2): `Basic …`.
pub fn basic_header(client_id: &str, secret: &str) -> String {
    use base64::Engine as _;
    let pair = format!(
        "{}:{}",
        encode_component(client_id),
        encode_component(secret)
    );
    format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(pair)
    )
}
