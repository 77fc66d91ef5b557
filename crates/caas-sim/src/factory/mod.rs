//! Factory Orders API simulator (`shared/contracts/factory-api.md`): a real
//! HTTP server with the `/v1/orders` contract, an accelerated production
//! timeline delivered as signed webhooks, and `/_sim/…` scenario controls.
//! Built on the [`skeleton`]; this module holds only the factory's parts.

pub mod api;
pub mod catalogue;
pub mod control;
pub mod orders;
pub mod state;
pub mod timeline;

use crate::common::http::ApiError;
use crate::common::skeleton::{self, Partner, PartnerRoutes, SimControl, SkeletonSettings};
use crate::common::SimHandle;
use control::Scenario;
use serde_json::Value;
use state::{Core, Order};
use timeline::Step;
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

/// The factory as a [`Partner`] of the simulator skeleton.
#[derive(Debug, Clone, Copy)]
pub struct FactoryPartner;

impl Partner for FactoryPartner {
    type Config = FactorySimConfig;
    type Record = Order;
    type Scenario = Scenario;

    const EVENT_ID_PREFIX: &'static str = "evt";
    const COLLECTION: &'static str = "orders";
    const RECORD_KEY: &'static str = "order";
    const CREATE_COUNTERS: [&'static str; 2] = ["create_requests", "orders_created"];

    fn settings(cfg: &FactorySimConfig) -> SkeletonSettings<'_> {
        SkeletonSettings {
            api_key: &cfg.api_key,
            webhook_secret: &cfg.webhook_secret,
            webhook_secret_variable: "FACTORY_WEBHOOK_SECRET",
            webhook_url: cfg.webhook_url.as_deref(),
            retry_speedup: cfg.retry_speedup,
            step_ms: cfg.step_ms,
        }
    }

    fn not_found(id: &str) -> ApiError {
        api::order_not_found(id)
    }

    fn apply_step(core: &Core, _: &Scenario, order: &mut Order, step: Step) -> Option<Value> {
        timeline::apply(core, order, step)
    }
}

/// Programmatic control of a running factory simulator (same effects as `/_sim`).
pub type FactorySim = SimControl<FactoryPartner>;

/// Starts the simulator on `listener`.
pub async fn start(cfg: FactorySimConfig, listener: TcpListener) -> anyhow::Result<SimHandle> {
    Ok(start_with_control(cfg, listener).await?.0)
}

/// Starts the simulator and also returns a [`FactorySim`] control handle.
pub async fn start_with_control(
    cfg: FactorySimConfig,
    listener: TcpListener,
) -> anyhow::Result<(SimHandle, FactorySim)> {
    let routes = PartnerRoutes {
        api: api::router(),
        control: control::router(),
    };
    skeleton::start(cfg, listener, routes)
}
