//! Wiring of the fleet link (`iot-api.md`): in the embedded default an
//! in-process MQTT broker (rumqttd) and the simulated fleet start on
//! loopback, and the factory simulator adds each car it completes to that
//! fleet; otherwise the link connects to `fleet_broker_url` (over TLS for
//! `mqtts://`, trusting `fleet_ca_file`; the simulated cars speak plain
//! MQTT only, so an `mqtts://` broker goes with `simulators = "off"`). The link's
//! messages are made durable by the application's sink.
//!
//! The embedded broker authenticates (`caas_fleet::auth`): the platform
//! logs in with `fleet_username`/`fleet_password` and the simulated cars
//! with secrets derived from `fleet_vehicle_key`; in embedded mode the
//! missing ones are generated at start ([`ensure_embedded_credentials`]).

use crate::config::{Config, SimMode};
use anyhow::Context;
use caas_app::delivery::fleet_sink::AppFleetSink;
use caas_app::App;
use caas_fleet::auth::BrokerAuth;
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

/// Platform username when none is configured.
pub const DEFAULT_PLATFORM_USER: &str = "caas-platform";

/// In embedded mode, fills in the fleet credentials left unset: the
/// platform username (`caas-platform`), and a random password and vehicle
/// key for this process (the broker and the simulated cars get the same).
pub fn ensure_embedded_credentials(config: &mut Config) {
    if config.simulators != SimMode::Embedded {
        return;
    }
    let d = &mut config.delivery;
    d.fleet_username
        .get_or_insert_with(|| DEFAULT_PLATFORM_USER.to_owned());
    let random = || crate::config::Secret::new(caas_fleet::auth::random_secret().expose());
    d.fleet_password.get_or_insert_with(random);
    d.fleet_vehicle_key.get_or_insert_with(random);
}

/// The logins of the fleet broker from the configuration; `None` when the
/// platform username, password or vehicle key is missing.
pub fn broker_auth(config: &Config) -> Option<BrokerAuth> {
    let d = &config.delivery;
    Some(BrokerAuth::new(
        d.fleet_username.clone()?,
        caas_fleet::Secret::new(d.fleet_password.as_ref()?.expose()),
        caas_fleet::Secret::new(d.fleet_vehicle_key.as_ref()?.expose()),
    ))
}

/// The broker the embedded mode uses: configured, or an in-process one.
pub fn embedded_broker(
    config: &Config,
) -> anyhow::Result<(Option<String>, Option<EmbeddedBroker>)> {
    match (&config.delivery.fleet_broker_url, config.simulators) {
        (Some(u), _) => Ok((Some(u.clone()), None)),
        (None, SimMode::Embedded) => {
            let auth = broker_auth(config)
                .context("the embedded MQTT broker needs the fleet credentials")?;
            let b = EmbeddedBroker::start("127.0.0.1:0".parse()?, auth)
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
    cfg.vehicle_key = config
        .delivery
        .fleet_vehicle_key
        .as_ref()
        .map(|k| k.expose().to_owned());
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
    cfg.tls = d.fleet_tls();
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
