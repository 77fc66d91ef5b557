//! Wiring of the fleet link (`iot-api.md`): in the embedded default an
//! in-process MQTT broker (rumqttd) and the simulated fleet start on
//! loopback, and the factory simulator adds each car it completes to that
//! fleet; otherwise the link connects to `fleet_broker_url`. The link's
//! messages are made durable by the application's sink.

use crate::config::{Config, SimMode};
use anyhow::Context;
use caas_app::delivery::fleet_sink::AppFleetSink;
use caas_app::App;
use caas_fleet::broker::EmbeddedBroker;
use caas_fleet::{FleetHandle, FleetLink, FleetLinkConfig};
use std::sync::Arc;
use std::time::Duration;

/// The running fleet side.
pub struct FleetRuntime {
    /// The platform's link (None when no broker is configured).
    pub handle: Option<FleetHandle>,
    /// Broker URL in use.
    pub broker_url: Option<String>,
    /// Fleet simulator control URL (embedded mode).
    pub sim_url: Option<String>,
    broker: Option<EmbeddedBroker>,
    sim: Option<caas_sim::fleet::FleetSim>,
}

impl FleetRuntime {
    /// Stops the simulator, the link and the broker.
    pub async fn shutdown(self) {
        if let Some(sim) = self.sim {
            sim.shutdown().await;
        }
        if let Some(h) = &self.handle {
            h.shutdown().await;
        }
        // rumqttd cannot be stopped in-process: the embedded broker lives
        // as long as the process (one per `caas serve`).
        let _ = self.broker;
    }
}

/// The broker the embedded mode uses: configured, or an in-process one.
pub fn embedded_broker(
    config: &Config,
) -> anyhow::Result<(Option<String>, Option<EmbeddedBroker>)> {
    match (&config.delivery.fleet_broker_url, config.simulators) {
        (Some(u), _) => Ok((Some(u.clone()), None)),
        (None, SimMode::Embedded) => {
            let b = EmbeddedBroker::start("127.0.0.1:0".parse()?)
                .context("starting the embedded MQTT broker")?;
            Ok((Some(b.url()), Some(b)))
        }
        (None, SimMode::Off) => Ok((None, None)),
    }
}

/// Starts the fleet simulator (embedded mode) on `broker_url`.
pub async fn start_fleet_sim(
    config: &Config,
    broker_url: &str,
) -> anyhow::Result<caas_sim::fleet::FleetSim> {
    let mut cfg = caas_sim::fleet::FleetSimConfig::new(broker_url);
    cfg.vehicles = config.delivery.sim_fleet_vehicles;
    cfg.keep_alive_secs = config.delivery.sim_fleet_keep_alive_secs;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    caas_sim::fleet::start(cfg, listener).await
}

/// Starts the platform's link with the application's sink.
pub fn start_link(
    config: &Config,
    app: &App,
    broker_url: Option<String>,
    broker: Option<EmbeddedBroker>,
    sim: Option<caas_sim::fleet::FleetSim>,
) -> anyhow::Result<FleetRuntime> {
    let sim_url = sim.as_ref().map(|s| s.handle.base_url.clone());
    let Some(url) = broker_url.clone() else {
        tracing::warn!("no fleet broker configured: app linking and handover checks will wait");
        return Ok(FleetRuntime {
            handle: None,
            broker_url,
            sim_url,
            broker,
            sim,
        });
    };
    let d = &config.delivery;
    let mut cfg = FleetLinkConfig::new(url.clone(), d.fleet_client_id.clone());
    cfg.username = d.fleet_username.clone();
    cfg.password = d
        .fleet_password
        .as_ref()
        .map(|p| caas_fleet::Secret::new(p.expose()));
    cfg.keep_alive = Duration::from_secs(30);
    let handle = FleetLink::start(cfg, Arc::new(AppFleetSink::new(app.clone())))?;
    tracing::info!(broker = %url, client_id = %d.fleet_client_id, "fleet link started");
    Ok(FleetRuntime {
        handle: Some(handle),
        broker_url,
        sim_url,
        broker,
        sim,
    })
}
