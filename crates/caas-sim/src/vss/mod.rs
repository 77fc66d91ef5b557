//! Vehicle Service System simulator (`shared/contracts/vss-api.md`): the
//! read-only `GET /v1/vehicles/{vin}/maintenance-record` and `/compliance`
//! with strong `ETag`s, `Cache-Control: private, max-age=900`, `304` on
//! `If-None-Match`, a per-credential token-bucket rate limit (`429` with
//! `Retry-After`), and `/_sim/…` controls for per-VIN fixtures, presets,
//! 503/500 injection and latency.

pub mod api;
pub mod control;
pub mod fixtures;
pub mod state;

use crate::common::http::{not_found_fallback, request_id, require_bearer, ApiKey};
use crate::common::{serve, SimHandle};
use control::ScenarioPatch;
use fixtures::FixtureInput;
use serde_json::Value;
use state::Core;
use std::sync::Arc;
use tokio::net::TcpListener;

/// Default API key.
pub const DEFAULT_API_KEY: &str = "sim_vss_key";

/// Configuration of the VSS simulator.
#[derive(Debug, Clone, clap::Args)]
pub struct VssSimConfig {
    /// API key clients must send as `Authorization: Bearer …`.
    #[arg(id = "vss_api_key", long = "api-key", env = "VSS_API_KEY", default_value = DEFAULT_API_KEY)]
    pub api_key: String,
    /// Requests per second refilled into each credential's bucket.
    #[arg(
        id = "vss_rate_per_sec",
        long = "rate-per-sec",
        env = "VSS_RATE_PER_SEC",
        default_value_t = 20.0
    )]
    pub rate_per_sec: f64,
    /// Bucket capacity (requests allowed in a burst).
    #[arg(
        id = "vss_burst",
        long = "burst",
        env = "VSS_BURST",
        default_value_t = 40
    )]
    pub burst: u32,
    /// Preset (`ok`, `new`, `overdue_battery`, `void_warranty`) a valid VIN
    /// without a fixture gets on its first read, so any car has data (the
    /// embedded demo); unset, such a VIN is `404 vehicle_not_found`.
    #[arg(
        id = "vss_unknown_vin_preset",
        long = "unknown-vin-preset",
        env = "VSS_UNKNOWN_VIN_PRESET"
    )]
    pub unknown_vin_preset: Option<String>,
}

impl Default for VssSimConfig {
    fn default() -> Self {
        Self {
            api_key: DEFAULT_API_KEY.to_owned(),
            rate_per_sec: 20.0,
            burst: 40,
            unknown_vin_preset: None,
        }
    }
}

/// Programmatic control of a running VSS simulator (same effects as `/_sim`).
#[derive(Debug, Clone)]
pub struct VssSim {
    core: Arc<Core>,
}

impl VssSim {
    /// Stores the fixture of `vin`; returns it with its ETags.
    pub fn set_fixture(&self, vin: &str, input: FixtureInput) -> anyhow::Result<Value> {
        control::set_fixture(&self.core, vin, input).map_err(|e| anyhow::anyhow!(e.message))
    }

    /// Stores a named preset (`ok`, `overdue_battery`, `void_warranty`, `new`).
    pub fn set_preset(&self, vin: &str, preset: &str) -> anyhow::Result<Value> {
        let input = fixtures::preset(vin, preset)
            .ok_or_else(|| anyhow::anyhow!("unknown preset {preset}"))?;
        self.set_fixture(vin, input)
    }

    /// Applies a scenario patch; returns the resulting scenario.
    pub fn set_scenario(&self, patch: ScenarioPatch) -> Value {
        control::apply_patch(&self.core, patch)
    }

    /// Counters, as `GET /_sim/stats`.
    pub fn stats(&self) -> Value {
        serde_json::json!(self.core.lock().stats)
    }
}

/// Starts the simulator on `listener`.
pub async fn start(cfg: VssSimConfig, listener: TcpListener) -> anyhow::Result<SimHandle> {
    Ok(start_with_control(cfg, listener).await?.0)
}

/// Starts the simulator and also returns a [`VssSim`] control handle.
pub async fn start_with_control(
    cfg: VssSimConfig,
    listener: TcpListener,
) -> anyhow::Result<(SimHandle, VssSim)> {
    if let Some(p) = &cfg.unknown_vin_preset {
        fixtures::preset("VSSZZZ5FZR6000123", p)
            .ok_or_else(|| anyhow::anyhow!("unknown_vin_preset: no preset named {p}"))?;
    }
    let mut core = Core::new(cfg.rate_per_sec, cfg.burst);
    core.unknown_vin_preset = cfg.unknown_vin_preset.clone();
    let core = Arc::new(core);
    let key = ApiKey::new(&cfg.api_key);
    let v1 = api::router().route_layer(axum::middleware::from_fn_with_state(key, require_bearer));
    let router = v1
        .merge(control::router())
        .fallback(not_found_fallback)
        .layer(axum::middleware::from_fn(request_id))
        .with_state(Arc::clone(&core));
    let handle = serve(router, listener)?;
    Ok((handle, VssSim { core }))
}
