//! Append-only audit trail entries (NFR-5).

use crate::ids::AuditId;
use chrono::{DateTime, Utc};
use serde::Serialize;

/// One audited event. Entries are only ever inserted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditEntry {
    /// Identifier.
    pub id: AuditId,
    /// When it happened.
    pub at: DateTime<Utc>,
    /// Who did it: an account id, `system`, `cli` or `anonymous`.
    pub actor: String,
    /// What happened, dotted (`auth.login.ok`, `account.disabled`…).
    pub action: String,
    /// What it happened to (an id or an email), if any.
    pub subject: Option<String>,
    /// Free-form JSON details (never passwords or card data).
    pub details: serde_json::Value,
    /// Correlation id of the request or job.
    pub request_id: Option<String>,
    /// Client address, for authentication events.
    pub ip: Option<String>,
}

impl AuditEntry {
    /// A new entry stamped `at`.
    pub fn new(at: DateTime<Utc>, actor: impl Into<String>, action: impl Into<String>) -> Self {
        Self {
            id: AuditId::new(),
            at,
            actor: actor.into(),
            action: action.into(),
            subject: None,
            details: serde_json::Value::Null,
            request_id: None,
            ip: None,
        }
    }

    /// Sets the subject.
    pub fn subject(mut self, s: impl Into<String>) -> Self {
        self.subject = Some(s.into());
        self
    }

    /// Sets the details.
    pub fn details(mut self, d: serde_json::Value) -> Self {
        self.details = d;
        self
    }

    /// Sets correlation id and client address.
    pub fn context(mut self, request_id: Option<String>, ip: Option<String>) -> Self {
        self.request_id = request_id;
        self.ip = ip;
        self
    }
}
