//! A simulated vehicle's state (features, phone keys, ignition, health,
//! state-report `seq`, commands seen, displayed messages) and its injected
//! faults, plus VIN helpers and the state report it publishes.

use crate::common::rfc3339;
use caas_domain::fleet::{
    AppKeyState, BatteryState, FeatureState, FleetReply, HealthState, ReplyStatus, StateReport,
};
use chrono::{DateTime, Duration as ChronoDuration, Utc};
use rand::Rng;
use serde::Serialize;

pub use super::faults::{Faults, RejectRule};
use serde_json::{json, Value};
use std::collections::HashMap;

/// Firmware every simulated vehicle runs.
pub const FIRMWARE_VERSION: &str = "4.2.1";
/// Phone keys a vehicle holds at most.
pub const MAX_APP_KEYS: usize = 5;
/// Command results are remembered at least this long (contract: ≥ 7 days).
pub const REMEMBER_COMMANDS: ChronoDuration = ChronoDuration::days(8);
/// Characters a VIN may use (ISO 3779: no I, O, Q).
pub const VIN_ALPHABET: &[u8] = b"ABCDEFGHJKLMNPRSTUVWXYZ0123456789";

/// A random VIN (`VSS` + 14 characters of [`VIN_ALPHABET`]).
pub fn random_vin() -> String {
    let mut rng = rand::thread_rng();
    let tail: String = (0..14)
        .map(|_| char::from(VIN_ALPHABET[rng.gen_range(0..VIN_ALPHABET.len())]))
        .collect();
    format!("VSS{tail}")
}

/// Whether `vin` is 17 characters of [`VIN_ALPHABET`].
pub fn is_valid_vin(vin: &str) -> bool {
    vin.len() == 17 && vin.bytes().all(|b| VIN_ALPHABET.contains(&b))
}

/// One optional feature in the firmware.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FeatureSlot {
    /// Feature code.
    pub code: String,
    /// Enabled now.
    pub enabled: bool,
    /// Self-expiry (vehicle clock).
    pub valid_until: Option<DateTime<Utc>>,
    /// Feature-specific configuration from the last `feature.enable`.
    pub config: Option<Value>,
}

/// An installed phone-as-key public key.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AppKey {
    /// Key id.
    pub key_id: String,
    /// Label (≤ 40 chars).
    pub label: String,
    /// Expiry, if any.
    pub valid_until: Option<DateTime<Utc>>,
    /// Base64 DER SubjectPublicKeyInfo as received.
    pub public_key: String,
}

/// A `display.message` the vehicle received.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DisplayMessage {
    /// The command that carried it.
    pub command_id: String,
    /// Title (≤ 40 chars).
    pub title: String,
    /// Body (≤ 240 chars).
    pub body: String,
    /// `info`, `warning`, `critical`.
    pub severity: String,
    /// BCP 47 language tag.
    pub language: String,
    /// Drop it (answer `expired`) if not shown by then.
    pub display_until: Option<DateTime<Utc>>,
    /// `pending` (screen off), `displayed` or `expired`.
    pub status: String,
    /// When it was shown.
    pub displayed_at: Option<DateTime<Utc>>,
}

/// What the vehicle remembers about one `command_id`.
#[derive(Debug, Clone)]
pub struct SeenCommand {
    /// Command type as received.
    pub kind: String,
    /// When first received (real time).
    pub received_at: DateTime<Utc>,
    /// The latest reply produced (republished on a repeat).
    pub latest_reply: Option<FleetReply>,
    /// How often it was received again.
    pub repeats: u32,
    /// The command, kept until it has a final reply.
    pub pending: Option<Value>,
    /// Its replies are not published (fault `drop_replies_next`).
    pub drop_replies: bool,
}

impl SeenCommand {
    /// The final status, once there is one.
    pub fn final_status(&self) -> Option<ReplyStatus> {
        self.latest_reply
            .as_ref()
            .map(|r| r.status)
            .filter(|s| s.is_final())
    }
}

/// Everything a simulated vehicle knows.
#[derive(Debug, Clone)]
pub struct VehicleState {
    /// VIN.
    pub vin: String,
    /// Installed optional features, in firmware order.
    pub features: Vec<FeatureSlot>,
    /// Installed phone keys.
    pub app_keys: Vec<AppKey>,
    /// Last state-report `seq` used.
    pub seq: i64,
    /// Ignition (and screen) on.
    pub ignition_on: bool,
    /// Odometer.
    pub odometer_km: f64,
    /// Health reported.
    pub health: HealthState,
    /// Commands by id.
    pub seen: HashMap<String, SeenCommand>,
    /// Command ids in arrival order.
    pub seen_order: Vec<String>,
    /// Every `display.message` received.
    pub messages: Vec<DisplayMessage>,
    /// Injected faults.
    pub faults: Faults,
    /// Connected and subscribed.
    pub online: bool,
    /// A feature expired while offline: report `expiry` on connect.
    pub expiry_unreported: bool,
    /// Last state report published (or computed while offline).
    pub last_report: Option<StateReport>,
}

impl VehicleState {
    /// A vehicle with `installed` features, `enabled` ones on without expiry.
    /// `seq` starts at the current Unix time in milliseconds, so it keeps
    /// increasing across simulator restarts too.
    pub fn new(vin: String, installed: &[String], enabled: &[String], ignition_on: bool) -> Self {
        let features = installed
            .iter()
            .map(|code| FeatureSlot {
                code: code.clone(),
                enabled: enabled.contains(code),
                valid_until: None,
                config: None,
            })
            .collect();
        Self {
            vin,
            features,
            app_keys: Vec::new(),
            seq: Utc::now().timestamp_millis(),
            ignition_on,
            odometer_km: 12.5,
            health: HealthState {
                status: "ok".to_owned(),
                dtc: Vec::new(),
            },
            seen: HashMap::new(),
            seen_order: Vec::new(),
            messages: Vec::new(),
            faults: Faults::default(),
            online: false,
            expiry_unreported: false,
            last_report: None,
        }
    }

    /// The vehicle's clock (real time + skew).
    pub fn now(&self) -> DateTime<Utc> {
        Utc::now() + ChronoDuration::seconds(self.faults.clock_skew_secs)
    }

    /// The feature slot for `code`, if installed.
    pub fn feature_mut(&mut self, code: &str) -> Option<&mut FeatureSlot> {
        self.features.iter_mut().find(|f| f.code == code)
    }

    /// A new state report (next `seq`), remembered as the last one.
    pub fn next_report(&mut self, reason: &str) -> StateReport {
        self.seq += 1;
        let report = StateReport {
            vin: self.vin.clone(),
            seq: self.seq,
            reported_at: self.now(),
            reason: reason.to_owned(),
            firmware_version: FIRMWARE_VERSION.to_owned(),
            odometer_km: self.odometer_km,
            ignition: if self.ignition_on { "on" } else { "off" }.to_owned(),
            position: None,
            features: self
                .features
                .iter()
                .map(|f| FeatureState {
                    code: f.code.clone(),
                    enabled: f.enabled,
                    valid_until: f.valid_until,
                })
                .collect(),
            battery: BatteryState {
                soc_percent: 76.0,
                low_voltage_v: 12.6,
                status: "ok".to_owned(),
            },
            health: self.health.clone(),
            app_keys: self
                .app_keys
                .iter()
                .map(|k| AppKeyState {
                    key_id: k.key_id.clone(),
                    label: k.label.clone(),
                    valid_until: k.valid_until,
                })
                .collect(),
        };
        self.last_report = Some(report.clone());
        report
    }

    /// Disables features whose `valid_until` passed on the vehicle clock;
    /// `true` if any did.
    pub fn expire_features(&mut self) -> bool {
        let now = self.now();
        let mut changed = false;
        for f in &mut self.features {
            if f.enabled && f.valid_until.is_some_and(|t| t <= now) {
                f.enabled = false;
                changed = true;
            }
        }
        changed
    }

    /// Forgets commands older than [`REMEMBER_COMMANDS`] that have a final reply.
    pub fn prune_seen(&mut self) {
        let horizon = Utc::now() - REMEMBER_COMMANDS;
        let seen = &mut self.seen;
        self.seen_order.retain(|id| {
            let keep = seen
                .get(id)
                .is_some_and(|c| c.received_at > horizon || c.final_status().is_none());
            if !keep {
                seen.remove(id);
            }
            keep
        });
    }

    /// Everything about the vehicle, for `GET /_sim/vehicles/{vin}`.
    pub fn view(&self) -> Value {
        let commands: Vec<Value> = self
            .seen_order
            .iter()
            .filter_map(|id| self.seen.get(id).map(|c| (id, c)))
            .map(|(id, c)| {
                json!({"command_id": id, "type": c.kind, "received_at": rfc3339(c.received_at),
                    "final_status": c.final_status().map(|s| s.as_str()),
                    "latest_status": c.latest_reply.as_ref().map(|r| r.status.as_str()),
                    "error_code": c.latest_reply.as_ref().and_then(|r| r.error.as_ref()).map(|e| e.code.clone()),
                    "repeats": c.repeats})
            })
            .collect();
        let displayed: Vec<&DisplayMessage> = self
            .messages
            .iter()
            .filter(|m| m.status == "displayed")
            .collect();
        json!({
            "vin": self.vin, "online": self.online, "seq": self.seq,
            "ignition": if self.ignition_on { "on" } else { "off" },
            "vehicle_time": rfc3339(self.now()), "health": self.health,
            "features": self.features, "app_keys": self.app_keys, "commands": commands,
            "displayed_messages": displayed, "messages": self.messages,
            "faults": self.faults, "last_report": self.last_report,
        })
    }
}
