//! HTTP client of one country's vehicle registration service
//! (`shared/contracts/registration-api.md`), implementing the
//! [`RegistrationApi`] port, plus the pure country rules ([`rules`]) the
//! platform checks before calling. The call is synchronous and idempotent on
//! the VIN (no `Idempotency-Key`): after a timeout or a 503 the caller
//! retries the identical body, and a `200` replay is success.

pub mod pattern;
pub mod rules;

pub use rules::{
    authority, check_identity, es_check_letter, plate_matches, plate_pattern, required_documents,
    validate_identity, IdentityProblem, OwnerKind, COUNTRIES,
};

use crate::http::{ApiKey, ConfigError, PartnerHttp, Reply};
use caas_domain::partners::CallError;
use caas_domain::partners_delivery::{
    Registration, RegistrationApi, RegistrationError, RegistrationRequest,
};
use reqwest::Method;
use serde::Deserialize;
use std::time::Duration;

/// Client timeout of the contract (the service answers within 60 s).
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(90);

/// REST client of one registration service (`REGISTRATION_<CC>_BASE_URL`,
/// `REGISTRATION_<CC>_API_KEY`).
#[derive(Debug, Clone)]
pub struct RegistrationClient {
    http: PartnerHttp,
}

#[derive(Deserialize)]
struct List {
    data: Vec<Registration>,
}

impl RegistrationClient {
    /// `base_url` without `/v1` (e.g. `https://registry.example/es`);
    /// `timeout` bounds each call (contract: [`DEFAULT_TIMEOUT`]).
    pub fn new(
        base_url: &str,
        api_key: impl Into<String>,
        timeout: Duration,
    ) -> Result<Self, ConfigError> {
        let http = PartnerHttp::new("registration", base_url, ApiKey::new(api_key), timeout)?;
        Ok(Self { http })
    }

    /// `GET /v1/registrations/{id}`; `None` on 404.
    #[tracing::instrument(skip_all, fields(partner = "registration", registration_id = %registration_id))]
    pub async fn get_registration(
        &self,
        registration_id: &str,
    ) -> Result<Option<Registration>, CallError> {
        let url = self
            .http
            .url(&["v1", "registrations", registration_id], &[]);
        let reply = self.http.send::<()>(Method::GET, url, None, None).await?;
        match reply.status {
            404 => Ok(None),
            _ if reply.is_success() => reply.json().map(Some),
            _ => Err(reply.into_call_error()),
        }
    }
}

/// Maps a non-2xx answer of `POST /v1/registrations` (see the port).
fn register_error(reply: Reply) -> RegistrationError {
    let error = reply.error();
    let in_progress = reply.status == 409 && error.code == "registration_in_progress";
    match reply.status {
        _ if in_progress || reply.status == 408 => RegistrationError::Call(CallError::Transient {
            message: format!("HTTP {} {}: {}", reply.status, error.code, error.message),
            retry_after_secs: reply.retry_after_secs,
        }),
        400..=499 if !matches!(reply.status, 401 | 403 | 408 | 429) => {
            RegistrationError::Rejected {
                status: reply.status,
                code: error.code,
                message: error.message,
                details: error.details,
            }
        }
        _ => RegistrationError::Call(reply.into_call_error()),
    }
}

#[async_trait::async_trait]
impl RegistrationApi for RegistrationClient {
    #[tracing::instrument(skip_all, fields(partner = "registration", country = %req.country, vin = %req.vin))]
    async fn register(&self, req: &RegistrationRequest) -> Result<Registration, RegistrationError> {
        let url = self.http.url(&["v1", "registrations"], &[]);
        let reply = self.http.send(Method::POST, url, None, Some(req)).await?;
        if reply.is_success() {
            let registration: Registration = reply.json()?;
            tracing::info!(
                registration_id = %registration.registration_id,
                plate_number = %registration.plate_number,
                replayed = reply.status == 200,
                "vehicle registered"
            );
            return Ok(registration);
        }
        let err = register_error(reply);
        match &err {
            RegistrationError::Rejected { code, .. } => {
                tracing::info!(%code, "registry rejected the registration");
            }
            RegistrationError::Call(call) => tracing::warn!(%call, "registration call failed"),
        }
        Err(err)
    }

    #[tracing::instrument(skip_all, fields(partner = "registration", country = tracing::field::Empty, vin = %vin))]
    async fn find_by_vin(&self, vin: &str) -> Result<Option<Registration>, CallError> {
        let url = self.http.url(&["v1", "registrations"], &[("vin", vin)]);
        let reply = self.http.send::<()>(Method::GET, url, None, None).await?;
        if !reply.is_success() {
            return Err(reply.into_call_error());
        }
        let list: List = reply.json()?;
        let found = list.data.into_iter().next();
        if let Some(reg) = &found {
            tracing::Span::current().record("country", reg.country.as_str());
        }
        Ok(found)
    }
}
