//! Small records of the expediente and operations: timeline entries,
//! estimate revisions, invoices (of payments and of services), refunds, staff alerts, push subscriptions
//! and inbound webhook events.

use crate::ids::{
    AccountId, AlertId, DealershipId, InvoiceId, OrderId, PaymentId, PushSubscriptionId, RefundId,
    SessionId, TimelineId,
};
use crate::money::Money;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

/// An order with everything its expediente lists, from one consistent read.
#[derive(Debug, Clone)]
pub struct OrderFile {
    /// The order.
    pub order: crate::order::Order,
    /// Timeline, oldest first.
    pub timeline: Vec<TimelineEntry>,
    /// Estimate history, oldest first.
    pub estimates: Vec<EstimateRevision>,
    /// Payments, oldest first.
    pub payments: Vec<crate::payment::Payment>,
    /// Invoices, oldest first.
    pub invoices: Vec<Invoice>,
}

/// One entry of an order's timeline (expediente history).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimelineEntry {
    /// Identifier.
    pub id: TimelineId,
    /// Order.
    pub order_id: OrderId,
    /// When it happened (the factory's `occurred_at` for milestones).
    pub at: DateTime<Utc>,
    /// What happened (stored as its key: `sale_registered`, `factory.production_started`…).
    pub kind: crate::timeline::TimelineKind,
    /// Extra facts shown with the entry (estimate, VIN, defects…).
    pub data: serde_json::Value,
    /// Makes the same fact recorded twice a no-op.
    pub dedupe_key: String,
    /// When the platform recorded it.
    pub recorded_at: DateTime<Utc>,
}

/// A change of the factory's completion estimate (MFG-9).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EstimateRevision {
    /// Order.
    pub order_id: OrderId,
    /// When the factory revised it.
    pub at: DateTime<Utc>,
    /// Previous estimate.
    pub previous: Option<NaiveDate>,
    /// New estimate.
    pub new: NaiveDate,
    /// Reason code (`component_shortage`…), if given.
    pub reason_code: Option<String>,
    /// Reason text, if given.
    pub reason: Option<String>,
    /// Source event id.
    pub source: String,
}

/// An issued invoice; the PDF is stored beside it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Invoice {
    /// Identifier.
    pub id: InvoiceId,
    /// Consecutive number (`F-2026-000001`).
    pub number: String,
    /// Order.
    pub order_id: OrderId,
    /// Customer.
    pub customer_id: AccountId,
    /// Payment invoiced.
    pub payment_id: PaymentId,
    /// Line description.
    pub description: String,
    /// Total.
    pub total: Money,
    /// Issue time.
    pub issued_at: DateTime<Utc>,
}

/// The invoice of a captured service (PAY-14): one per purchase, numbered
/// in the same series as [`Invoice`]; the PDF is stored beside it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceInvoice {
    /// Identifier.
    pub id: InvoiceId,
    /// Consecutive number (`F-2026-000001`).
    pub number: String,
    /// The purchase invoiced.
    pub purchase_id: crate::ids::PurchaseId,
    /// The vehicle's order (expediente).
    pub order_id: OrderId,
    /// Customer.
    pub customer_id: AccountId,
    /// Option code.
    pub option_code: String,
    /// Line description.
    pub description: String,
    /// Total.
    pub total: Money,
    /// Issue time.
    pub issued_at: DateTime<Utc>,
}

/// An alert for staff (NOTIF-8).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffAlert {
    /// Identifier.
    pub id: AlertId,
    /// Dealership concerned (None: head office).
    pub dealership_id: Option<DealershipId>,
    /// Order concerned.
    pub order_id: Option<OrderId>,
    /// Kind key (`factory_order_rejected`…).
    pub kind: String,
    /// Text for staff (English facts; the page renders the kind).
    pub message: String,
    /// Makes a repeated alert a no-op while unresolved.
    pub dedupe_key: String,
    /// Raised at.
    pub created_at: DateTime<Utc>,
    /// Resolved at.
    pub resolved_at: Option<DateTime<Utc>>,
    /// Resolved by.
    pub resolved_by: Option<AccountId>,
}

/// A Web Push subscription of a logged-in app installation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PushSubscription {
    /// Identifier.
    pub id: PushSubscriptionId,
    /// Owner.
    pub customer_id: AccountId,
    /// Push service endpoint.
    pub endpoint: String,
    /// Browser public key (base64url).
    pub p256dh: String,
    /// Auth secret (base64url).
    pub auth: String,
    /// Browser description.
    pub user_agent: String,
    /// Registered at.
    pub created_at: DateTime<Utc>,
    /// The session that registered it: the subscription ends with it (NOTIF-4).
    #[serde(default)]
    pub session_id: Option<SessionId>,
}

/// Processing state of an inbound webhook event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InboundState {
    /// Stored, not yet applied (waiting for its turn or its order).
    Pending,
    /// Applied.
    Applied,
    /// Ignored (unknown type, stale).
    Ignored,
}

impl InboundState {
    /// Wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Applied => "applied",
            Self::Ignored => "ignored",
        }
    }

    /// From the wire name.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "pending" => Some(Self::Pending),
            "applied" => Some(Self::Applied),
            "ignored" => Some(Self::Ignored),
            _ => None,
        }
    }
}

/// A webhook event stored before it is acknowledged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InboundEvent {
    /// `factory`, `payments` or `sms`.
    pub source: String,
    /// `webhook-id`.
    pub event_id: String,
    /// Event type.
    pub event_type: String,
    /// Resource the sequence counts for (`fo_…`, `pi_…`, `sms_…`).
    pub resource: String,
    /// Our reference for it (order id), when the event names one.
    pub reference: Option<String>,
    /// Per-resource sequence.
    pub sequence: i64,
    /// Raw JSON body.
    pub body: String,
    /// Received at.
    pub received_at: DateTime<Utc>,
    /// State.
    pub state: InboundState,
}

/// Where a refund stands at the gateway.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum RefundState {
    /// Recorded before the gateway was asked; the gateway's answer is pending.
    Requested,
    /// The gateway refunded it.
    Succeeded,
    /// The gateway refused or failed it (finance is alerted).
    Failed,
}

impl RefundState {
    /// Every state (the schema's CHECK lists the same names).
    pub const ALL: [Self; 3] = [Self::Requested, Self::Succeeded, Self::Failed];

    /// Column value.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Requested => "REQUESTED",
            Self::Succeeded => "SUCCEEDED",
            Self::Failed => "FAILED",
        }
    }
}

/// Money given back for a captured payment (PAY-11): a row tied to the
/// payment it refunds, so the database refuses a refund without a capture,
/// in another currency, or beyond what was captured and not yet refunded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Refund {
    /// Identifier.
    pub id: RefundId,
    /// The captured payment refunded.
    pub payment_id: PaymentId,
    /// Its order.
    pub order_id: OrderId,
    /// Its customer.
    pub customer_id: AccountId,
    /// Amount given back (the payment's currency).
    pub amount: Money,
    /// Where it stands.
    pub state: RefundState,
    /// Why (`senal_reservation_lost`, `senal_sale_cancelled`…).
    pub reason: String,
    /// The gateway call's idempotency key (one refund per key).
    pub idempotency_key: String,
    /// The gateway's `re_…` once it answered.
    pub gateway_refund_id: Option<String>,
    /// Why it failed.
    pub failure: Option<String>,
    /// Optimistic concurrency counter.
    pub version: i64,
    /// Recorded.
    pub created_at: DateTime<Utc>,
    /// Last change.
    pub updated_at: DateTime<Utc>,
}
