//! Vehicle registration simulator (`shared/contracts/registration-api.md`):
//! one HTTP server hosting the five country services under a path prefix
//! (`{base}/es`, `{base}/pt`, `{base}/fr`, `{base}/de`, `{base}/it`), each
//! with `POST/GET /v1/registrations` and `GET /v1/registrations/{id}`, the
//! country rules of the contract, VIN idempotency, and `/_sim/…` controls
//! to inject 503s, slow answers, `registration_in_progress`, already
//! registered VINs and arbitrary rejections.

pub mod api;
pub mod checks;
pub mod control;
pub mod plates;
pub mod shape;
pub mod state;

use crate::common::http::{not_found_fallback, request_id, require_bearer, ApiKey};
use crate::common::{serve, SimHandle};
use caas_domain::partners_delivery::Registration;
use control::ScenarioPatch;
use serde_json::Value;
use state::Core;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;

/// Default API key (one for every country).
pub const DEFAULT_API_KEY: &str = "sim_registry_key";

/// Configuration of the registry simulator.
#[derive(Debug, Clone, clap::Args)]
pub struct RegistrySimConfig {
    /// API key clients must send as `Authorization: Bearer …` (all countries).
    #[arg(
        id = "registry_api_key",
        long = "api-key",
        env = "REGISTRATION_API_KEY",
        default_value = DEFAULT_API_KEY
    )]
    pub api_key: String,
    /// Extra latency of every `/v1` request, in milliseconds.
    #[arg(
        id = "registry_latency_ms",
        long = "latency-ms",
        env = "REGISTRATION_LATENCY_MS",
        default_value_t = 0
    )]
    pub latency_ms: u64,
}

impl Default for RegistrySimConfig {
    fn default() -> Self {
        Self {
            api_key: DEFAULT_API_KEY.to_owned(),
            latency_ms: 0,
        }
    }
}

/// The base URL of country `cc`'s service on a simulator at `base_url`
/// (`http://127.0.0.1:PORT` + `/es`).
pub fn country_base_url(base_url: &str, cc: &str) -> String {
    format!(
        "{}/{}",
        base_url.trim_end_matches('/'),
        cc.to_ascii_lowercase()
    )
}

/// Programmatic control of a running registry simulator (same effects as `/_sim`).
#[derive(Debug, Clone)]
pub struct RegistrySim {
    core: Arc<Core>,
}

impl RegistrySim {
    /// Applies a scenario patch; returns the resulting scenario.
    pub fn set_scenario(&self, patch: ScenarioPatch) -> Value {
        control::apply_patch(&self.core, patch)
    }

    /// Counters, as `GET /_sim/stats`.
    pub fn stats(&self) -> Value {
        control::stats(&self.core)
    }

    /// The registrations of country `cc` (upper case), in creation order.
    pub fn registrations(&self, cc: &str) -> Vec<Registration> {
        let inner = self.core.lock();
        inner
            .services
            .iter()
            .find(|(c, _)| c.eq_ignore_ascii_case(cc))
            .map(|(_, svc)| svc.registrations.clone())
            .unwrap_or_default()
    }
}

/// Starts the simulator on `listener`.
pub async fn start(cfg: RegistrySimConfig, listener: TcpListener) -> anyhow::Result<SimHandle> {
    Ok(start_with_control(cfg, listener).await?.0)
}

/// Starts the simulator and also returns a [`RegistrySim`] control handle.
pub async fn start_with_control(
    cfg: RegistrySimConfig,
    listener: TcpListener,
) -> anyhow::Result<(SimHandle, RegistrySim)> {
    let core = Arc::new(Core::new(Duration::from_millis(cfg.latency_ms)));
    let key = ApiKey::new(&cfg.api_key);
    let v1 = api::router().route_layer(axum::middleware::from_fn_with_state(key, require_bearer));
    let router = v1
        .merge(control::router())
        .fallback(not_found_fallback)
        .layer(axum::middleware::from_fn(request_id))
        .with_state(Arc::clone(&core));
    let handle = serve(router, listener)?;
    Ok((handle, RegistrySim { core }))
}
