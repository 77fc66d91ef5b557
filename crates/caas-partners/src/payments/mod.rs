//! HTTP client of the card payment gateway (`shared/contracts/payment-gateway.md`),
//! implementing the [`PaymentGateway`] port in the domain's terms: the wire
//! shapes and what their status strings mean are in [`wire`]; manual capture
//! is in `manual`, saved cards in `cards`. It classifies answers only; a lost
//! response is resolved by the caller retrying with the same key or GET.

mod cards;
mod manual;
pub mod wire;

use crate::http::{ApiKey, ConfigError, PartnerHttp, Reply};
use caas_domain::money::Money;
use caas_domain::partners::{
    AuthorizationAnswer, CallError, CancelError, CancelReason, CaptureAnswer, CaptureError,
    ChargeAnswer, ChargeRequest, PaymentCallError, PaymentGateway, RawEvent, RefundAnswer,
    RefundRequest, SavedCard,
};
use reqwest::Method;
use std::time::Duration;
use wire::{CreateIntent, CreateRefund, PaymentIntent, Refund};

/// Client timeout recommended by the contract.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

/// REST client of the gateway (`PAYMENT_BASE_URL`, `PAYMENT_API_KEY`).
#[derive(Debug, Clone)]
pub struct PaymentsClient {
    http: PartnerHttp,
}

impl PaymentsClient {
    /// `base_url` without `/v1`; `timeout` bounds each call (contract: 30 s).
    pub fn new(
        base_url: &str,
        api_key: impl Into<String>,
        timeout: Duration,
    ) -> Result<Self, ConfigError> {
        let http = PartnerHttp::new("payments", base_url, ApiKey::new(api_key), timeout)?;
        Ok(Self { http })
    }
}

#[async_trait::async_trait]
impl PaymentGateway for PaymentsClient {
    #[tracing::instrument(skip_all, fields(
        partner = "payments",
        customer_reference = %req.customer_reference,
        amount = req.amount.minor,
        currency = %req.amount.currency.code(),
        idempotency_key = %key,
    ))]
    async fn charge(
        &self,
        req: &ChargeRequest,
        key: &str,
    ) -> Result<ChargeAnswer, PaymentCallError> {
        let req = CreateIntent::from(req);
        let url = self.http.url(&["v1", "payment_intents"], &[]);
        let reply = self
            .http
            .send(Method::POST, url, Some(key), Some(&req))
            .await?;
        if reply.is_success() {
            let intent: PaymentIntent = reply.json()?;
            tracing::info!(intent_id = %intent.id, status = %intent.status, "payment intent created");
            return Ok(intent.answer());
        }
        Err(intent_refusal(reply))
    }

    #[tracing::instrument(skip_all, fields(partner = "payments", intent_id = %id))]
    async fn find_charge(&self, id: &str) -> Result<Option<ChargeAnswer>, CallError> {
        let url = self.http.url(&["v1", "payment_intents", id], &[]);
        let reply = self.http.send::<()>(Method::GET, url, None, None).await?;
        match reply.status {
            404 => Ok(None),
            _ if reply.is_success() => reply.json::<PaymentIntent>().map(|i| Some(i.answer())),
            _ => Err(reply.into_call_error()),
        }
    }

    #[tracing::instrument(skip_all, fields(partner = "payments", intent_id = %id))]
    async fn list_intent_events(&self, id: &str) -> Result<Vec<RawEvent>, CallError> {
        let url = self.http.url(&["v1", "payment_intents", id, "events"], &[]);
        let reply = self.http.send::<()>(Method::GET, url, None, None).await?;
        if !reply.is_success() {
            return Err(reply.into_call_error());
        }
        reply.events()
    }

    #[tracing::instrument(skip_all, fields(intent = %req.intent_id))]
    async fn refund(
        &self,
        req: &RefundRequest,
        key: &str,
    ) -> Result<RefundAnswer, PaymentCallError> {
        let req = CreateRefund::from(req);
        let url = self.http.url(&["v1", "refunds"], &[]);
        let reply = self
            .http
            .send(Method::POST, url, Some(key), Some(&req))
            .await?;
        if reply.is_success() {
            let refund: Refund = reply.json()?;
            tracing::info!(refund_id = %refund.id, status = %refund.status, "refund created");
            return Ok(refund.answer());
        }
        match reply.status {
            409 | 422 => {
                let error = reply.error();
                Err(PaymentCallError::Invalid {
                    code: error.code,
                    message: error.message,
                })
            }
            _ => Err(reply.into_call_error().into()),
        }
    }

    async fn authorize(
        &self,
        req: &ChargeRequest,
        key: &str,
    ) -> Result<AuthorizationAnswer, PaymentCallError> {
        self.authorize_intent(req, key).await
    }

    async fn capture(
        &self,
        intent_id: &str,
        amount: Option<Money>,
        key: &str,
    ) -> Result<CaptureAnswer, CaptureError> {
        self.capture_intent(intent_id, amount, key).await
    }

    async fn cancel(
        &self,
        intent_id: &str,
        reason: CancelReason,
        key: &str,
    ) -> Result<(), CancelError> {
        self.cancel_intent(intent_id, reason, key).await
    }

    async fn find_authorization(
        &self,
        intent_id: &str,
    ) -> Result<Option<AuthorizationAnswer>, CallError> {
        self.get_authorization(intent_id).await
    }

    async fn save_card(
        &self,
        customer_reference: &str,
        token: &str,
        key: &str,
    ) -> Result<SavedCard, PaymentCallError> {
        self.create_method(customer_reference, token, key).await
    }

    async fn list_cards(&self, customer_reference: &str) -> Result<Vec<SavedCard>, CallError> {
        self.list_methods(customer_reference).await
    }

    async fn delete_card(&self, id: &str) -> Result<bool, CallError> {
        self.delete_method(id).await
    }
}

/// A refused `POST /v1/payment_intents`: `402 card_declined` is
/// [`PaymentCallError::Declined`], a 422 is [`PaymentCallError::Invalid`],
/// the rest is classified.
fn intent_refusal(reply: Reply) -> PaymentCallError {
    let error = reply.error();
    match (reply.status, error.code.as_str()) {
        (402, "card_declined") => {
            let decline_code = error
                .details
                .get("decline_code")
                .and_then(|v| v.as_str())
                .unwrap_or("unknown")
                .to_owned();
            let intent = error
                .details
                .get("payment_intent")
                .and_then(|v| serde_json::from_value::<PaymentIntent>(v.clone()).ok());
            tracing::info!(%decline_code, "card declined");
            PaymentCallError::Declined {
                decline_code,
                message: error.message,
                intent_id: intent.map(|i| i.id),
            }
        }
        (422, _) => PaymentCallError::Invalid {
            code: error.code,
            message: error.message,
        },
        _ => reply.into_call_error().into(),
    }
}
