//! HTTP client of the Factory Orders API (`shared/contracts/factory-api.md`),
//! implementing the [`FactoryApi`] port. It classifies answers only; the
//! caller's durable job retries transient failures with the same key.

use crate::http::{ApiKey, ConfigError, PartnerHttp};
use caas_domain::partners::{
    CallError, FactoryApi, FactoryOrder, FactoryOrderError, FactoryOrderRequest, FactoryViolation,
    RawEvent,
};
use reqwest::Method;
use serde::Deserialize;
use std::time::Duration;

/// Client timeout recommended by the contract.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

/// REST client of the factory (`FACTORY_BASE_URL`, `FACTORY_API_KEY`).
#[derive(Debug, Clone)]
pub struct FactoryClient {
    http: PartnerHttp,
}

impl FactoryClient {
    /// `base_url` without `/v1`; `timeout` bounds each call (contract: 30 s).
    pub fn new(
        base_url: &str,
        api_key: impl Into<String>,
        timeout: Duration,
    ) -> Result<Self, ConfigError> {
        let http = PartnerHttp::new("factory", base_url, ApiKey::new(api_key), timeout)?;
        Ok(Self { http })
    }
}

/// Turns a `422 order_validation_failed` details object into violations.
fn violations(details: &serde_json::Value) -> Vec<FactoryViolation> {
    details
        .get("violations")
        .and_then(|v| v.as_array())
        .map(|list| {
            list.iter()
                .filter_map(|v| serde_json::from_value(v.clone()).ok())
                .collect()
        })
        .unwrap_or_default()
}

#[async_trait::async_trait]
impl FactoryApi for FactoryClient {
    #[tracing::instrument(skip_all, fields(
        partner = "factory",
        order_reference = %req.order_reference,
        model_code = %req.model_code,
        idempotency_key = %key,
    ))]
    async fn create_order(
        &self,
        req: &FactoryOrderRequest,
        key: &str,
    ) -> Result<FactoryOrder, FactoryOrderError> {
        let url = self.http.url(&["v1", "orders"], &[]);
        let reply = self
            .http
            .send(Method::POST, url, Some(key), Some(req))
            .await?;
        if reply.is_success() {
            let order: FactoryOrder = reply.json()?;
            tracing::info!(factory_order_id = %order.factory_order_id, "factory order created");
            return Ok(order);
        }
        let error = reply.error();
        match (reply.status, error.code.as_str()) {
            (422, "order_validation_failed") => {
                let list = violations(&error.details);
                tracing::info!(violations = list.len(), "factory rejected the order");
                Err(FactoryOrderError::Rejected(list))
            }
            (409, "duplicate_order_reference") => {
                match error
                    .details
                    .get("factory_order_id")
                    .and_then(|v| v.as_str())
                {
                    Some(id) => Err(FactoryOrderError::Duplicate {
                        factory_order_id: id.to_owned(),
                    }),
                    None => Err(reply.into_call_error().into()),
                }
            }
            _ => Err(reply.into_call_error().into()),
        }
    }

    #[tracing::instrument(skip_all, fields(partner = "factory", factory_order_id = %factory_order_id))]
    async fn get_order(&self, factory_order_id: &str) -> Result<Option<FactoryOrder>, CallError> {
        let url = self.http.url(&["v1", "orders", factory_order_id], &[]);
        let reply = self.http.send::<()>(Method::GET, url, None, None).await?;
        match reply.status {
            404 => Ok(None),
            _ if reply.is_success() => reply.json().map(Some),
            _ => Err(reply.into_call_error()),
        }
    }

    #[tracing::instrument(skip_all, fields(partner = "factory", order_reference = %order_reference))]
    async fn find_order_by_reference(
        &self,
        order_reference: &str,
    ) -> Result<Option<FactoryOrder>, CallError> {
        #[derive(Deserialize)]
        struct List {
            data: Vec<FactoryOrder>,
        }
        let url = self
            .http
            .url(&["v1", "orders"], &[("order_reference", order_reference)]);
        let reply = self.http.send::<()>(Method::GET, url, None, None).await?;
        if !reply.is_success() {
            return Err(reply.into_call_error());
        }
        let list: List = reply.json()?;
        Ok(list
            .data
            .into_iter()
            .find(|o| o.order_reference == order_reference))
    }

    #[tracing::instrument(skip_all, fields(partner = "factory", factory_order_id = %factory_order_id))]
    async fn list_events(&self, factory_order_id: &str) -> Result<Vec<RawEvent>, CallError> {
        let url = self
            .http
            .url(&["v1", "orders", factory_order_id, "events"], &[]);
        let reply = self.http.send::<()>(Method::GET, url, None, None).await?;
        if !reply.is_success() {
            return Err(reply.into_call_error());
        }
        reply.events()
    }
}
