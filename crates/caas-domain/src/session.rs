//! Web sessions, API bearer tokens and single-use emailed links.

use crate::ids::{AccountId, AccountTokenId, SessionId};
use chrono::{DateTime, Utc};
use serde::Serialize;

/// Whether a session is a browser cookie session or an API bearer token.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SessionKind {
    /// Browser session identified by an HttpOnly cookie.
    Web,
    /// Bearer token for the mobile app and API clients.
    Api,
}

impl SessionKind {
    /// Stable text form.
    pub fn as_str(self) -> &'static str {
        match self {
            SessionKind::Web => "web",
            SessionKind::Api => "api",
        }
    }

    /// Parses the text form; anything unknown is treated as a web session.
    pub fn parse(s: &str) -> Self {
        if s == "api" {
            SessionKind::Api
        } else {
            SessionKind::Web
        }
    }
}

/// A login: the secret itself is never stored, only its SHA-256.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Session {
    /// Identifier (shown to the owner, safe to reveal).
    pub id: SessionId,
    /// Owner.
    pub account_id: AccountId,
    /// Web or API.
    pub kind: SessionKind,
    /// SHA-256 (hex) of the secret held by the client.
    #[serde(skip)]
    pub secret_hash: String,
    /// Per-session CSRF token for web forms.
    #[serde(skip)]
    pub csrf_token: String,
    /// Client description (user agent), for the owner's device list.
    pub user_agent: String,
    /// Creation time.
    pub created_at: DateTime<Utc>,
    /// Hard expiry.
    pub expires_at: DateTime<Utc>,
    /// Set when logged out, revoked or the account disabled.
    pub revoked_at: Option<DateTime<Utc>>,
}

impl Session {
    /// Usable now: not revoked and not expired.
    pub fn is_live(&self, now: DateTime<Utc>) -> bool {
        self.revoked_at.is_none() && now < self.expires_at
    }
}

/// Purpose of a single-use emailed link.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TokenPurpose {
    /// First password of a new account.
    Activation,
    /// Password reset.
    Reset,
}

impl TokenPurpose {
    /// Stable text form.
    pub fn as_str(self) -> &'static str {
        match self {
            TokenPurpose::Activation => "activation",
            TokenPurpose::Reset => "reset",
        }
    }

    /// Parses the text form.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "activation" => Some(Self::Activation),
            "reset" => Some(Self::Reset),
            _ => None,
        }
    }
}

/// A single-use, expiring link token (only its hash is stored).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountToken {
    /// Identifier.
    pub id: AccountTokenId,
    /// Account the link acts on.
    pub account_id: AccountId,
    /// What the link does.
    pub purpose: TokenPurpose,
    /// SHA-256 (hex) of the secret in the link.
    pub secret_hash: String,
    /// Creation time.
    pub created_at: DateTime<Utc>,
    /// Expiry.
    pub expires_at: DateTime<Utc>,
    /// Set on first use; a used token never works again.
    pub used_at: Option<DateTime<Utc>>,
}

impl AccountToken {
    /// Usable now: unused and unexpired.
    pub fn is_usable(&self, now: DateTime<Utc>) -> bool {
        self.used_at.is_none() && now < self.expires_at
    }
}
