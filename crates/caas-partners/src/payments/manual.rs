//! Manual capture calls of the gateway client: authorize (create + confirm
//! with `capture_method: manual`), capture, cancel, and reading an
//! authorization back. Answers are classified, never retried.

use super::wire::{CancelIntent, CaptureIntent, CreateIntent, PaymentIntent};
use super::{intent_refusal, PaymentsClient};
use caas_domain::money::Money;
use caas_domain::partners::{
    AuthorizationAnswer, CallError, CancelError, CancelReason, CaptureAnswer, CaptureError,
    ChargeRequest, PaymentCallError,
};
use reqwest::Method;

/// The contract's state-conflict code of capture and cancel.
const UNEXPECTED_STATE: &str = "payment_intent_unexpected_state";

impl PaymentsClient {
    /// `POST /v1/payment_intents` with `confirm: true, capture_method: manual`.
    #[tracing::instrument(skip_all, fields(
        partner = "payments",
        customer_reference = %req.customer_reference,
        amount = req.amount.minor,
        currency = %req.amount.currency.code(),
        idempotency_key = %key,
    ))]
    pub(super) async fn authorize_intent(
        &self,
        req: &ChargeRequest,
        key: &str,
    ) -> Result<AuthorizationAnswer, PaymentCallError> {
        let body = CreateIntent::manual(req);
        let url = self.http.url(&["v1", "payment_intents"], &[]);
        let reply = self
            .http
            .send(Method::POST, url, Some(key), Some(&body))
            .await?;
        if !reply.is_success() {
            return Err(intent_refusal(reply));
        }
        let intent: PaymentIntent = reply.json()?;
        tracing::info!(intent_id = %intent.id, status = %intent.status, "authorization requested");
        Ok(intent.authorization())
    }

    /// `POST /v1/payment_intents/{id}/capture`.
    #[tracing::instrument(skip_all, fields(partner = "payments", intent_id = %id, idempotency_key = %key))]
    pub(super) async fn capture_intent(
        &self,
        id: &str,
        amount: Option<Money>,
        key: &str,
    ) -> Result<CaptureAnswer, CaptureError> {
        let body = CaptureIntent {
            amount_to_capture: amount.map(|m| m.minor),
        };
        let url = self
            .http
            .url(&["v1", "payment_intents", id, "capture"], &[]);
        let reply = self
            .http
            .send(Method::POST, url, Some(key), Some(&body))
            .await?;
        if reply.is_success() {
            let intent: PaymentIntent = reply.json()?;
            tracing::info!(captured = intent.amount_received, "authorization captured");
            return Ok(intent.capture_answer()?);
        }
        let error = reply.error();
        if reply.status == 409 && error.code == UNEXPECTED_STATE {
            let status = conflict_status(&error.details);
            tracing::info!(%status, "authorization not capturable");
            return Err(CaptureError::NotCapturable { status });
        }
        Err(reply.into_call_error().into())
    }

    /// `POST /v1/payment_intents/{id}/cancel` with a reason.
    #[tracing::instrument(skip_all, fields(partner = "payments", intent_id = %id, idempotency_key = %key))]
    pub(super) async fn cancel_intent(
        &self,
        id: &str,
        reason: CancelReason,
        key: &str,
    ) -> Result<(), CancelError> {
        let body = CancelIntent::from(reason);
        let url = self.http.url(&["v1", "payment_intents", id, "cancel"], &[]);
        let reply = self
            .http
            .send(Method::POST, url, Some(key), Some(&body))
            .await?;
        if reply.is_success() {
            tracing::info!(reason = %body.cancellation_reason, "authorization canceled");
            return Ok(());
        }
        let error = reply.error();
        if reply.status == 409 && error.code == UNEXPECTED_STATE {
            let status = conflict_status(&error.details);
            if status == "succeeded" {
                return Err(CancelError::AlreadyCaptured);
            }
            return Err(CancelError::Call(CallError::Refused {
                code: error.code,
                message: format!("cannot cancel in status {status}: {}", error.message),
            }));
        }
        Err(reply.into_call_error().into())
    }

    /// `GET /v1/payment_intents/{id}` as an authorization; `None` on 404.
    #[tracing::instrument(skip_all, fields(partner = "payments", intent_id = %id))]
    pub(super) async fn get_authorization(
        &self,
        id: &str,
    ) -> Result<Option<AuthorizationAnswer>, CallError> {
        let url = self.http.url(&["v1", "payment_intents", id], &[]);
        let reply = self.http.send::<()>(Method::GET, url, None, None).await?;
        match reply.status {
            404 => Ok(None),
            _ if reply.is_success() => reply
                .json::<PaymentIntent>()
                .map(|i| Some(i.authorization())),
            _ => Err(reply.into_call_error()),
        }
    }
}

/// `details.status` of a `409 payment_intent_unexpected_state`.
fn conflict_status(details: &serde_json::Value) -> String {
    details
        .get("status")
        .and_then(|v| v.as_str())
        .unwrap_or("unknown")
        .to_owned()
}
