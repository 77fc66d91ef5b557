//! The simulator's shared core: adding vehicles, connecting and
//! disconnecting them, applying fault patches (used by the HTTP controls and
//! by [`super::FleetSim`]).

use super::faults::FaultsPatch;
use super::link::{self, Control, LinkState, OfflineMode};
use super::model::{is_valid_vin, random_vin, VehicleState};
use super::stats::FleetSimStats;
use super::vehicle::{lock, Common, Vehicle};
use crate::factory::catalogue::OPTIONS;
use serde::Deserialize;
use serde_json::Value;
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

/// A vehicle to add (`POST /_sim/vehicles`).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewVehicle {
    /// VIN (17 chars of `[A-HJ-NPR-Z0-9]`); random when absent.
    #[serde(default)]
    pub vin: Option<String>,
    /// Features in the firmware (default: every catalogue option).
    #[serde(default)]
    pub installed: Option<Vec<String>>,
    /// Features enabled from the start (no expiry).
    #[serde(default)]
    pub enabled: Vec<String>,
    /// Connect now (default `true`).
    #[serde(default)]
    pub online: Option<bool>,
    /// `on` or `off` (default `off`).
    #[serde(default)]
    pub ignition: Option<String>,
}

/// Why a vehicle could not be added or changed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SimError {
    /// Bad input (400).
    #[error("{0}")]
    Invalid(String),
    /// No such VIN (404).
    #[error("no simulated vehicle {0}")]
    NotFound(String),
}

/// State shared by the HTTP controls, the ticker and [`FleetSim`].
pub(crate) struct Core {
    pub(crate) host: String,
    pub(crate) port: u16,
    pub(crate) keep_alive: Duration,
    pub(crate) vehicle_key: Option<caas_fleet::Secret>,
    pub(crate) common: Arc<Common>,
    pub(crate) vehicles: std::sync::Mutex<BTreeMap<String, Arc<Vehicle>>>,
}

fn parse_ignition(s: &str) -> Result<bool, SimError> {
    match s {
        "on" => Ok(true),
        "off" => Ok(false),
        _ => Err(SimError::Invalid(
            "ignition must be \"on\" or \"off\"".to_owned(),
        )),
    }
}

impl Core {
    pub(crate) fn get(&self, vin: &str) -> Result<Arc<Vehicle>, SimError> {
        lock(&self.vehicles)
            .get(vin)
            .cloned()
            .ok_or_else(|| SimError::NotFound(vin.to_owned()))
    }

    pub(crate) fn all(&self) -> Vec<Arc<Vehicle>> {
        lock(&self.vehicles).values().cloned().collect()
    }

    /// Adds a vehicle (idempotent on VIN: an existing one is returned
    /// unchanged, `false`); with `wait`, waits ≤ 5 s for it to be online.
    pub(crate) async fn add(
        &self,
        spec: NewVehicle,
        wait: bool,
    ) -> Result<(Arc<Vehicle>, bool), SimError> {
        let vin = spec.vin.clone().unwrap_or_else(random_vin);
        if !is_valid_vin(&vin) {
            return Err(SimError::Invalid(
                "vin must be 17 characters of [A-HJ-NPR-Z0-9]".to_owned(),
            ));
        }
        if let Ok(existing) = self.get(&vin) {
            return Ok((existing, false));
        }
        let installed = spec
            .installed
            .unwrap_or_else(|| OPTIONS.iter().map(|o| (*o).to_owned()).collect());
        if let Some(bad) = spec.enabled.iter().find(|c| !installed.contains(c)) {
            return Err(SimError::Invalid(format!(
                "enabled feature {bad} is not installed"
            )));
        }
        let ignition = spec
            .ignition
            .as_deref()
            .map(parse_ignition)
            .transpose()?
            .unwrap_or(false);
        let state = VehicleState::new(vin.clone(), &installed, &spec.enabled, ignition);
        let (client, mut el) = rumqttc::AsyncClient::new(
            link::options(
                &self.host,
                self.port,
                &vin,
                self.keep_alive,
                self.vehicle_key.as_ref(),
            ),
            1000,
        );
        el.set_network_options(link::network());
        let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
        let v = Arc::new(Vehicle::new(state, client, tx, Arc::clone(&self.common)));
        {
            let mut map = lock(&self.vehicles);
            if let Some(existing) = map.get(&vin) {
                return Ok((Arc::clone(existing), false));
            }
            map.insert(vin, Arc::clone(&v));
        }
        tokio::spawn(link::drive(Arc::clone(&v), el, rx));
        if spec.online.unwrap_or(true) {
            v.control(Control::Online).await;
            if wait {
                v.wait_link(LinkState::Online, Duration::from_secs(5)).await;
            }
        }
        Ok((v, true))
    }

    /// Connects the vehicle; whether it is online within 5 s.
    pub(crate) async fn online(&self, vin: &str) -> Result<bool, SimError> {
        let v = self.get(vin)?;
        v.control(Control::Online).await;
        Ok(v.wait_link(LinkState::Online, Duration::from_secs(5)).await)
    }

    /// Takes the vehicle offline.
    pub(crate) async fn offline(&self, vin: &str, mode: OfflineMode) -> Result<(), SimError> {
        let v = self.get(vin)?;
        v.control(|done| Control::Offline(mode, done)).await;
        Ok(())
    }

    /// Applies a faults patch; returns the vehicle view.
    pub(crate) fn patch_faults(&self, vin: &str, p: FaultsPatch) -> Result<Value, SimError> {
        let v = self.get(vin)?;
        let ignition = p.ignition.as_deref().map(parse_ignition).transpose()?;
        lock(&v.state).faults.apply(&p);
        if let Some(on) = ignition {
            v.set_ignition(on);
        }
        if let Some(h) = p.health {
            v.set_health(h);
        }
        Ok(v.view())
    }

    pub(crate) fn stats(&self) -> FleetSimStats {
        lock(&self.common.stats).clone()
    }
}
