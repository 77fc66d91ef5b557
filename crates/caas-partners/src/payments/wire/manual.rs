//! Manual capture on the wire: the capture and cancel bodies, the
//! cancellation reason strings, what an intent's status means for an
//! authorization, and the pure classifier of the manual-capture webhooks
//! (`payment_intent.amount_capturable_updated`, `payment_intent.canceled`,
//! `payment_intent.authorization_expired`).

use super::PaymentIntent;
use caas_domain::money::{Currency, Money};
use caas_domain::partners::{
    AuthorizationAnswer, AuthorizationEvent, AuthorizationState, CallError, CancelReason,
    CaptureAnswer,
};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The reason the gateway records for a lapsed authorization.
pub const AUTHORIZATION_EXPIRED: &str = "authorization_expired";

/// Body of `POST /v1/payment_intents/{id}/capture`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaptureIntent {
    /// Minor units (`None`: all of `amount_capturable`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub amount_to_capture: Option<i64>,
}

/// Body of `POST /v1/payment_intents/{id}/cancel`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CancelIntent {
    /// `requested_by_customer`, `duplicate`, `abandoned` or `activation_failed`.
    pub cancellation_reason: String,
}

impl From<CancelReason> for CancelIntent {
    fn from(reason: CancelReason) -> Self {
        Self {
            cancellation_reason: cancel_reason(reason).to_owned(),
        }
    }
}

/// The wire name of a cancel reason.
pub fn cancel_reason(reason: CancelReason) -> &'static str {
    match reason {
        CancelReason::RequestedByCustomer => "requested_by_customer",
        CancelReason::Duplicate => "duplicate",
        CancelReason::Abandoned => "abandoned",
        CancelReason::ActivationFailed => "activation_failed",
    }
}

/// A client cancel reason from its wire name (`None` for anything else,
/// `authorization_expired` included).
pub fn parse_cancel_reason(text: &str) -> Option<CancelReason> {
    CancelReason::ALL
        .into_iter()
        .find(|r| cancel_reason(*r) == text)
}

impl PaymentIntent {
    /// What the intent's status means for a manual-capture authorization.
    pub fn authorization_state(&self) -> AuthorizationState {
        match self.status.as_str() {
            "requires_capture" => AuthorizationState::Authorized {
                expires_at: self.authorization_expires_at,
            },
            "succeeded" => AuthorizationState::Captured,
            "canceled" => match self.cancellation_reason.as_deref() {
                Some(AUTHORIZATION_EXPIRED) => AuthorizationState::Expired,
                reason => AuthorizationState::Canceled {
                    reason: reason.and_then(parse_cancel_reason),
                },
            },
            "requires_payment_method" => {
                let e = self.last_payment_error.clone();
                AuthorizationState::Declined {
                    decline_code: e
                        .as_ref()
                        .and_then(|e| e.decline_code.clone())
                        .unwrap_or_else(|| "declined".into()),
                    message: e.and_then(|e| e.message).unwrap_or_default(),
                }
            }
            _ => AuthorizationState::Processing,
        }
    }

    /// The domain's view of this intent as an authorization.
    pub fn authorization(&self) -> AuthorizationAnswer {
        AuthorizationAnswer {
            intent_id: self.id.clone(),
            state: self.authorization_state(),
        }
    }

    /// The domain's view of a captured intent: what was received.
    pub fn capture_answer(&self) -> Result<CaptureAnswer, CallError> {
        let captured = Currency::parse(&self.currency)
            .and_then(|c| Money::new(self.amount_received, c))
            .map_err(|e| CallError::Refused {
                code: "invalid_response".into(),
                message: format!("captured amount breaks the contract: {e}"),
            })?;
        Ok(CaptureAnswer {
            intent_id: self.id.clone(),
            captured,
        })
    }
}

/// What a manual-capture webhook means, from its `type` and `data.object`
/// (the intent as of the event); `None` for every other type.
pub fn authorization_event(event_type: &str, object: &Value) -> Option<AuthorizationEvent> {
    let text = |field: &str| object.get(field).and_then(Value::as_str);
    match event_type {
        "payment_intent.amount_capturable_updated" => Some(AuthorizationEvent::Authorized {
            expires_at: text("authorization_expires_at")
                .and_then(|t| DateTime::parse_from_rfc3339(t).ok())
                .map(|t| t.with_timezone(&Utc)),
        }),
        "payment_intent.canceled" => match text("cancellation_reason") {
            Some(AUTHORIZATION_EXPIRED) => Some(AuthorizationEvent::AuthorizationExpired),
            reason => Some(AuthorizationEvent::Canceled {
                reason: reason.and_then(parse_cancel_reason),
            }),
        },
        "payment_intent.authorization_expired" => Some(AuthorizationEvent::AuthorizationExpired),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_three_manual_capture_events_are_classified_and_others_ignored() {
        let held = json!({"status": "requires_capture", "authorization_expires_at": "2026-03-08T10:15:00Z"});
        assert_eq!(
            authorization_event("payment_intent.amount_capturable_updated", &held),
            Some(AuthorizationEvent::Authorized {
                expires_at: Some("2026-03-08T10:15:00Z".parse().unwrap())
            })
        );
        let voided = json!({"status": "canceled", "cancellation_reason": "activation_failed"});
        assert_eq!(
            authorization_event("payment_intent.canceled", &voided),
            Some(AuthorizationEvent::Canceled {
                reason: Some(CancelReason::ActivationFailed)
            })
        );
        let lapsed = json!({"status": "canceled", "cancellation_reason": "authorization_expired"});
        assert_eq!(
            authorization_event("payment_intent.authorization_expired", &lapsed),
            Some(AuthorizationEvent::AuthorizationExpired)
        );
        assert_eq!(
            authorization_event("payment_intent.canceled", &json!({})),
            Some(AuthorizationEvent::Canceled { reason: None })
        );
        assert_eq!(authorization_event("payment_intent.succeeded", &held), None);
    }

    #[test]
    fn every_cancel_reason_round_trips_through_its_wire_name() {
        for r in CancelReason::ALL {
            assert_eq!(parse_cancel_reason(cancel_reason(r)), Some(r));
        }
        assert_eq!(parse_cancel_reason(AUTHORIZATION_EXPIRED), None);
    }

    #[test]
    fn an_expired_authorization_is_told_apart_from_a_cancel() {
        let mut pi: PaymentIntent = serde_json::from_value(json!({
            "id": "pi_1", "status": "canceled", "amount": 100, "currency": "EUR",
            "cancellation_reason": "authorization_expired"
        }))
        .unwrap();
        assert_eq!(pi.authorization_state(), AuthorizationState::Expired);
        pi.cancellation_reason = Some("duplicate".into());
        assert_eq!(
            pi.authorization_state(),
            AuthorizationState::Canceled {
                reason: Some(CancelReason::Duplicate)
            }
        );
    }
}
