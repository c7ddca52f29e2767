//! What the simulated servers remember between requests: the lab's clock
//! (moved only by the reader: no system time), the client certificate the
//! reader presents, the assertion and DPoP proof `jti`s already used, the tokens issued
//! and revoked, and the ledger's entries.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use crate::world::{Certificate, rotation_phase};

/// A token the authorization server issued.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Record {
    pub(crate) client_id: String,
    pub(crate) exp: i64,
    pub(crate) revoked: bool,
    /// For an opaque token, what it stands for: the claims introspection
    /// answers with (a JWT carries its own).
    pub(crate) opaque_claims: Option<Value>,
}

/// The servers' memory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct State {
    /// When the lab started (Unix seconds): the rotation counts from here.
    pub(crate) start: i64,
    /// The lab's clock.
    pub(crate) now: i64,
    /// The certificate presented in mutual TLS, on both hosts.
    pub(crate) certificate: Option<&'static Certificate>,
    /// Accepted assertion `jti`s and their `exp`.
    pub(crate) seen_assertions: BTreeMap<String, i64>,
    /// Accepted DPoP proof `jti`s and until when a proof made then is
    /// still taken (its `iat` plus the proof window, RFC 9449 §11.1).
    pub(crate) seen_proofs: BTreeMap<String, i64>,
    /// Issued tokens: a JWT by its `jti`, an opaque token by itself.
    pub(crate) issued: BTreeMap<String, Record>,
    /// The last access token issued.
    pub(crate) last_token: Option<String>,
    /// The ledger's entries.
    pub(crate) entries: Vec<Value>,
    /// Numbers the ids the lab makes.
    counter: u64,
}

impl State {
    pub(crate) fn new(now: i64) -> Self {
        Self {
            start: now,
            now,
            certificate: None,
            seen_assertions: BTreeMap::new(),
            seen_proofs: BTreeMap::new(),
            issued: BTreeMap::new(),
            last_token: None,
            entries: vec![
                json!({"id": "entry-1", "amount": "120.00", "currency": "EUR", "memo": "FAKE invoice 2026-001"}),
                json!({"id": "entry-2", "amount": "-45.50", "currency": "EUR", "memo": "FAKE refund 2026-002"}),
            ],
            counter: 0,
        }
    }

    /// The key rotation phase now (1 to 4).
    pub(crate) fn phase(&self) -> u8 {
        rotation_phase(self.now.saturating_sub(self.start))
    }

    /// A new number, for ids.
    pub(crate) fn next_number(&mut self) -> u64 {
        self.counter += 1;
        self.counter
    }

    /// What the opaque `token` stands for, if this server issued it.
    pub(crate) fn opaque(&self, token: &str) -> Option<(&Record, &Value)> {
        let record = self.issued.get(token)?;
        Some((record, record.opaque_claims.as_ref()?))
    }

    /// Forgets assertion and proof `jti`s that can no longer be replayed:
    /// the assertion has expired, the proof is older than a server takes.
    pub(crate) fn forget_expired_assertions(&mut self) {
        let now = self.now;
        self.seen_assertions
            .retain(|_, exp| *exp + tokenbook_token::facts::LEEWAY_SECONDS > now);
        self.seen_proofs.retain(|_, until| *until >= now);
    }
}
