//! Carrier simulator (`shared/contracts/transport-api.md`): a real HTTP
//! server with the `/v1/shipments` contract, an accelerated delivery
//! timeline (per-shipment outcome plans) delivered as signed webhooks, and
//! `/_sim/…` scenario controls. Built on the [`skeleton`]; this module holds
//! only the carrier's parts.

pub mod api;
pub mod control;
pub mod plan;
pub mod shipments;
pub mod state;
pub mod timeline;
pub mod validate;

use crate::common::http::ApiError;
use crate::common::skeleton::{self, Partner, PartnerRoutes, SimControl, SkeletonSettings};
use crate::common::SimHandle;
use control::Scenario;
use plan::Step;
use serde_json::Value;
use state::{Core, SimShipment};
use timeline::Reception;
use tokio::net::TcpListener;

/// Fixed development webhook secret (used when `TRANSPORT_WEBHOOK_SECRET` is unset).
pub const DEV_WEBHOOK_SECRET: &str = "whsec_Y2Fhcy1jYXJyaWVyLXNpbXVsYXRvci1kZXYta2V5ISE=";
/// Default API key.
pub const DEFAULT_API_KEY: &str = "sim_carrier_key";

/// Configuration of the carrier simulator (flags and env vars of contract §6).
#[derive(Debug, Clone, clap::Args)]
pub struct CarrierSimConfig {
    /// API key clients must send as `Authorization: Bearer …`.
    #[arg(long = "api-key", env = "TRANSPORT_API_KEY", default_value = DEFAULT_API_KEY)]
    pub api_key: String,
    /// Webhook signing secret (`whsec_…`).
    #[arg(long = "webhook-secret", env = "TRANSPORT_WEBHOOK_SECRET", default_value = DEV_WEBHOOK_SECRET)]
    pub webhook_secret: String,
    /// Where webhooks are POSTed (e.g. `http://127.0.0.1:8080/webhooks/transport`); none if absent.
    #[arg(long = "webhook-url", env = "TRANSPORT_WEBHOOK_URL")]
    pub webhook_url: Option<String>,
    /// Milliseconds between steps of the accelerated timeline.
    #[arg(long = "step-ms", env = "TRANSPORT_STEP_MS", default_value_t = 10_000)]
    pub step_ms: u64,
    /// Divides the webhook retry schedule (1.0 = contract timing).
    #[arg(
        long = "retry-speedup",
        env = "TRANSPORT_RETRY_SPEEDUP",
        default_value_t = 1.0
    )]
    pub retry_speedup: f64,
}

impl CarrierSimConfig {
    /// Defaults (dev key and secret, 10 s steps, contract retry timing).
    pub fn new(webhook_url: Option<String>) -> Self {
        Self {
            api_key: DEFAULT_API_KEY.to_owned(),
            webhook_secret: DEV_WEBHOOK_SECRET.to_owned(),
            webhook_url,
            step_ms: 10_000,
            retry_speedup: 1.0,
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

/// The carrier as a [`Partner`] of the simulator skeleton.
#[derive(Debug, Clone, Copy)]
pub struct CarrierPartner;

impl Partner for CarrierPartner {
    type Config = CarrierSimConfig;
    type Record = SimShipment;
    type Scenario = Scenario;

    const EVENT_ID_PREFIX: &'static str = "evt_trn";
    const COLLECTION: &'static str = "shipments";
    const RECORD_KEY: &'static str = "shipment";
    const CREATE_COUNTERS: [&'static str; 2] = ["bookings_requests", "shipments_created"];

    fn settings(cfg: &CarrierSimConfig) -> SkeletonSettings<'_> {
        SkeletonSettings {
            api_key: &cfg.api_key,
            webhook_secret: &cfg.webhook_secret,
            webhook_secret_variable: "TRANSPORT_WEBHOOK_SECRET",
            webhook_url: cfg.webhook_url.as_deref(),
            retry_speedup: cfg.retry_speedup,
            step_ms: cfg.step_ms,
        }
    }

    fn not_found(id: &str) -> ApiError {
        api::shipment_not_found(id)
    }

    fn apply_step(
        core: &Core,
        scenario: &Scenario,
        s: &mut SimShipment,
        step: Step,
    ) -> Option<Value> {
        timeline::apply(core, s, step, scenario.auto_receive_at_dealership)
    }
}

/// Programmatic control of a running carrier simulator (same effects as `/_sim`).
pub type CarrierSim = SimControl<CarrierPartner>;

impl SimControl<CarrierPartner> {
    /// Records the dealership's reception of a returned shipment
    /// (`shipment.received_at_dealership`); `None` unless it is returned.
    pub fn receive(
        &self,
        shipment_id: &str,
        received_by: &str,
        notes: Option<&str>,
    ) -> Option<Value> {
        let reception = Reception {
            received_by: received_by.to_owned(),
            condition_notes: notes.map(str::to_owned),
        };
        control::receive(self.core(), shipment_id, &reception).ok()
    }
}

/// Starts the simulator on `listener`.
pub async fn start(cfg: CarrierSimConfig, listener: TcpListener) -> anyhow::Result<SimHandle> {
    Ok(start_with_control(cfg, listener).await?.0)
}

/// Starts the simulator and also returns a [`CarrierSim`] control handle.
pub async fn start_with_control(
    cfg: CarrierSimConfig,
    listener: TcpListener,
) -> anyhow::Result<(SimHandle, CarrierSim)> {
    let routes = PartnerRoutes {
        api: api::router(),
        control: control::router(),
    };
    skeleton::start(cfg, listener, routes)
}
