//! Fleet simulator (`shared/contracts/iot-api.md`): simulated vehicles, each
//! its own MQTT client (client id = username = VIN, persistent session, last
//! will, retained presence and state), following the contract's vehicle
//! rules, with per-vehicle failure injection through `/_sim/…` HTTP controls.
//! See the crate README for the controls.

mod commands;
mod control;
mod dispatch;
mod effects;
pub mod faults;
mod http;
pub mod link;
pub mod model;
#[cfg(test)]
mod rules_tests;
pub mod stats;
mod validate;
mod vehicle;

pub use control::{NewVehicle, SimError};
pub use faults::{Faults, FaultsPatch, RejectRule};
pub use link::{LinkState, OfflineMode};
pub use stats::FleetSimStats;

use crate::common::{serve, SimHandle};
use control::Core;
use link::Control;
use serde_json::Value;
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::task::JoinHandle;
use vehicle::Common;

/// Configuration of the fleet simulator.
#[derive(Debug, Clone, clap::Args)]
pub struct FleetSimConfig {
    /// MQTT broker the vehicles connect to (`mqtt://host:port`).
    #[arg(
        long = "broker",
        env = "FLEET_SIM_BROKER",
        default_value = "mqtt://127.0.0.1:1883"
    )]
    pub broker: String,
    /// Vehicles created at start (random VINs, every catalogue feature installed, none enabled).
    #[arg(long = "vehicles", env = "FLEET_SIM_VEHICLES", default_value_t = 0)]
    pub vehicles: usize,
    /// Delay between `accepted` and the final reply.
    #[arg(
        long = "reply-delay-ms",
        env = "FLEET_SIM_REPLY_DELAY_MS",
        default_value_t = 50
    )]
    pub reply_delay_ms: u64,
    /// MQTT keep-alive of the vehicles (the broker fires a last will after 1.5×).
    #[arg(
        long = "keep-alive-secs",
        env = "FLEET_SIM_KEEP_ALIVE_SECS",
        default_value_t = 60
    )]
    pub keep_alive_secs: u64,
    /// Interval of `periodic` state reports while connected.
    #[arg(
        long = "state-period-secs",
        env = "FLEET_SIM_STATE_PERIOD_SECS",
        default_value_t = 300
    )]
    pub state_period_secs: u64,
    /// The platform's fleet vehicle key: each vehicle logs in with the
    /// secret derived from it and its VIN (`caas_fleet::auth`), as the
    /// factory would have provisioned it. Without a key the vehicles send
    /// their VIN and an empty password (enough for an open broker).
    #[arg(long = "vehicle-key", env = "FLEET_SIM_VEHICLE_KEY")]
    pub vehicle_key: Option<String>,
}

impl FleetSimConfig {
    /// Defaults (no vehicles, 50 ms reply delay, 60 s keep-alive, 5 min reports).
    pub fn new(broker: impl Into<String>) -> Self {
        Self {
            broker: broker.into(),
            vehicles: 0,
            reply_delay_ms: 50,
            keep_alive_secs: 60,
            state_period_secs: 300,
            vehicle_key: None,
        }
    }

    /// For tests: 20 ms reply delay and a 2 s keep-alive (last will after ~3 s).
    pub fn for_tests(broker: impl Into<String>) -> Self {
        Self {
            reply_delay_ms: 20,
            keep_alive_secs: 2,
            ..Self::new(broker)
        }
    }
}

/// A running fleet simulator.
pub struct FleetSim {
    /// The HTTP control server (`base_url`).
    pub handle: SimHandle,
    core: Arc<Core>,
    ticker: JoinHandle<()>,
}

impl std::fmt::Debug for FleetSim {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FleetSim")
            .field("handle", &self.handle)
            .finish_non_exhaustive()
    }
}

impl FleetSim {
    /// Adds a vehicle and waits (≤ 5 s) until it is online when it should be;
    /// returns its view. Idempotent on VIN.
    pub async fn add_vehicle(&self, spec: NewVehicle) -> Result<Value, SimError> {
        Ok(self.core.add(spec, true).await?.0.view())
    }

    /// The full view of a vehicle (as `GET /_sim/vehicles/{vin}`).
    pub fn vehicle(&self, vin: &str) -> Option<Value> {
        self.core.get(vin).ok().map(|v| v.view())
    }

    /// VINs of all vehicles.
    pub fn vins(&self) -> Vec<String> {
        self.core.all().iter().map(|v| v.vin.clone()).collect()
    }

    /// Connects a vehicle; whether it is online within 5 s.
    pub async fn go_online(&self, vin: &str) -> Result<bool, SimError> {
        self.core.online(vin).await
    }

    /// Takes a vehicle offline.
    pub async fn go_offline(&self, vin: &str, mode: OfflineMode) -> Result<(), SimError> {
        self.core.offline(vin, mode).await
    }

    /// Applies a faults patch (as `POST /_sim/vehicles/{vin}/faults`).
    pub fn set_faults(&self, vin: &str, patch: FaultsPatch) -> Result<Value, SimError> {
        self.core.patch_faults(vin, patch)
    }

    /// Counters (as `GET /_sim/stats`).
    pub fn stats(&self) -> FleetSimStats {
        self.core.stats()
    }

    /// Stops the HTTP server, then shuts every vehicle down cleanly
    /// (presence `shutdown`, DISCONNECT).
    pub async fn shutdown(self) {
        self.handle.shutdown().await;
        self.ticker.abort();
        let stops = self
            .core
            .all()
            .into_iter()
            .map(|v| async move { v.control(Control::Stop).await });
        futures::future::join_all(stops).await;
    }
}

/// Starts the simulator: HTTP controls on `listener`, `cfg.vehicles`
/// vehicles connecting to `cfg.broker` in the background.
pub async fn start(cfg: FleetSimConfig, listener: TcpListener) -> anyhow::Result<FleetSim> {
    let (host, port) = caas_fleet::parse_broker_url(&cfg.broker)?;
    let common = Arc::new(Common {
        reply_delay: Duration::from_millis(cfg.reply_delay_ms),
        state_period: Duration::from_secs(cfg.state_period_secs.max(1)),
        stats: std::sync::Mutex::new(FleetSimStats::default()),
    });
    let core = Arc::new(Core {
        host,
        port,
        keep_alive: Duration::from_secs(cfg.keep_alive_secs.clamp(1, 65_535)),
        vehicle_key: cfg.vehicle_key.clone().map(caas_fleet::Secret::new),
        common,
        vehicles: std::sync::Mutex::new(BTreeMap::new()),
    });
    for _ in 0..cfg.vehicles {
        core.add(NewVehicle::default(), false).await?;
    }
    let ticking = Arc::clone(&core);
    let ticker = tokio::spawn(async move {
        let mut every = tokio::time::interval(Duration::from_millis(200));
        loop {
            every.tick().await;
            for v in ticking.all() {
                v.tick();
            }
        }
    });
    let handle = serve(http::router(Arc::clone(&core)), listener)?;
    tracing::info!(base_url = %handle.base_url, broker = %cfg.broker, vehicles = cfg.vehicles, "fleet simulator started");
    Ok(FleetSim {
        handle,
        core,
        ticker,
    })
}
