//! Factory Orders API simulator (`shared/contracts/factory-api.md`): a real
//! HTTP server with the `/v1/orders` contract, an accelerated production
//! timeline delivered as signed webhooks, and `/_sim/…` scenario controls.

pub mod api;
pub mod catalogue;
pub mod control;
pub mod orders;
pub mod state;
pub mod timeline;

use crate::common::http::{not_found_fallback, request_id, require_bearer, ApiKey};
use crate::common::webhooks::{WebhookConfig, WebhookSender};
use crate::common::{serve, SimHandle};
use caas_partners::webhooks::WebhookSecret;
use control::ScenarioPatch;
use serde_json::Value;
use state::Core;
use std::sync::Arc;
use tokio::net::TcpListener;

/// Fixed development webhook secret (used when `FACTORY_WEBHOOK_SECRET` is unset).
pub const DEV_WEBHOOK_SECRET: &str = "whsec_Y2Fhcy1mYWN0b3J5LXNpbXVsYXRvci1kZXYta2V5ISE=";
/// Default API key.
pub const DEFAULT_API_KEY: &str = "factory-sim-key";

/// Configuration of the factory simulator (flags and env vars of contract §6).
#[derive(Debug, Clone, clap::Args)]
pub struct FactorySimConfig {
    /// API key clients must send as `Authorization: Bearer …`.
    #[arg(long = "factory-api-key", env = "FACTORY_API_KEY", default_value = DEFAULT_API_KEY)]
    pub api_key: String,
    /// Webhook signing secret (`whsec_…`).
    #[arg(long = "factory-webhook-secret", env = "FACTORY_WEBHOOK_SECRET", default_value = DEV_WEBHOOK_SECRET)]
    pub webhook_secret: String,
    /// Where webhooks are POSTed (e.g. `http://127.0.0.1:8080/webhooks/factory`); none if absent.
    #[arg(long = "webhook-url", env = "FACTORY_WEBHOOK_URL")]
    pub webhook_url: Option<String>,
    /// Milliseconds between milestones of the accelerated timeline.
    #[arg(long = "step-ms", env = "FACTORY_STEP_MS", default_value_t = 10_000)]
    pub step_ms: u64,
    /// Fleet simulator controls (`http://…`): each completed vehicle is
    /// added there with its plan options enabled, as a built car would be.
    #[arg(long = "fleet-control-url", env = "FACTORY_FLEET_CONTROL_URL")]
    pub fleet_control_url: Option<String>,
    /// Divides the webhook retry schedule (1.0 = contract timing).
    #[arg(
        long = "retry-speedup",
        env = "FACTORY_RETRY_SPEEDUP",
        default_value_t = 1.0
    )]
    pub retry_speedup: f64,
}

impl FactorySimConfig {
    /// Defaults (dev key and secret, 10 s steps, contract retry timing).
    pub fn new(webhook_url: Option<String>) -> Self {
        Self {
            api_key: DEFAULT_API_KEY.to_owned(),
            webhook_secret: DEV_WEBHOOK_SECRET.to_owned(),
            webhook_url,
            step_ms: 10_000,
            retry_speedup: 1.0,
            fleet_control_url: None,
        }
    }

    /// For tests: 50 ms steps and retries 1000× faster (first retry after 5 ms).
    pub fn for_tests(webhook_url: Option<String>) -> Self {
        Self {
            step_ms: 50,
            retry_speedup: 1000.0,
            ..Self::new(webhook_url)
        }
    }
}

/// Programmatic control of a running factory simulator (same effects as `/_sim`).
#[derive(Debug, Clone)]
pub struct FactorySim {
    core: Arc<Core>,
}

impl FactorySim {
    /// Applies a scenario patch; returns the resulting scenario view.
    pub fn set_scenario(&self, patch: ScenarioPatch) -> Value {
        control::apply_patch(&self.core, patch)
    }

    /// Counters, as `GET /_sim/stats`.
    pub fn stats(&self) -> Value {
        control::stats(&self.core)
    }

    /// The webhook sender (faults, URL, attempt log).
    pub fn webhooks(&self) -> &WebhookSender {
        &self.core.sender
    }

    /// Emits the next timeline event of an order now (`None` if nothing left).
    pub fn advance(&self, factory_order_id: &str) -> Option<Value> {
        timeline::advance(&self.core, factory_order_id)
    }
}

/// Starts the simulator on `listener`.
pub async fn start(cfg: FactorySimConfig, listener: TcpListener) -> anyhow::Result<SimHandle> {
    Ok(start_with_control(cfg, listener).await?.0)
}

/// Starts the simulator and also returns a [`FactorySim`] control handle.
pub async fn start_with_control(
    cfg: FactorySimConfig,
    listener: TcpListener,
) -> anyhow::Result<(SimHandle, FactorySim)> {
    let secret = WebhookSecret::parse(&cfg.webhook_secret)
        .map_err(|e| anyhow::anyhow!("FACTORY_WEBHOOK_SECRET: {e}"))?;
    let mut wcfg = WebhookConfig::new(cfg.webhook_url.clone().filter(|u| !u.is_empty()), secret);
    wcfg.retry_speedup = cfg.retry_speedup;
    let sender = WebhookSender::start(wcfg)?;
    let key = ApiKey::new(&cfg.api_key);
    let core = Arc::new(Core::new(cfg, sender));
    let v1 = api::router().route_layer(axum::middleware::from_fn_with_state(key, require_bearer));
    let router = v1
        .merge(control::router())
        .fallback(not_found_fallback)
        .layer(axum::middleware::from_fn(request_id))
        .with_state(Arc::clone(&core));
    let stop = Arc::clone(&core);
    let handle = serve(router, listener)?.on_shutdown(move || {
        stop.close();
        stop.sender.shutdown();
    });
    Ok((handle, FactorySim { core }))
}
