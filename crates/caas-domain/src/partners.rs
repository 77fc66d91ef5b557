//! Ports for the partner systems of issue 3: the factory orders API, the card
//! payment gateway, the SMS provider and Web Push. Shapes follow
//! `shared/contracts/*.md`; the HTTP clients live in `caas-partners`.
//! Errors are classified so the caller knows whether to retry (same
//! idempotency key) or to stop and tell a human.

use async_trait::async_trait;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use thiserror::Error;

/// Failure of a partner call, classified for the retry decision.
#[derive(Debug, Clone, Error, PartialEq, Eq)]
pub enum CallError {
    /// Connection error, timeout, 429, 5xx or `*_in_use`: retry with the same key.
    #[error("transient: {message}")]
    Transient {
        /// What happened (English, for logs and staff).
        message: String,
        /// Seconds the partner asked us to wait (`Retry-After`).
        retry_after_secs: Option<u64>,
    },
    /// 401/403: a configuration problem; alert, do not retry.
    #[error("unauthorized: {0}")]
    Unauthorized(String),
    /// Any other definitive refusal not modelled more precisely.
    #[error("refused {code}: {message}")]
    Refused {
        /// Contract error code (`invalid_request`, `idempotency_key_reused`…).
        code: String,
        /// Partner message (never parsed).
        message: String,
    },
}

impl CallError {
    /// Shorthand for a transient error without `Retry-After`.
    pub fn transient(message: impl Into<String>) -> Self {
        Self::Transient {
            message: message.into(),
            retry_after_secs: None,
        }
    }
}

// ---------------------------------------------------------------- factory

/// `delivery` object of a factory order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FactoryDelivery {
    /// ISO 3166-1 alpha-2.
    pub country: String,
    /// Town or city where the vehicle is made available.
    pub locality: String,
    /// Optional postal code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub postal_code: Option<String>,
}

/// Body of `POST /v1/orders`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FactoryOrderRequest {
    /// The platform's order id (`ord_…`).
    pub order_reference: String,
    /// Plataforma base code, e.g. `SUV-E-26`.
    pub model_code: String,
    /// Option codes of the plan comercial.
    pub option_codes: Vec<String>,
    /// Selling dealership id.
    pub dealership_id: String,
    /// Where the vehicle will be made available.
    pub delivery: FactoryDelivery,
}

/// The factory's Order object (fields the platform uses).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FactoryOrder {
    /// `fo_…`.
    pub factory_order_id: String,
    /// Our reference.
    pub order_reference: String,
    /// Factory status (`received`, `accepted`, …).
    pub status: String,
    /// Latest factory estimate of the completion day.
    #[serde(default)]
    pub estimated_completion_date: Option<NaiveDate>,
    /// VIN once completed.
    #[serde(default)]
    pub vin: Option<String>,
    /// Sequence of the latest event emitted for the order.
    #[serde(default)]
    pub last_sequence: i64,
}

/// One violation of a `422 order_validation_failed`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FactoryViolation {
    /// `unknown_model`, `option_not_available_for_model`, …
    pub code: String,
    /// Path into the request body.
    #[serde(default)]
    pub field: Option<String>,
    /// Offending value.
    #[serde(default)]
    pub value: Option<String>,
    /// For `option_combination_invalid`.
    #[serde(default)]
    pub conflicting_codes: Vec<String>,
    /// For `component_unavailable`.
    #[serde(default)]
    pub option_code: Option<String>,
    /// For `component_unavailable`.
    #[serde(default)]
    pub component: Option<String>,
}

/// Outcome of `POST /v1/orders` other than 201.
#[derive(Debug, Clone, Error, PartialEq, Eq)]
pub enum FactoryOrderError {
    /// 422: the factory refused the order; never retried unchanged.
    #[error("order rejected: {} violation(s)", .0.len())]
    Rejected(Vec<FactoryViolation>),
    /// 409 `duplicate_order_reference`: already ordered; fetch that order.
    #[error("duplicate order reference, existing {factory_order_id}")]
    Duplicate {
        /// The existing factory order.
        factory_order_id: String,
    },
    /// Anything else.
    #[error(transparent)]
    Call(#[from] CallError),
}

/// A factory event as received (webhook) or listed (`/events`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawEvent {
    /// `evt_…` (= `webhook-id`).
    pub id: String,
    /// The exact JSON text of the event.
    pub body: String,
}

/// The Factory Orders API (`shared/contracts/factory-api.md`).
#[async_trait]
pub trait FactoryApi: Send + Sync + 'static {
    /// `POST /v1/orders` with `Idempotency-Key: key`.
    async fn create_order(
        &self,
        req: &FactoryOrderRequest,
        key: &str,
    ) -> Result<FactoryOrder, FactoryOrderError>;
    /// `GET /v1/orders/{id}`; `None` on 404.
    async fn get_order(&self, factory_order_id: &str) -> Result<Option<FactoryOrder>, CallError>;
    /// `GET /v1/orders?order_reference=`.
    async fn find_order_by_reference(
        &self,
        order_reference: &str,
    ) -> Result<Option<FactoryOrder>, CallError>;
    /// `GET /v1/orders/{id}/events`, in sequence order.
    async fn list_events(&self, factory_order_id: &str) -> Result<Vec<RawEvent>, CallError>;
}

// ---------------------------------------------------------------- payments

mod authorization;
mod payments;

pub use authorization::*;
pub use payments::*;

// ---------------------------------------------------------------- SMS

/// Body of `POST /v1/messages`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SmsRequest {
    /// E.164.
    pub to: String,
    /// Text.
    pub body: String,
    /// Alphanumeric sender id.
    pub sender: String,
    /// Our `notification_id`.
    pub reference: String,
}

/// `202` answer of the SMS provider.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SmsAccepted {
    /// `sms_…`.
    pub message_id: String,
    /// `queued`.
    pub status: String,
}

/// Outcome of `POST /v1/messages` other than 202.
#[derive(Debug, Clone, Error, PartialEq, Eq)]
pub enum SmsError {
    /// 422 (`invalid_destination`, `body_too_long`, …): permanent.
    #[error("refused {code}: {message}")]
    Refused {
        /// Contract error code.
        code: String,
        /// Provider message.
        message: String,
    },
    /// Anything else.
    #[error(transparent)]
    Call(#[from] CallError),
}

/// The SMS provider (`shared/contracts/notification-providers.md` §2).
#[async_trait]
pub trait SmsApi: Send + Sync + 'static {
    /// Sends one message with `Idempotency-Key: key`.
    async fn send_sms(&self, req: &SmsRequest, key: &str) -> Result<SmsAccepted, SmsError>;
}

// ---------------------------------------------------------------- Web Push

/// A browser push subscription (`PushSubscription.toJSON()`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PushTarget {
    /// Push service URL.
    pub endpoint: String,
    /// base64url uncompressed P-256 public key of the browser.
    pub p256dh: String,
    /// base64url 16-byte auth secret.
    pub auth: String,
}

/// One push message (plaintext JSON is encrypted by the sender).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PushMessage {
    /// Plaintext JSON read by the service worker (≤ 3993 bytes).
    pub payload: Vec<u8>,
    /// `TTL` seconds.
    pub ttl_secs: u32,
    /// `very-low`, `low`, `normal`, `high`.
    pub urgency: &'static str,
    /// Optional replacement topic (≤ 32 base64url chars).
    pub topic: Option<String>,
}

/// Outcome of a push other than 201.
#[derive(Debug, Clone, Error, PartialEq, Eq)]
pub enum PushError {
    /// 404/410: the subscription is gone; delete it, never retry.
    #[error("subscription gone")]
    Gone,
    /// 400/401/403/413: will not succeed if repeated.
    #[error("refused: {0}")]
    Refused(String),
    /// 429, 5xx, timeouts: retry while the TTL lasts.
    #[error(transparent)]
    Call(#[from] CallError),
}

/// Sends Web Push messages (VAPID + RFC 8291).
#[async_trait]
pub trait PushApi: Send + Sync + 'static {
    /// Encrypts and posts one message to the subscription's endpoint.
    async fn push(&self, target: &PushTarget, msg: &PushMessage) -> Result<(), PushError>;
    /// The VAPID public key (base64url, uncompressed P-256) the browser subscribes with.
    fn vapid_public_key(&self) -> String;
}
