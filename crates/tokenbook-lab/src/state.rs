//! What the simulated servers remember between requests: the lab's clock
//! (moved only by the reader: no system time), the client certificate the
//! reader presents, the assertion `jti`s already used, the tokens issued
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
    /// Issued tokens by `jti`.
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

    /// Forgets assertion `jti`s that can no longer be replayed.
    pub(crate) fn forget_expired_assertions(&mut self) {
        let now = self.now;
        self.seen_assertions
            .retain(|_, exp| *exp + tokenbook_token::facts::LEEWAY_SECONDS > now);
    }
}
