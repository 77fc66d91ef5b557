//! Manual capture and saved cards in the domain's terms: what an
//! authorization is now ([`AuthorizationState`]), what a capture or a cancel
//! answered, what the gateway's manual-capture webhooks mean
//! ([`AuthorizationEvent`]) and a saved card ([`SavedCard`]). The gateway's
//! status and reason strings are mapped in `caas_partners::payments::wire`.

use super::CallError;
use crate::money::Money;
use chrono::{DateTime, Utc};
use thiserror::Error;

/// Why the platform voids an authorization.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CancelReason {
    /// The customer asked for it.
    RequestedByCustomer,
    /// A second attempt for the same purchase.
    Duplicate,
    /// The purchase was left unfinished.
    Abandoned,
    /// The feature could not be activated on the vehicle ("do not charge if
    /// not delivered").
    ActivationFailed,
}

impl CancelReason {
    /// Every reason a client may give.
    pub const ALL: [Self; 4] = [
        Self::RequestedByCustomer,
        Self::Duplicate,
        Self::Abandoned,
        Self::ActivationFailed,
    ];
}

/// Where a manual-capture intent stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuthorizationState {
    /// The amount is held on the card until captured, canceled or expired.
    Authorized {
        /// When the hold lapses (7 days in production).
        expires_at: Option<DateTime<Utc>>,
    },
    /// The outcome comes later by webhook (`processing`; also an intent not
    /// confirmed yet, which [`super::PaymentGateway::authorize`] never leaves).
    Processing,
    /// Captured (the money is taken; refund it to give it back).
    Captured,
    /// Voided before capture.
    Canceled {
        /// The reason given with the cancel, if any.
        reason: Option<CancelReason>,
    },
    /// The authorization lapsed uncaptured (gateway status `canceled`,
    /// reason `authorization_expired`); nothing can be captured.
    Expired,
    /// The last attempt was declined (only seen when reading an intent back;
    /// [`super::PaymentGateway::authorize`] answers a decline as an error).
    Declined {
        /// `insufficient_funds`, `expired_card`, …
        decline_code: String,
        /// Gateway message.
        message: String,
    },
}

/// What the gateway answered about an authorization.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthorizationAnswer {
    /// The gateway's intent (`pi_…`).
    pub intent_id: String,
    /// Where it stands.
    pub state: AuthorizationState,
}

/// A successful capture.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaptureAnswer {
    /// The gateway's intent (`pi_…`).
    pub intent_id: String,
    /// The amount captured (a partial capture released the rest).
    pub captured: Money,
}

/// A capture that did not happen.
#[derive(Debug, Clone, Error, PartialEq, Eq)]
pub enum CaptureError {
    /// The intent is not awaiting capture (`409 payment_intent_unexpected_state`):
    /// canceled, expired, still processing or captured under another key.
    #[error("payment intent not capturable in status {status}")]
    NotCapturable {
        /// The gateway's status of the intent, e.g. `canceled` after the
        /// authorization expired.
        status: String,
    },
    /// Anything else (including `amount_too_large` as `Refused`).
    #[error(transparent)]
    Call(#[from] CallError),
}

/// A cancel that did not happen.
#[derive(Debug, Clone, Error, PartialEq, Eq)]
pub enum CancelError {
    /// The payment was already captured: refund it instead.
    #[error("payment already captured; refund it instead")]
    AlreadyCaptured,
    /// Anything else (a `processing` intent is `Refused`
    /// `payment_intent_unexpected_state`).
    #[error(transparent)]
    Call(#[from] CallError),
}

/// What a manual-capture webhook of the gateway means.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuthorizationEvent {
    /// `payment_intent.amount_capturable_updated`: the amount is held.
    Authorized {
        /// When the hold lapses.
        expires_at: Option<DateTime<Utc>>,
    },
    /// `payment_intent.canceled`: voided through the API.
    Canceled {
        /// The reason given with the cancel, if any.
        reason: Option<CancelReason>,
    },
    /// `payment_intent.authorization_expired`: lapsed uncaptured.
    AuthorizationExpired,
}

/// A card saved at the gateway for one customer (never card data).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SavedCard {
    /// The gateway's payment method (`pm_…`), used as `payment_method`.
    pub id: String,
    /// `visa`, `mastercard`, …
    pub brand: String,
    /// Last four digits, for display.
    pub last4: String,
    /// Expiry month, 1–12.
    pub exp_month: u32,
    /// Expiry year, four digits.
    pub exp_year: u32,
    /// When it was saved.
    pub created_at: DateTime<Utc>,
}
