//! One check of a token's validation and its outcome: what `validate`
//! reports and what `signature` contributes, so neither needs the other.

/// The outcome of one check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CheckStatus {
    /// The check was made and the token passed it.
    Passed,
    /// The check was made and the token failed it.
    Failed,
    /// The check was not made (nothing to compare with, or an earlier
    /// check made it pointless).
    Skipped,
}

/// One named check with its outcome, explained.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Check {
    /// "format", "algorithm", "signature", "expiry", "not before",
    /// "issuer", "audience" or "scope".
    pub name: String,
    /// Passed, failed or skipped.
    pub status: CheckStatus,
    /// Why, as full sentences.
    pub detail: String,
}

impl Check {
    pub(crate) fn new(name: &str, status: CheckStatus, detail: String) -> Self {
        Self {
            name: name.to_owned(),
            status,
            detail,
        }
    }
}
