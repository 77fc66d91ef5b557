//! The gateway's resources as the contract serialises them (PaymentMethod,
//! PaymentIntent, Refund) and the simulator's in-memory records around them.

use super::tokens::{Card, TestToken};
use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::Value;
use std::collections::{BTreeMap, HashMap};

/// A saved payment method (`pm_…`).
#[derive(Debug, Clone, Serialize)]
pub struct PaymentMethod {
    /// `pm_…`.
    pub id: String,
    /// Owner.
    pub customer_reference: String,
    /// Always `card`.
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// Card details of the token it was created from.
    pub card: Card,
    /// Creation time.
    pub created_at: DateTime<Utc>,
}

/// `last_payment_error` of an intent.
#[derive(Debug, Clone, Serialize)]
pub struct LastPaymentError {
    /// `card_declined` or `processing_error`.
    pub code: &'static str,
    /// e.g. `insufficient_funds`.
    pub decline_code: Option<&'static str>,
    /// Human text.
    pub message: String,
}

/// `settlement` of an intent.
#[derive(Debug, Clone, Serialize)]
pub struct Settlement {
    /// `none`, `pending`, `settled`, `failed`.
    pub status: &'static str,
    /// When settled.
    pub settled_at: Option<DateTime<Utc>>,
    /// Amount paid out after fees.
    pub net_amount: Option<i64>,
    /// Gateway fee.
    pub fee_amount: Option<i64>,
    /// Why settlement failed.
    pub failure_code: Option<&'static str>,
}

impl Settlement {
    /// Before capture.
    pub fn none() -> Self {
        Self {
            status: "none",
            settled_at: None,
            net_amount: None,
            fee_amount: None,
            failure_code: None,
        }
    }
}

/// `dispute` of an intent (chargeback).
#[derive(Debug, Clone, Serialize)]
pub struct Dispute {
    /// `dp_…`.
    pub id: String,
    /// Amount debited.
    pub amount: i64,
    /// e.g. `fraudulent`.
    pub reason: &'static str,
    /// When the chargeback was opened.
    pub created_at: DateTime<Utc>,
}

/// The PaymentIntent object, field for field as in the contract.
#[derive(Debug, Clone, Serialize)]
pub struct PaymentIntent {
    /// `pi_…`.
    pub id: String,
    /// See the contract's status list.
    pub status: &'static str,
    /// Requested amount, minor units.
    pub amount: i64,
    /// ISO 4217.
    pub currency: String,
    /// Authorized, not captured.
    pub amount_capturable: i64,
    /// Captured.
    pub amount_received: i64,
    /// Sum of succeeded refunds.
    pub amount_refunded: i64,
    /// `automatic` or `manual`.
    pub capture_method: String,
    /// As sent.
    pub customer_reference: String,
    /// As sent (`pm_…` or `tok_…`).
    pub payment_method: String,
    /// As sent.
    pub description: Option<String>,
    /// As sent.
    pub metadata: BTreeMap<String, String>,
    /// Why the last attempt failed.
    pub last_payment_error: Option<LastPaymentError>,
    /// When an uncaptured authorization lapses.
    pub authorization_expires_at: Option<DateTime<Utc>>,
    /// Set when canceled.
    pub cancellation_reason: Option<String>,
    /// Settlement progress.
    pub settlement: Settlement,
    /// Chargeback, if any.
    pub dispute: Option<Dispute>,
    /// Sequence of the latest event.
    pub last_sequence: i64,
    /// Creation time.
    pub created_at: DateTime<Utc>,
    /// Last change.
    pub updated_at: DateTime<Utc>,
}

/// A Refund object (`re_…`).
#[derive(Debug, Clone, Serialize)]
pub struct Refund {
    /// `re_…`.
    pub id: String,
    /// The refunded intent.
    pub payment_intent: String,
    /// Minor units.
    pub amount: i64,
    /// ISO 4217.
    pub currency: String,
    /// `pending`, `succeeded`, `failed`.
    pub status: &'static str,
    /// Set when failed.
    pub failure_reason: Option<&'static str>,
    /// As sent.
    pub reason: Option<String>,
    /// As sent.
    pub metadata: BTreeMap<String, String>,
    /// Creation time.
    pub created_at: DateTime<Utc>,
}

/// A saved method plus the behaviour it inherits.
#[derive(Debug, Clone)]
pub struct MethodRecord {
    /// The public object.
    pub method: PaymentMethod,
    /// The test token it was created from.
    pub token: TestToken,
    /// Deleted methods cannot be used or listed.
    pub deleted: bool,
}

/// A one-time card token: the card typed into the hosted fields (never
/// the number itself) and the test behaviour it maps to.
#[derive(Debug, Clone)]
pub struct CardToken {
    /// Brand, last four digits and expiry of the typed card.
    pub card: Card,
    /// The test-token row the number maps to.
    pub behaves_as: TestToken,
    /// When it was created (for its lifetime).
    pub created: std::time::Instant,
    /// Tokens are single-use.
    pub used: bool,
}

/// An intent plus simulator bookkeeping.
#[derive(Debug, Clone)]
pub struct IntentRecord {
    /// The public object.
    pub intent: PaymentIntent,
    /// Behaviour of the payment method currently attached.
    pub token: TestToken,
    /// Events of this intent, in sequence order (exact JSON sent).
    pub events: Vec<Value>,
    /// Whether `tok_test_timeout_once` already swallowed a response.
    pub timeout_used: bool,
    /// Confirms executed for this intent.
    pub confirms: u32,
}

/// Counters reported by `GET /_sim/stats`.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Stats {
    /// Intents created (replays excluded).
    pub intents_created: u64,
    /// Confirms executed, declines included (replays excluded).
    pub confirms_executed: u64,
    /// Captures, automatic and manual.
    pub captures: u64,
    /// Refunds created.
    pub refunds: u64,
    /// Payment methods saved.
    pub payment_methods_created: u64,
    /// One-time card tokens created (`POST /v1/tokens`).
    pub card_tokens_created: u64,
    /// Declined confirms.
    pub declines: u64,
    /// Responses deliberately swallowed by `tok_test_timeout_once`.
    pub timeouts_injected: u64,
    /// Requests answered `503` by the `unavailable_for_next_requests` scenario.
    pub unavailable_injected: u64,
    /// Events emitted (before any webhook fault injection).
    pub events_emitted: u64,
}

/// The whole mutable state of one gateway simulator.
#[derive(Debug, Default)]
pub struct State {
    /// `pm_…` → record.
    pub methods: HashMap<String, MethodRecord>,
    /// `pi_…` → record.
    pub intents: HashMap<String, IntentRecord>,
    /// Creation order of intents, for listings.
    pub intent_order: Vec<String>,
    /// `re_…` → refund.
    pub refunds: HashMap<String, Refund>,
    /// One-time `tok_…` of the hosted card fields → record.
    pub card_tokens: HashMap<String, CardToken>,
    /// Counters.
    pub stats: Stats,
}
