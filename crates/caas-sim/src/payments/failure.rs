//! A refusal of the gateway as the business logic reports it; the HTTP layer
//! turns it into the contract's error body (README §3).

use serde_json::Value;

/// A non-2xx outcome: status, contract `code`, message and optional details.
#[derive(Debug, Clone, PartialEq)]
pub struct Failure {
    /// HTTP status code.
    pub status: u16,
    /// Stable `snake_case` code.
    pub code: &'static str,
    /// English text for humans.
    pub message: String,
    /// Per-code details, e.g. `{"field": "amount"}`.
    pub details: Option<Value>,
}

impl Failure {
    /// A failure without details.
    pub fn new(status: u16, code: &'static str, message: impl Into<String>) -> Self {
        Self {
            status,
            code,
            message: message.into(),
            details: None,
        }
    }

    /// `400 invalid_request` pointing at `field`.
    pub fn invalid(field: &str, message: impl Into<String>) -> Self {
        Self::new(400, "invalid_request", message)
            .with_details(serde_json::json!({ "field": field }))
    }

    /// `404 <code>`.
    pub fn not_found(code: &'static str, what: &str) -> Self {
        Self::new(404, code, format!("No such {what}"))
    }

    /// `409 payment_intent_unexpected_state` with `details.status`.
    pub fn unexpected_state(status: &str, action: &str) -> Self {
        Self::new(
            409,
            "payment_intent_unexpected_state",
            format!("Cannot {action} a payment intent in status {status}"),
        )
        .with_details(serde_json::json!({ "status": status }))
    }

    /// Adds `details`.
    pub fn with_details(mut self, details: Value) -> Self {
        self.details = Some(details);
        self
    }
}
