//! Read-only client of the workshop network's Vehicle Service System
//! (`shared/contracts/vss-api.md`): the maintenance record and the
//! compliance of a VIN, with conditional requests (`If-None-Match` → `304`).
//! It only classifies answers; caching and the serve-stale policy belong to
//! the caller. Failures are [`CallError`]s: 429, 5xx, timeouts and
//! connection errors are transient (with `Retry-After`), 401/403
//! unauthorized, anything else (e.g. `400 invalid_vin`) refused. It is the
//! domain's [`caas_domain::maintenance::VssApi`] (wire → domain in `port`).

mod model;
mod port;

pub use model::{
    VssBlock, VssCompliance, VssMaintenanceRecord, VssOperation, VssVisit, VssWorkshop,
};

use crate::http::{classify, ConfigError, Failure, Reply, REQUEST_ID};
use caas_domain::partners::CallError;
use reqwest::header::{
    HeaderValue, AUTHORIZATION, CACHE_CONTROL, ETAG, IF_NONE_MATCH, RETRY_AFTER,
};
use reqwest::Url;
use serde::de::DeserializeOwned;
use std::time::Duration;

/// Client timeout of the contract.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(5);

/// The answer to a VSS read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VssAnswer<T> {
    /// `200`: a new body with its validator.
    Fresh {
        /// Parsed body.
        body: T,
        /// `ETag` to send as `If-None-Match` next time.
        etag: Option<String>,
        /// `max-age` of `Cache-Control` (900 by contract).
        max_age_secs: Option<u64>,
    },
    /// `304`: the caller's copy (sent as `If-None-Match`) is still current.
    NotModified,
    /// `404 vehicle_not_found`: VSS has no data for this VIN (do not retry soon).
    NotFound,
}

/// REST client of VSS (`VSS_BASE_URL`, `VSS_API_KEY`). `Debug` hides the key.
#[derive(Debug, Clone)]
pub struct VssClient {
    base_url: Url,
    bearer: HeaderValue,
    client: reqwest::Client,
}

impl VssClient {
    /// `base_url` without `/v1`; `timeout` bounds each call (contract: 5 s).
    pub fn new(
        base_url: &str,
        api_key: impl Into<String>,
        timeout: Duration,
    ) -> Result<Self, ConfigError> {
        let base_url = Url::parse(base_url).map_err(|e| ConfigError::BaseUrl(e.to_string()))?;
        if base_url.cannot_be_a_base() || !matches!(base_url.scheme(), "http" | "https") {
            return Err(ConfigError::BaseUrl(format!(
                "{} is not an http(s) base URL",
                base_url.as_str()
            )));
        }
        let mut bearer = HeaderValue::try_from(format!("Bearer {}", api_key.into()))
            .map_err(|_| ConfigError::Client("API key is not a valid header value".into()))?;
        bearer.set_sensitive(true);
        let client = reqwest::Client::builder()
            .timeout(timeout)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| ConfigError::Client(e.to_string()))?;
        Ok(Self {
            base_url,
            bearer,
            client,
        })
    }

    /// `GET /v1/vehicles/{vin}/compliance`, conditional on `etag` when given.
    pub async fn get_compliance(
        &self,
        vin: &str,
        etag: Option<&str>,
    ) -> Result<VssAnswer<VssCompliance>, CallError> {
        self.fetch(vin, "compliance", etag).await
    }

    /// `GET /v1/vehicles/{vin}/maintenance-record`, conditional on `etag` when given.
    pub async fn get_maintenance_record(
        &self,
        vin: &str,
        etag: Option<&str>,
    ) -> Result<VssAnswer<VssMaintenanceRecord>, CallError> {
        self.fetch(vin, "maintenance-record", etag).await
    }

    fn url(&self, vin: &str, endpoint: &str) -> Url {
        let mut url = self.base_url.clone();
        // `new` checked that the base URL can take a path.
        if let Ok(mut path) = url.path_segments_mut() {
            path.pop_if_empty()
                .extend(["v1", "vehicles", vin, endpoint]);
        }
        url
    }

    #[tracing::instrument(skip_all, fields(partner = "vss", vin = %vin, endpoint = %endpoint, status = tracing::field::Empty))]
    async fn fetch<T: DeserializeOwned>(
        &self,
        vin: &str,
        endpoint: &str,
        etag: Option<&str>,
    ) -> Result<VssAnswer<T>, CallError> {
        let transport = |e| classify(Failure::Transport(e));
        let mut req = self
            .client
            .get(self.url(vin, endpoint))
            .header(AUTHORIZATION, self.bearer.clone())
            .header(REQUEST_ID, uuid::Uuid::new_v4().to_string());
        if let Some(tag) = etag {
            let value = HeaderValue::from_str(tag).map_err(|_| CallError::Refused {
                code: "invalid_etag".into(),
                message: "the cached ETag is not a valid header value".into(),
            })?;
            req = req.header(IF_NONE_MATCH, value);
        }
        let resp = req.send().await.map_err(transport)?;
        let status = resp.status().as_u16();
        tracing::Span::current().record("status", status);
        let header = |name| {
            resp.headers()
                .get(name)
                .and_then(|v: &HeaderValue| v.to_str().ok())
                .map(str::to_owned)
        };
        let (etag, cache_control) = (header(ETAG), header(CACHE_CONTROL));
        let retry_after_secs = header(RETRY_AFTER).and_then(|v| v.trim().parse().ok());
        let body = resp.bytes().await.map_err(transport)?.to_vec();
        let reply = Reply {
            status,
            body,
            retry_after_secs,
        };
        match status {
            304 => Ok(VssAnswer::NotModified),
            404 if reply.error().code == "vehicle_not_found" => Ok(VssAnswer::NotFound),
            200..=299 => Ok(VssAnswer::Fresh {
                body: reply.json()?,
                etag,
                max_age_secs: cache_control.as_deref().and_then(max_age),
            }),
            _ => {
                tracing::warn!(status, "VSS answered with an error");
                Err(reply.into_call_error())
            }
        }
    }
}

/// The `max-age` directive of a `Cache-Control` value.
fn max_age(cache_control: &str) -> Option<u64> {
    cache_control.split(',').find_map(|d| {
        let (name, value) = d.trim().split_once('=')?;
        name.trim()
            .eq_ignore_ascii_case("max-age")
            .then(|| value.trim().trim_matches('"').parse().ok())?
    })
}

#[cfg(test)]
mod tests {
    use super::max_age;

    #[test]
    fn max_age_is_read_from_cache_control() {
        assert_eq!(max_age("private, max-age=900"), Some(900));
        assert_eq!(max_age("Max-Age=\"60\""), Some(60));
        assert_eq!(max_age("no-store"), None);
    }
}
