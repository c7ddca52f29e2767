//! What explaining a claim produces, shared by the claim tables
//! (`claims`) and the meanings of claims and header parameters
//! (`meanings`, `header_meanings`): a leaf, so they need not know each
//! other.

/// The standards most meanings cite.
pub(crate) const RFC_7515: &str = "RFC 7515";
pub(crate) const RFC_7519: &str = "RFC 7519";
pub(crate) const RFC_9068: &str = "RFC 9068";

/// A NumericDate claim as a date and as words.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct TimeInfo {
    /// Seconds since 1970-01-01 UTC, fractions rounded down.
    pub unix: i64,
    /// ISO 8601 in UTC, e.g. `2026-11-26T10:00:00Z`.
    pub iso: String,
    /// Relative to `now`: "in 59 min", "3 days ago", "just now".
    pub relative: String,
    /// What the time means for this claim: "expires in 59 min",
    /// "expired 3 days ago", "valid in 5 min", "issued 1 hour ago".
    pub summary: String,
}

/// A meaning and the standard (or provider) that defines the claim.
pub(crate) struct Meaning {
    pub(crate) text: String,
    pub(crate) source: &'static str,
}

impl Meaning {
    pub(crate) fn new(text: impl Into<String>, source: &'static str) -> Self {
        Self {
            text: text.into(),
            source,
        }
    }
}
