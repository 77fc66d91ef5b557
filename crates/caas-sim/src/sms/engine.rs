//! The SMS provider's core: request validation (E.164, body length by
//! encoding, sender id), the contract's test numbers and the receipts each
//! message gets, emitted as signed webhooks with a per-message `sequence`.

use super::config::ReceiptTiming;
use super::encoding::{segment, Encoding};
use super::validate::{unprocessable, validate, Submission};
use crate::common::http::ApiError;
use crate::common::new_id;
use crate::common::webhooks::{envelope, OutgoingEvent, WebhookSender};
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::{json, Value};
use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex, MutexGuard};

/// What happens to a message, decided by its destination.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fate {
    /// `sent`, then `delivered` (`+34699000001` and any ordinary number).
    Delivered,
    /// `sent`, then `failed` / `unreachable` (`+34699000002`).
    Unreachable,
    /// Refused with `422 invalid_destination` (`+34699000003`).
    InvalidDestination,
    /// `sent`, then `expired` (`+34699000004`).
    Expires,
    /// `sent` and no final receipt (`+34699000005`).
    NoFinalReceipt,
}

impl Fate {
    /// The fate of a message to `to` (already E.164-valid).
    pub fn for_number(to: &str) -> Self {
        match to {
            "+34699000002" => Self::Unreachable,
            "+34699000003" => Self::InvalidDestination,
            "+34699000004" => Self::Expires,
            "+34699000005" => Self::NoFinalReceipt,
            _ => Self::Delivered,
        }
    }
}

/// The Message object of the contract.
#[derive(Debug, Clone, Serialize)]
pub struct Message {
    /// `sms_…`.
    pub message_id: String,
    /// `queued`, `sent`, `delivered`, `failed`, `expired`.
    pub status: &'static str,
    /// E.164 destination.
    pub to: String,
    /// Platform reference, echoed in receipts.
    pub reference: Option<String>,
    /// Segments billed.
    pub segments: u32,
    /// `gsm7` or `ucs2`.
    pub encoding: Encoding,
    /// Failure reason (`unreachable`…), failures only.
    pub error_code: Option<&'static str>,
    /// Acceptance time.
    pub created_at: DateTime<Utc>,
    /// Last status change.
    pub updated_at: DateTime<Utc>,
}

/// A message plus what only the simulator's controls show.
#[derive(Debug, Clone, Serialize)]
pub struct MessageRecord {
    /// The public object.
    #[serde(flatten)]
    pub message: Message,
    /// Text as received.
    pub body: String,
    /// Sender id as received.
    pub sender: String,
    /// Validity period in seconds.
    pub validity_period_s: i64,
    /// Sequence of the latest receipt.
    pub last_sequence: i64,
    /// Receipt types emitted, in order.
    pub receipts: Vec<String>,
}

/// Counters for `GET /_sim/stats`.
#[derive(Debug, Clone, Default, Serialize)]
pub struct SmsStats {
    /// Messages accepted (`202`, replays excluded).
    pub messages_accepted: u64,
    /// Requests refused with `422`.
    pub messages_rejected: u64,
    /// Segments of accepted messages.
    pub segments_accepted: u64,
    /// Receipts emitted (before webhook fault injection).
    pub receipts_emitted: u64,
}

/// Mutable state of one provider simulator.
#[derive(Debug, Default)]
pub struct SmsState {
    /// `sms_…` → record.
    pub messages: HashMap<String, MessageRecord>,
    /// Acceptance order.
    pub order: Vec<String>,
    /// Numbers that opted out (`422 destination_blocked`).
    pub blocked: HashSet<String>,
    /// Counters.
    pub stats: SmsStats,
}

/// One simulated SMS provider.
#[derive(Debug)]
pub struct Provider {
    timing: ReceiptTiming,
    state: Mutex<SmsState>,
    webhooks: WebhookSender,
    stop: tokio::sync::watch::Sender<bool>,
}

impl Provider {
    /// A provider with no messages.
    pub fn new(timing: ReceiptTiming, webhooks: WebhookSender) -> Arc<Self> {
        Arc::new(Self {
            timing,
            state: Mutex::new(SmsState::default()),
            webhooks,
            stop: tokio::sync::watch::channel(false).0,
        })
    }

    /// Locks the state (poisoning is recovered).
    pub fn lock(&self) -> MutexGuard<'_, SmsState> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Stops pending receipts (on shutdown).
    pub fn stop(&self) {
        self.stop.send_replace(true);
    }

    /// `POST /v1/messages`: validates, stores and schedules receipts.
    pub fn accept(self: &Arc<Self>, body: &Value) -> Result<Message, ApiError> {
        let result = validate(body);
        let mut st = self.lock();
        let Submission {
            to,
            text,
            sender,
            reference,
            validity,
        } = match result {
            Ok(v) => v,
            Err(e) => {
                if e.status == StatusCode::UNPROCESSABLE_ENTITY {
                    st.stats.messages_rejected += 1;
                }
                return Err(e);
            }
        };
        if st.blocked.contains(&to) {
            st.stats.messages_rejected += 1;
            return Err(unprocessable(
                "destination_blocked",
                "The recipient opted out",
                "to",
            ));
        }
        let seg = segment(&text);
        let now = Utc::now();
        let message = Message {
            message_id: new_id("sms"),
            status: "queued",
            to,
            reference,
            segments: seg.segments,
            encoding: seg.encoding,
            error_code: None,
            created_at: now,
            updated_at: now,
        };
        st.stats.messages_accepted += 1;
        st.stats.segments_accepted += u64::from(seg.segments);
        st.order.push(message.message_id.clone());
        st.messages.insert(
            message.message_id.clone(),
            MessageRecord {
                message: message.clone(),
                body: text,
                sender,
                validity_period_s: validity,
                last_sequence: 0,
                receipts: Vec::new(),
            },
        );
        self.schedule_receipts(&message.message_id, Fate::for_number(&message.to));
        Ok(message)
    }

    /// `GET /v1/messages/{id}`.
    pub fn get(&self, id: &str) -> Option<Message> {
        self.lock().messages.get(id).map(|r| r.message.clone())
    }

    fn schedule_receipts(self: &Arc<Self>, id: &str, fate: Fate) {
        let t = self.timing;
        let last = match fate {
            Fate::Delivered => Some((t.delivered, "delivered", None)),
            Fate::Unreachable => Some((t.failed, "failed", Some("unreachable"))),
            Fate::Expires => Some((t.expired, "expired", None)),
            Fate::NoFinalReceipt | Fate::InvalidDestination => None,
        };
        let provider = Arc::clone(self);
        let id = id.to_string();
        let mut stop = self.stop.subscribe();
        tokio::spawn(async move {
            let steps = std::iter::once((t.sent, "sent", None)).chain(last);
            let start = tokio::time::Instant::now();
            for (at, status, error) in steps {
                tokio::select! {
                    _ = tokio::time::sleep_until(start + at) => provider.receipt(&id, status, error),
                    _ = stop.wait_for(|s| *s) => return,
                }
            }
        });
    }

    /// Moves the message to `status` and emits `message.<status>`.
    fn receipt(&self, id: &str, status: &'static str, error_code: Option<&'static str>) {
        let mut st = self.lock();
        st.stats.receipts_emitted += 1;
        let Some(rec) = st.messages.get_mut(id) else {
            return;
        };
        let now = Utc::now();
        rec.message.status = status;
        rec.message.error_code = error_code;
        rec.message.updated_at = now;
        rec.last_sequence += 1;
        let kind = format!("message.{status}");
        rec.receipts.push(kind.clone());
        let mut data = json!({
            "message_id": id,
            "reference": rec.message.reference,
            "to": rec.message.to,
            "status": status,
            "sequence": rec.last_sequence,
        });
        if let Some(code) = error_code {
            data["error_code"] = json!(code);
        }
        let event = envelope(&new_id("evt_sms"), &kind, now, data);
        match OutgoingEvent::from_envelope(id, &event) {
            Ok(out) => self.webhooks.send(out),
            Err(err) => tracing::error!(%err, "SMS receipt not sent"),
        }
    }
}
