//! What happens to an intent after a successful authorization: capture,
//! settlement, chargeback and authorization expiry, each with its event and
//! each later step scheduled on the gateway's timers.

use super::engine::{fee_for, Gateway};
use super::model::{Dispute, IntentRecord, Settlement, Stats};
use super::tokens::TestToken;
use crate::common::new_id;
use chrono::Utc;
use std::sync::Arc;
use std::time::Duration;

/// Authorization validity of ordinary cards (as in production).
const AUTH_VALIDITY: Duration = Duration::from_secs(7 * 24 * 3600);

impl Gateway {
    /// Authorizes `rec`: `requires_capture` for manual capture, otherwise
    /// captured at once.
    pub(crate) fn authorize(self: &Arc<Self>, rec: &mut IntentRecord, stats: &mut Stats) {
        rec.intent.last_payment_error = None;
        if rec.intent.capture_method != "manual" {
            let amount = rec.intent.amount;
            self.capture_now(rec, amount, stats);
            return;
        }
        let expires = rec.token == TestToken::AuthExpires;
        let validity = if expires {
            self.timing.auth_expiry
        } else {
            AUTH_VALIDITY
        };
        rec.intent.status = "requires_capture";
        rec.intent.amount_capturable = rec.intent.amount;
        rec.intent.authorization_expires_at = chrono::Duration::from_std(validity)
            .ok()
            .map(|d| Utc::now() + d);
        self.emit(rec, "payment_intent.amount_capturable_updated", None);
        if expires {
            let id = rec.intent.id.clone();
            self.after(self.timing.auth_expiry, move |gw| {
                gw.expire_authorization(&id)
            });
        }
    }

    /// Captures `amount` of `rec` and schedules its settlement.
    pub(crate) fn capture_now(
        self: &Arc<Self>,
        rec: &mut IntentRecord,
        amount: i64,
        stats: &mut Stats,
    ) {
        stats.captures += 1;
        rec.intent.status = "succeeded";
        rec.intent.amount_received = amount;
        rec.intent.amount_capturable = 0;
        rec.intent.authorization_expires_at = None;
        rec.intent.settlement = Settlement {
            status: "pending",
            ..Settlement::none()
        };
        self.emit(rec, "payment_intent.succeeded", None);
        let id = rec.intent.id.clone();
        self.after(self.timing.settlement, move |gw| gw.settle(&id));
    }

    /// `tok_test_delayed`: the outcome of a `processing` confirm.
    pub(crate) fn finish_processing(self: &Arc<Self>, id: &str) {
        let mut guard = self.lock();
        let st = &mut *guard;
        let Some(rec) = st.intents.get_mut(id) else {
            return;
        };
        if rec.intent.status == "processing" {
            self.authorize(rec, &mut st.stats);
        }
    }

    /// Settlement of a captured intent: `settled`, or `settlement_failed` for
    /// `tok_test_settlement_fails`; schedules the chargeback of
    /// `tok_test_chargeback`.
    fn settle(self: &Arc<Self>, id: &str) {
        let mut st = self.lock();
        let Some(rec) = st.intents.get_mut(id) else {
            return;
        };
        if rec.intent.settlement.status != "pending" {
            return;
        }
        if rec.token == TestToken::SettlementFails {
            rec.intent.settlement = Settlement {
                status: "failed",
                failure_code: Some("insufficient_funds"),
                ..Settlement::none()
            };
            self.emit(rec, "payment_intent.settlement_failed", None);
            return;
        }
        let gross = rec.intent.amount_received;
        let fee = fee_for(gross);
        rec.intent.settlement = Settlement {
            status: "settled",
            settled_at: Some(Utc::now()),
            net_amount: Some(gross - fee),
            fee_amount: Some(fee),
            failure_code: None,
        };
        self.emit(rec, "payment_intent.settled", None);
        if rec.token == TestToken::Chargeback {
            let id = id.to_string();
            self.after(self.timing.chargeback, move |gw| gw.chargeback(&id));
        }
    }

    /// `tok_test_chargeback`: the cardholder disputes the full amount.
    fn chargeback(&self, id: &str) {
        let mut st = self.lock();
        let Some(rec) = st.intents.get_mut(id) else {
            return;
        };
        if rec.intent.dispute.is_some() {
            return;
        }
        rec.intent.dispute = Some(Dispute {
            id: new_id("dp"),
            amount: rec.intent.amount_received,
            reason: "fraudulent",
            created_at: Utc::now(),
        });
        self.emit(rec, "payment_intent.chargeback", None);
    }

    /// `tok_test_auth_expires`: an uncaptured authorization lapses.
    fn expire_authorization(&self, id: &str) {
        let mut st = self.lock();
        let Some(rec) = st.intents.get_mut(id) else {
            return;
        };
        if rec.intent.status != "requires_capture" {
            return;
        }
        rec.intent.status = "canceled";
        rec.intent.cancellation_reason = Some("authorization_expired".into());
        rec.intent.amount_capturable = 0;
        rec.intent.authorization_expires_at = None;
        self.emit(rec, "payment_intent.authorization_expired", None);
    }
}
