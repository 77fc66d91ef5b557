//! The PaymentIntent state machine driven by the API: create (optionally
//! confirming), confirm, capture and cancel, with the test tokens' behaviour.

use super::engine::{to_value, Gateway};
use super::failure::Failure;
use super::model::{IntentRecord, LastPaymentError, PaymentIntent, Settlement, State};
use super::tokens::TestToken;
use super::validate::{metadata, opt_bool, opt_enum, opt_int, opt_str, req_str};
use crate::common::new_id;
use chrono::Utc;
use serde_json::{json, Value};
use std::sync::Arc;
use std::time::Duration;

/// Largest amount accepted, in minor units.
pub const MAX_AMOUNT: i64 = 99_999_999;
/// Currencies the simulator accepts.
pub const CURRENCIES: [&str; 4] = ["EUR", "GBP", "CHF", "PLN"];
/// Reasons a client may give when canceling.
const CANCEL_REASONS: [&str; 4] = [
    "requested_by_customer",
    "duplicate",
    "abandoned",
    "activation_failed",
];

/// A successful create/confirm: the intent and whether the response must be
/// swallowed (`tok_test_timeout_once`).
#[derive(Debug, Clone)]
pub struct Confirmed {
    /// The intent after the call.
    pub intent: PaymentIntent,
    /// Hold the connection and close it without answering.
    pub swallow_response: bool,
}

/// The behaviour of `payment_method` for `customer` (a test token, a one-time
/// token of the hosted fields, used up here, or the customer's saved `pm_…`),
/// or `422 payment_method_invalid`.
fn resolve_method(
    st: &mut State,
    ttl: Duration,
    customer: &str,
    pm: &str,
) -> Result<TestToken, Failure> {
    if let Some(t) = TestToken::parse(pm) {
        return Ok(t);
    }
    if let Some((_, t)) = st.take_card_token(pm, ttl) {
        return Ok(t);
    }
    match st.methods.get(pm) {
        Some(m) if !m.deleted && m.method.customer_reference == customer => Ok(m.token),
        _ => Err(Failure::new(
            422,
            "payment_method_invalid",
            "The payment method is unknown or belongs to another customer",
        )
        .with_details(json!({"field": "payment_method"}))),
    }
}

fn intent_mut<'a>(st: &'a mut State, id: &str) -> Result<&'a mut IntentRecord, Failure> {
    st.intents
        .get_mut(id)
        .ok_or_else(|| Failure::not_found("payment_intent_not_found", "payment intent"))
}

impl Gateway {
    /// `POST /v1/payment_intents`.
    pub fn create_intent(self: &Arc<Self>, body: &Value) -> Result<Confirmed, Failure> {
        let amount = opt_int(body, "amount")?
            .ok_or_else(|| Failure::invalid("amount", "amount is required"))?;
        if !(1..=MAX_AMOUNT).contains(&amount) {
            return Err(Failure::invalid(
                "amount",
                format!("amount must be 1…{MAX_AMOUNT}"),
            ));
        }
        let currency = req_str(body, "currency")?;
        if currency.len() != 3 || !currency.chars().all(|c| c.is_ascii_uppercase()) {
            return Err(Failure::invalid(
                "currency",
                "currency must be an upper-case ISO 4217 code",
            ));
        }
        if !CURRENCIES.contains(&currency.as_str()) {
            return Err(Failure::new(
                422,
                "currency_not_supported",
                format!("{currency} is not supported"),
            )
            .with_details(json!({"field": "currency"})));
        }
        let customer = req_str(body, "customer_reference")?;
        let pm = req_str(body, "payment_method")?;
        let capture_method = opt_enum(body, "capture_method", &["automatic", "manual"])?
            .unwrap_or_else(|| "automatic".into());
        let confirm = opt_bool(body, "confirm")?;
        let description = opt_str(body, "description")?;
        if description
            .as_ref()
            .is_some_and(|d| d.chars().count() > 500)
        {
            return Err(Failure::invalid(
                "description",
                "description is limited to 500 chars",
            ));
        }
        let metadata = metadata(body)?;

        let mut guard = self.lock();
        let st = &mut *guard;
        let token = resolve_method(st, self.timing.token_ttl, &customer, &pm)?;
        let now = Utc::now();
        let id = new_id("pi");
        let intent = PaymentIntent {
            id: id.clone(),
            status: "requires_confirmation",
            amount,
            currency,
            amount_capturable: 0,
            amount_received: 0,
            amount_refunded: 0,
            capture_method,
            customer_reference: customer,
            payment_method: pm,
            description,
            metadata,
            last_payment_error: None,
            authorization_expires_at: None,
            cancellation_reason: None,
            settlement: Settlement::none(),
            dispute: None,
            last_sequence: 0,
            created_at: now,
            updated_at: now,
        };
        st.stats.intents_created += 1;
        st.intent_order.push(id.clone());
        st.intents.insert(
            id.clone(),
            IntentRecord {
                intent: intent.clone(),
                token,
                events: Vec::new(),
                timeout_used: false,
                confirms: 0,
            },
        );
        if confirm {
            return self.confirm_in(st, &id, None);
        }
        Ok(Confirmed {
            intent,
            swallow_response: false,
        })
    }

    /// `POST /v1/payment_intents/{id}/confirm`.
    pub fn confirm_intent(self: &Arc<Self>, id: &str, body: &Value) -> Result<Confirmed, Failure> {
        let pm = opt_str(body, "payment_method")?;
        let mut guard = self.lock();
        self.confirm_in(&mut guard, id, pm)
    }

    fn confirm_in(
        self: &Arc<Self>,
        st: &mut State,
        id: &str,
        pm: Option<String>,
    ) -> Result<Confirmed, Failure> {
        let rec = intent_mut(st, id)?;
        let (customer, status) = (rec.intent.customer_reference.clone(), rec.intent.status);
        if !matches!(status, "requires_confirmation" | "requires_payment_method") {
            return Err(Failure::unexpected_state(status, "confirm"));
        }
        let new_method = match pm {
            Some(pm) => Some((
                resolve_method(st, self.timing.token_ttl, &customer, &pm)?,
                pm,
            )),
            None => None,
        };
        let State { intents, stats, .. } = st;
        let rec = intents
            .get_mut(id)
            .ok_or_else(|| Failure::not_found("payment_intent_not_found", "payment intent"))?;
        if let Some((token, pm)) = new_method {
            rec.token = token;
            rec.intent.payment_method = pm;
        }
        rec.confirms += 1;
        stats.confirms_executed += 1;
        if let Some(code) = rec.token.decline_code() {
            stats.declines += 1;
            return Err(self.decline(rec, code));
        }
        let swallow = rec.token == TestToken::TimeoutOnce && !rec.timeout_used;
        if swallow {
            rec.timeout_used = true;
            stats.timeouts_injected += 1;
        }
        if rec.token == TestToken::Delayed {
            rec.intent.status = "processing";
            rec.intent.last_payment_error = None;
            rec.intent.updated_at = Utc::now();
            let id = id.to_string();
            self.after(self.timing.processing, move |gw| gw.finish_processing(&id));
        } else {
            self.authorize(rec, stats);
        }
        Ok(Confirmed {
            intent: rec.intent.clone(),
            swallow_response: swallow,
        })
    }

    /// Declines the attempt: `requires_payment_method`, `payment_failed`
    /// event, and the `402 card_declined` answer.
    fn decline(&self, rec: &mut IntentRecord, code: &'static str) -> Failure {
        let message = match code {
            "insufficient_funds" => "Your card has insufficient funds.",
            _ => "Your card has expired.",
        };
        rec.intent.status = "requires_payment_method";
        rec.intent.last_payment_error = Some(LastPaymentError {
            code: "card_declined",
            decline_code: Some(code),
            message: message.into(),
        });
        self.emit(rec, "payment_intent.payment_failed", None);
        let intent = to_value(&rec.intent);
        Failure::new(402, "card_declined", message)
            .with_details(json!({"decline_code": code, "payment_intent": intent}))
    }

    /// `POST /v1/payment_intents/{id}/capture`.
    pub fn capture_intent(
        self: &Arc<Self>,
        id: &str,
        body: &Value,
    ) -> Result<PaymentIntent, Failure> {
        let requested = opt_int(body, "amount_to_capture")?;
        let mut guard = self.lock();
        let State { intents, stats, .. } = &mut *guard;
        let rec = intents
            .get_mut(id)
            .ok_or_else(|| Failure::not_found("payment_intent_not_found", "payment intent"))?;
        if rec.intent.status != "requires_capture" {
            return Err(Failure::unexpected_state(rec.intent.status, "capture"));
        }
        let amount = requested.unwrap_or(rec.intent.amount_capturable);
        if amount < 1 {
            return Err(Failure::invalid(
                "amount_to_capture",
                "amount_to_capture must be positive",
            ));
        }
        if amount > rec.intent.amount_capturable {
            return Err(Failure::new(
                422,
                "amount_too_large",
                "amount_to_capture exceeds amount_capturable",
            )
            .with_details(json!({"field": "amount_to_capture"})));
        }
        self.capture_now(rec, amount, stats);
        Ok(rec.intent.clone())
    }

    /// `POST /v1/payment_intents/{id}/cancel` (repeat cancels answer 200).
    pub fn cancel_intent(&self, id: &str, body: &Value) -> Result<PaymentIntent, Failure> {
        let reason = opt_enum(body, "cancellation_reason", &CANCEL_REASONS)?;
        let mut st = self.lock();
        let rec = intent_mut(&mut st, id)?;
        match rec.intent.status {
            "canceled" => {}
            "requires_confirmation" | "requires_payment_method" | "requires_capture" => {
                rec.intent.status = "canceled";
                rec.intent.cancellation_reason = reason;
                rec.intent.amount_capturable = 0;
                rec.intent.authorization_expires_at = None;
                self.emit(rec, "payment_intent.canceled", None);
            }
            other => return Err(Failure::unexpected_state(other, "cancel")),
        }
        Ok(rec.intent.clone())
    }

    /// `GET /v1/payment_intents/{id}`.
    pub fn get_intent(&self, id: &str) -> Result<PaymentIntent, Failure> {
        intent_mut(&mut self.lock(), id).map(|r| r.intent.clone())
    }

    /// `GET /v1/payment_intents/{id}/events`: every event, in sequence order.
    pub fn intent_events(&self, id: &str) -> Result<Vec<Value>, Failure> {
        intent_mut(&mut self.lock(), id).map(|r| r.events.clone())
    }
}
