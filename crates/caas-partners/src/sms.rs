//! HTTP client of the SMS provider (`shared/contracts/notification-providers.md`
//! §2), implementing the [`SmsApi`] port. Delivery receipts arrive by webhook.

use crate::http::{ApiKey, ConfigError, PartnerHttp};
use caas_domain::partners::{SmsAccepted, SmsApi, SmsError, SmsRequest};
use reqwest::Method;
use std::time::Duration;

/// Client timeout recommended by the contract.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(15);

/// REST client of the SMS provider (`SMS_BASE_URL`, `SMS_API_KEY`).
#[derive(Debug, Clone)]
pub struct SmsClient {
    http: PartnerHttp,
}

impl SmsClient {
    /// `base_url` without `/v1`; `timeout` bounds each call (contract: 15 s).
    pub fn new(
        base_url: &str,
        api_key: impl Into<String>,
        timeout: Duration,
    ) -> Result<Self, ConfigError> {
        let http = PartnerHttp::new("sms", base_url, ApiKey::new(api_key), timeout)?;
        Ok(Self { http })
    }
}

#[async_trait::async_trait]
impl SmsApi for SmsClient {
    /// The phone number and text are personal data: only the reference is logged.
    #[tracing::instrument(skip_all, fields(
        partner = "sms",
        reference = %req.reference,
        sender = %req.sender,
        idempotency_key = %key,
    ))]
    async fn send_sms(&self, req: &SmsRequest, key: &str) -> Result<SmsAccepted, SmsError> {
        let url = self.http.url(&["v1", "messages"], &[]);
        let reply = self
            .http
            .send(Method::POST, url, Some(key), Some(req))
            .await?;
        if reply.is_success() {
            let accepted: SmsAccepted = reply.json()?;
            tracing::info!(message_id = %accepted.message_id, "sms accepted");
            return Ok(accepted);
        }
        if reply.status == 422 {
            let error = reply.error();
            return Err(SmsError::Refused {
                code: error.code,
                message: error.message,
            });
        }
        Err(reply.into_call_error().into())
    }
}
