//! The fleet port: commands to vehicles and what vehicles report, per
//! `shared/contracts/iot-api.md`. The MQTT link lives in `caas-fleet`; the
//! application drives it through [`FleetApi`] and receives reports through
//! [`FleetEventSink`]. Commands are built only by the typed constructors
//! of [`FleetCommand`] (`command`), and feature commands only for features
//! the catalogue maps on the car (`scope`: OTA-9 by construction).

mod command;
mod scope;

pub use command::{CommandStamp, FleetCommand};
pub use scope::{CarFeatures, NotAnOption, OptionFeature, PlanFeature};

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::time::Duration;
use thiserror::Error;

/// Status of a reply.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ReplyStatus {
    /// Received, will be executed (not final).
    Accepted,
    /// Done.
    Succeeded,
    /// Not executed (validation or precondition).
    Rejected,
    /// Attempted and rolled back.
    Failed,
    /// Received after `expires_at`.
    Expired,
}

impl ReplyStatus {
    /// Whether no further reply follows.
    pub fn is_final(self) -> bool {
        !matches!(self, Self::Accepted)
    }

    /// Wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Accepted => "accepted",
            Self::Succeeded => "succeeded",
            Self::Rejected => "rejected",
            Self::Failed => "failed",
            Self::Expired => "expired",
        }
    }
}

/// `error` of a `rejected`/`failed` reply.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CommandError {
    /// `feature_not_installed`, `incompatible_state`, `vehicle_busy`,
    /// `low_battery`, `invalid_command`, `key_limit_reached`, `hardware_fault`.
    pub code: String,
    /// Vehicle text.
    #[serde(default)]
    pub message: String,
    /// Details (`required`, …).
    #[serde(default)]
    pub details: serde_json::Value,
}

/// A reply on `fleet/v1/{vin}/replies`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FleetReply {
    /// The command answered.
    pub command_id: String,
    /// Echo of the command type.
    #[serde(rename = "type")]
    pub kind: String,
    /// Status.
    pub status: ReplyStatus,
    /// When.
    pub at: DateTime<Utc>,
    /// For `rejected`/`failed`.
    #[serde(default)]
    pub error: Option<CommandError>,
    /// For `state.query`: a [`StateReport`].
    #[serde(default)]
    pub result: Option<serde_json::Value>,
}

/// One optional feature as the vehicle reports it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeatureState {
    /// Feature code.
    pub code: String,
    /// Enabled now.
    pub enabled: bool,
    /// Self-expiry time.
    #[serde(default)]
    pub valid_until: Option<DateTime<Utc>>,
}

/// An installed phone-as-key public key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppKeyState {
    /// Key id.
    pub key_id: String,
    /// Label.
    #[serde(default)]
    pub label: String,
    /// Expiry.
    #[serde(default)]
    pub valid_until: Option<DateTime<Utc>>,
}

/// `battery` of a state report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct BatteryState {
    /// 0–100.
    #[serde(default)]
    pub soc_percent: f64,
    /// 12 V battery voltage.
    #[serde(default)]
    pub low_voltage_v: f64,
    /// `ok`, `low`, `critical`.
    #[serde(default)]
    pub status: String,
}

/// `health` of a state report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct HealthState {
    /// `ok`, `warning`, `fault`.
    #[serde(default)]
    pub status: String,
    /// Diagnostic trouble codes.
    #[serde(default)]
    pub dtc: Vec<String>,
}

/// A state report (retained on `fleet/v1/{vin}/state`, or a `state.query` result).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StateReport {
    /// VIN.
    pub vin: String,
    /// Strictly increasing per vehicle.
    pub seq: i64,
    /// When.
    pub reported_at: DateTime<Utc>,
    /// `connect`, `periodic`, `change`, `expiry`, `query`.
    #[serde(default)]
    pub reason: String,
    /// Firmware.
    #[serde(default)]
    pub firmware_version: String,
    /// Odometer.
    #[serde(default)]
    pub odometer_km: f64,
    /// `on` or `off`.
    #[serde(default)]
    pub ignition: String,
    /// Optional position.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub position: Option<serde_json::Value>,
    /// Every optional feature in the firmware.
    #[serde(default)]
    pub features: Vec<FeatureState>,
    /// Battery.
    #[serde(default)]
    pub battery: BatteryState,
    /// Health.
    #[serde(default)]
    pub health: HealthState,
    /// Installed phone keys.
    #[serde(default)]
    pub app_keys: Vec<AppKeyState>,
}

/// A presence message (retained on `fleet/v1/{vin}/presence`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Presence {
    /// `online` or `offline`.
    pub status: String,
    /// `connection_lost`, `shutdown` (offline only).
    #[serde(default)]
    pub reason: Option<String>,
    /// Null in the last will: use the receipt time.
    #[serde(default)]
    pub at: Option<DateTime<Utc>>,
    /// Firmware (online only).
    #[serde(default)]
    pub firmware_version: Option<String>,
}

/// What came back for a command within the wait.
#[derive(Debug, Clone, PartialEq)]
pub enum CommandOutcome {
    /// A final reply (`succeeded`, `rejected`, `failed`, `expired`).
    Final(FleetReply),
    /// Only `accepted` arrived: ask with `state.query` later (contract rule 3).
    Accepted,
    /// Nothing arrived: unacknowledged, not failed (rule 2).
    Unanswered,
}

/// Why a command could not even be published.
#[derive(Debug, Clone, Error, PartialEq, Eq)]
pub enum FleetError {
    /// The link to the broker is down.
    #[error("fleet broker not connected")]
    NotConnected,
    /// The broker refused or the client failed.
    #[error("fleet publish failed: {0}")]
    Publish(String),
}

/// The sink could not record a message; the link leaves it unacknowledged.
#[derive(Debug, Clone, Error, PartialEq, Eq)]
#[error("fleet event not recorded: {0}")]
pub struct SinkError(pub String);

/// Commands to vehicles (the MQTT link of `caas-fleet`).
#[async_trait]
pub trait FleetApi: Send + Sync + 'static {
    /// Publishes `cmd` (QoS 1, not retained) to `fleet/v1/{vin}/commands` and
    /// waits up to `wait` for its final reply. Publishing the same command
    /// again is safe (the vehicle republishes its reply).
    async fn send_command(
        &self,
        vin: &str,
        cmd: &FleetCommand,
        wait: Duration,
    ) -> Result<CommandOutcome, FleetError>;
    /// Latest presence seen for the VIN since this process started.
    fn presence(&self, vin: &str) -> Option<Presence>;
}

/// Receives what vehicles publish; implemented by the application, which
/// makes it durable before the link acknowledges the MQTT message.
#[async_trait]
pub trait FleetEventSink: Send + Sync + 'static {
    /// A state report (apply only if `seq` is higher than the last applied).
    async fn state_report(&self, vin: &str, report: StateReport) -> Result<(), SinkError>;
    /// A presence message; `received_at` stands in for a null `at`.
    async fn presence(
        &self,
        vin: &str,
        presence: Presence,
        received_at: DateTime<Utc>,
    ) -> Result<(), SinkError>;
    /// Any reply, including ones nobody is waiting for any more.
    async fn reply(&self, vin: &str, reply: FleetReply) -> Result<(), SinkError>;
}
