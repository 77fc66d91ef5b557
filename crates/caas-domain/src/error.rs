//! Errors raised by domain rules and value-object parsing.

use thiserror::Error;

/// A rule of the domain was violated or a value could not be parsed.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum DomainError {
    /// A value failed validation; `field` names the offending input.
    #[error("{field}: {message}")]
    Invalid {
        /// Input field (snake_case path) that failed.
        field: &'static str,
        /// Human readable explanation, English.
        message: String,
    },
    /// A state machine refused a transition.
    #[error("transition not allowed: {0}")]
    Transition(String),
}

impl DomainError {
    /// Shorthand for [`DomainError::Invalid`].
    pub fn invalid(field: &'static str, message: impl Into<String>) -> Self {
        Self::Invalid {
            field,
            message: message.into(),
        }
    }
}
