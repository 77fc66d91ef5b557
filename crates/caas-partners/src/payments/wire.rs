//! The gateway's wire shapes (`shared/contracts/payment-gateway.md`) and
//! what their status strings mean for the platform: the domain sees only
//! [`ChargeAnswer`], [`RefundAnswer`], the authorization types
//! ([`manual`]) and saved cards ([`cards`]).

mod cards;
mod manual;

pub use cards::{
    CreatePaymentMethod, DeletedPaymentMethod, PaymentMethod, PaymentMethodCard, PaymentMethodList,
};
pub use manual::{
    authorization_event, cancel_reason, parse_cancel_reason, CancelIntent, CaptureIntent,
};

use caas_domain::partners::{ChargeAnswer, ChargeRequest, RefundAnswer, RefundRequest};
use caas_domain::payment::GatewayOutcome;
use caas_domain::records::RefundState;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Body of `POST /v1/payment_intents`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreateIntent {
    /// Minor units.
    pub amount: i64,
    /// ISO 4217.
    pub currency: String,
    /// Our customer id.
    pub customer_reference: String,
    /// Saved `pm_…` or a `tok_…`.
    pub payment_method: String,
    /// `automatic` or `manual`.
    pub capture_method: String,
    /// Create and confirm in one call.
    pub confirm: bool,
    /// Statement text.
    pub description: String,
    /// Echoed metadata (`purpose`, `order_reference`, `payment`).
    pub metadata: BTreeMap<String, String>,
}

impl From<&ChargeRequest> for CreateIntent {
    /// A charge is created, confirmed and captured at once.
    fn from(r: &ChargeRequest) -> Self {
        Self {
            amount: r.amount.minor,
            currency: r.amount.currency.code().to_owned(),
            customer_reference: r.customer_reference.clone(),
            payment_method: r.payment_method.clone(),
            capture_method: "automatic".into(),
            confirm: true,
            description: r.description.clone(),
            metadata: r.metadata.clone(),
        }
    }
}

impl CreateIntent {
    /// An authorization: created and confirmed at once, captured later
    /// (`capture_method: manual`).
    pub fn manual(r: &ChargeRequest) -> Self {
        Self {
            capture_method: "manual".into(),
            ..Self::from(r)
        }
    }
}

/// `last_payment_error` of an intent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaymentError {
    /// `card_declined` or `processing_error`.
    pub code: String,
    /// `insufficient_funds`, `expired_card`, …
    #[serde(default)]
    pub decline_code: Option<String>,
    /// Gateway message.
    #[serde(default)]
    pub message: Option<String>,
}

/// The gateway's PaymentIntent (fields the platform uses).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaymentIntent {
    /// `pi_…`.
    pub id: String,
    /// `requires_confirmation`, `processing`, `requires_capture`, `succeeded`,
    /// `requires_payment_method`, `canceled`.
    pub status: String,
    /// Minor units requested.
    pub amount: i64,
    /// ISO 4217.
    pub currency: String,
    /// Authorized, not yet captured.
    #[serde(default)]
    pub amount_capturable: i64,
    /// Captured amount.
    #[serde(default)]
    pub amount_received: i64,
    /// `automatic` or `manual`.
    #[serde(default)]
    pub capture_method: String,
    /// When an uncaptured authorization lapses.
    #[serde(default)]
    pub authorization_expires_at: Option<DateTime<Utc>>,
    /// `requested_by_customer`, …, `authorization_expired` once canceled.
    #[serde(default)]
    pub cancellation_reason: Option<String>,
    /// Why the last attempt failed.
    #[serde(default)]
    pub last_payment_error: Option<PaymentError>,
    /// Echoed metadata.
    #[serde(default)]
    pub metadata: BTreeMap<String, String>,
    /// Sequence of the latest event.
    #[serde(default)]
    pub last_sequence: i64,
}

impl PaymentIntent {
    /// What the intent's status means for the payment.
    pub fn outcome(&self) -> GatewayOutcome {
        match self.status.as_str() {
            "succeeded" => GatewayOutcome::Captured,
            "requires_payment_method" | "canceled" => {
                let e = self.last_payment_error.clone();
                GatewayOutcome::Declined {
                    code: e
                        .as_ref()
                        .and_then(|e| e.decline_code.clone())
                        .unwrap_or_else(|| "declined".into()),
                    message: e.and_then(|e| e.message).unwrap_or_default(),
                }
            }
            _ => GatewayOutcome::Pending,
        }
    }

    /// The domain's view of this intent.
    pub fn answer(&self) -> ChargeAnswer {
        ChargeAnswer {
            intent_id: self.id.clone(),
            outcome: self.outcome(),
        }
    }
}

/// Body of `POST /v1/refunds`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreateRefund {
    /// The captured intent.
    pub payment_intent: String,
    /// Minor units (`None`: everything refundable).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub amount: Option<i64>,
    /// `requested_by_customer`, `activation_failed`, `duplicate` or `other`.
    pub reason: String,
    /// Echoed back.
    pub metadata: BTreeMap<String, String>,
}

impl From<&RefundRequest> for CreateRefund {
    fn from(r: &RefundRequest) -> Self {
        Self {
            payment_intent: r.intent_id.clone(),
            amount: r.amount.map(|m| m.minor),
            reason: r.reason.clone(),
            metadata: r.metadata.clone(),
        }
    }
}

/// The gateway's Refund (fields the platform uses).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Refund {
    /// `re_…`.
    pub id: String,
    /// The intent refunded.
    pub payment_intent: String,
    /// Minor units.
    pub amount: i64,
    /// `pending`, `succeeded` or `failed` (the final one comes by webhook).
    pub status: String,
    /// Why it failed.
    #[serde(default)]
    pub failure_reason: Option<String>,
}

impl Refund {
    /// The domain's view of this refund.
    pub fn answer(&self) -> RefundAnswer {
        RefundAnswer {
            refund_id: self.id.clone(),
            state: match self.status.as_str() {
                "succeeded" => RefundState::Succeeded,
                "failed" | "canceled" => RefundState::Failed,
                _ => RefundState::Requested,
            },
            failure_reason: self.failure_reason.clone(),
        }
    }
}
