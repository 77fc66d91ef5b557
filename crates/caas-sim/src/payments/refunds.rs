//! Refunds: created `pending`, final status by webhook after the refund
//! delay (`refund.failed` with `card_closed` for `tok_test_refund_fails`).

use super::engine::{to_value, Gateway};
use super::failure::Failure;
use super::model::{Refund, State};
use super::tokens::TestToken;
use super::validate::{metadata, opt_enum, opt_int, req_str};
use crate::common::new_id;
use chrono::Utc;
use serde_json::{json, Value};
use std::sync::Arc;

/// Reasons a refund may give.
const REASONS: [&str; 4] = [
    "requested_by_customer",
    "activation_failed",
    "duplicate",
    "other",
];

impl Gateway {
    /// `POST /v1/refunds`.
    pub fn create_refund(self: &Arc<Self>, body: &Value) -> Result<Refund, Failure> {
        let pi = req_str(body, "payment_intent")?;
        let requested = opt_int(body, "amount")?;
        let reason = opt_enum(body, "reason", &REASONS)?;
        let metadata = metadata(body)?;
        let mut guard = self.lock();
        let State {
            intents,
            refunds,
            stats,
            ..
        } = &mut *guard;
        let rec = intents
            .get(&pi)
            .ok_or_else(|| Failure::not_found("payment_intent_not_found", "payment intent"))?;
        if rec.intent.status != "succeeded" {
            return Err(Failure::unexpected_state(rec.intent.status, "refund"));
        }
        let pending: i64 = refunds
            .values()
            .filter(|r| r.payment_intent == pi && r.status == "pending")
            .map(|r| r.amount)
            .sum();
        let available = rec.intent.amount_received - rec.intent.amount_refunded - pending;
        let amount = requested.unwrap_or(available);
        if requested.is_some_and(|a| a < 1) {
            return Err(Failure::invalid("amount", "amount must be positive"));
        }
        if amount < 1 || amount > available {
            return Err(Failure::new(
                422,
                "refund_exceeds_available",
                format!("Only {available} can still be refunded"),
            )
            .with_details(json!({"field": "amount", "available": available})));
        }
        let refund = Refund {
            id: new_id("re"),
            payment_intent: pi,
            amount,
            currency: rec.intent.currency.clone(),
            status: "pending",
            failure_reason: None,
            reason,
            metadata,
            created_at: Utc::now(),
        };
        stats.refunds += 1;
        refunds.insert(refund.id.clone(), refund.clone());
        let id = refund.id.clone();
        self.after(self.timing.refund, move |gw| gw.finish_refund(&id));
        Ok(refund)
    }

    /// `GET /v1/refunds/{id}`.
    pub fn get_refund(&self, id: &str) -> Result<Refund, Failure> {
        self.lock()
            .refunds
            .get(id)
            .cloned()
            .ok_or_else(|| Failure::not_found("refund_not_found", "refund"))
    }

    /// The refund's outcome, with its event on the intent's sequence.
    fn finish_refund(&self, id: &str) {
        let mut guard = self.lock();
        let State {
            intents, refunds, ..
        } = &mut *guard;
        let Some(refund) = refunds.get_mut(id) else {
            return;
        };
        let Some(rec) = intents.get_mut(&refund.payment_intent) else {
            return;
        };
        if refund.status != "pending" {
            return;
        }
        let kind = if rec.token == TestToken::RefundFails {
            refund.status = "failed";
            refund.failure_reason = Some("card_closed");
            "refund.failed"
        } else {
            refund.status = "succeeded";
            rec.intent.amount_refunded += refund.amount;
            "refund.succeeded"
        };
        self.emit(rec, kind, Some(to_value(refund)));
    }
}
