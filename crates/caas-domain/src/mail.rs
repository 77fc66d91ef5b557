//! Outbound email held in the outbox until a job delivers it.

use crate::email::EmailAddress;
use crate::ids::EmailId;
use chrono::{DateTime, Utc};
use serde::Serialize;

/// Delivery state of an outbox email.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EmailState {
    /// Waiting for the delivery job.
    Pending,
    /// Accepted by the SMTP server.
    Sent,
    /// No SMTP server configured: kept in the outbox, readable at `/ops/mail`.
    Held,
    /// Delivery failed for good.
    Failed,
}

impl EmailState {
    /// Stable text form.
    pub fn as_str(self) -> &'static str {
        match self {
            EmailState::Pending => "pending",
            EmailState::Sent => "sent",
            EmailState::Held => "held",
            EmailState::Failed => "failed",
        }
    }

    /// Parses the text form.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "pending" => Some(Self::Pending),
            "sent" => Some(Self::Sent),
            "held" => Some(Self::Held),
            "failed" => Some(Self::Failed),
            _ => None,
        }
    }
}

/// An email in the outbox.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OutboundEmail {
    /// Identifier (also the Message-ID local part).
    pub id: EmailId,
    /// Recipient.
    pub to: EmailAddress,
    /// Subject line.
    pub subject: String,
    /// Plain-text body.
    pub body_text: String,
    /// HTML body.
    pub body_html: String,
    /// Template that produced it (`activation`, `password_reset`…).
    pub template: String,
    /// Language it was rendered in.
    pub language: String,
    /// Delivery state.
    pub state: EmailState,
    /// Creation time.
    pub created_at: DateTime<Utc>,
    /// Time the SMTP server accepted it.
    pub sent_at: Option<DateTime<Utc>>,
    /// Last delivery error.
    pub last_error: Option<String>,
    /// Notification carried (`X-CaaS-Notification-Id`, Message-ID), if any.
    pub notification_id: Option<String>,
    /// `X-CaaS-Category` (`credentials`, `manufacturing_status`…).
    pub category: Option<String>,
}
