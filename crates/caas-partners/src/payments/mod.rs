//! HTTP client of the card payment gateway (`shared/contracts/payment-gateway.md`),
//! implementing the [`PaymentGateway`] port in the domain's terms: the wire
//! shapes and what their status strings mean are in [`wire`]. It classifies
//! answers only; a lost response is resolved by the caller retrying with the
//! same key or GET.

pub mod wire;

use crate::http::{ApiKey, ConfigError, PartnerHttp};
use caas_domain::partners::{
    CallError, ChargeAnswer, ChargeRequest, PaymentCallError, PaymentGateway, RawEvent,
    RefundAnswer, RefundRequest,
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
                Err(PaymentCallError::Declined {
                    decline_code,
                    message: error.message,
                    intent_id: intent.map(|i| i.id),
                })
            }
            (422, _) => Err(PaymentCallError::Invalid {
                code: error.code,
                message: error.message,
            }),
            _ => Err(reply.into_call_error().into()),
        }
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
}
