//! [`TokenError`]: what went wrong, in one plain sentence, and what to do
//! about it.

use std::fmt;

/// A problem with a token or a key, explained for a beginner.
///
/// `message` says what is wrong; `hint` says what to check or do next.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct TokenError {
    /// What is wrong, as a full sentence.
    pub message: String,
    /// What to check or do next, as a full sentence (may be empty).
    pub hint: String,
}

impl TokenError {
    pub(crate) fn new(message: impl Into<String>, hint: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            hint: hint.into(),
        }
    }
}

impl fmt::Display for TokenError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.hint.is_empty() {
            write!(f, "{}", self.message)
        } else {
            write!(f, "{} {}", self.message, self.hint)
        }
    }
}

impl std::error::Error for TokenError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_joins_message_and_hint() {
        let error = TokenError::new("The token is empty.", "Paste a token.");
        assert_eq!(error.to_string(), "The token is empty. Paste a token.");
        let bare = TokenError::new("The token is empty.", "");
        assert_eq!(bare.to_string(), "The token is empty.");
    }
}
