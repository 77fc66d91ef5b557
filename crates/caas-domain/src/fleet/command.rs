//! A command to a vehicle (`fleet/v1/{vin}/commands`). Its fields are
//! private: a command is built only by a typed constructor, one per
//! contract `type`, so no caller can send a free-form `type` or `params`
//! (SEC-5), and feature commands take an [`OptionFeature`] or
//! [`PlanFeature`], which only the catalogue can give (OTA-9). The wire
//! format is the contract's (`shared/contracts/iot-api.md`).

use super::scope::{OptionFeature, PlanFeature};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

/// Identity and lifetime of a command: its id, `issued_at`, `expires_at`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommandStamp {
    command_id: String,
    issued_at: DateTime<Utc>,
    expires_at: DateTime<Utc>,
}

impl CommandStamp {
    /// A fresh `cmd_<uuid v7>` id issued at `now`, expiring `ttl` later
    /// (raised to [`FleetCommand::MIN_TTL_SECS`] if shorter).
    pub fn fresh(now: DateTime<Utc>, ttl: chrono::Duration) -> Self {
        let ttl = ttl.max(chrono::Duration::seconds(FleetCommand::MIN_TTL_SECS));
        Self {
            command_id: format!("cmd_{}", uuid::Uuid::now_v7().simple()),
            issued_at: now,
            expires_at: now.checked_add_signed(ttl).unwrap_or(now),
        }
    }

    /// The stamp of a command recorded earlier, to publish it again with
    /// the same id and payload (contract rule 1).
    pub fn recorded(command_id: &str, issued_at: DateTime<Utc>, expires_at: DateTime<Utc>) -> Self {
        Self {
            command_id: command_id.to_owned(),
            issued_at,
            expires_at,
        }
    }

    /// The command id.
    pub fn command_id(&self) -> &str {
        &self.command_id
    }

    /// When issued.
    pub fn issued_at(&self) -> DateTime<Utc> {
        self.issued_at
    }

    /// When the vehicle stops executing it.
    pub fn expires_at(&self) -> DateTime<Utc> {
        self.expires_at
    }
}

/// A command published on `fleet/v1/{vin}/commands`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FleetCommand {
    command_id: String,
    #[serde(rename = "type")]
    kind: String,
    issued_at: DateTime<Utc>,
    expires_at: DateTime<Utc>,
    params: Value,
}

impl FleetCommand {
    /// Shortest lifetime the contract allows (`expires_at` ≥ 5 min after `issued_at`).
    pub const MIN_TTL_SECS: i64 = 5 * 60;

    fn build(kind: &str, params: Value, stamp: CommandStamp) -> Self {
        Self {
            command_id: stamp.command_id,
            kind: kind.to_owned(),
            issued_at: stamp.issued_at,
            expires_at: stamp.expires_at,
            params,
        }
    }

    /// `feature.enable` of a catalogue option that is not part of the
    /// car's base or plan, with its self-expiry and config.
    pub fn enable(
        feature: &OptionFeature,
        valid_until: Option<DateTime<Utc>>,
        config: Option<&Map<String, Value>>,
        stamp: CommandStamp,
    ) -> Self {
        let mut params = json!({"feature_code": feature.code(), "valid_until": valid_until});
        if let Some(config) = config {
            params["config"] = Value::Object(config.clone());
        }
        Self::build("feature.enable", params, stamp)
    }

    /// `feature.enable` of a plan comercial option, for life (the handover
    /// check, DLV-11). There is no disable for a plan feature.
    pub fn enable_plan(feature: &PlanFeature, stamp: CommandStamp) -> Self {
        let params = json!({"feature_code": feature.code(), "valid_until": null});
        Self::build("feature.enable", params, stamp)
    }

    /// `feature.disable` of a catalogue option outside the base and plan.
    pub fn disable(feature: &OptionFeature, stamp: CommandStamp) -> Self {
        Self::build(
            "feature.disable",
            json!({"feature_code": feature.code()}),
            stamp,
        )
    }

    /// `state.query`.
    pub fn state_query(stamp: CommandStamp) -> Self {
        Self::build("state.query", json!({}), stamp)
    }

    /// `display.message` on the car's screen: the texts cut to the display's
    /// limits (title 40, body 240 characters), a severity, the language and
    /// the time after which the car drops it.
    pub fn display_message(
        title: &str,
        body: &str,
        severity: crate::display::Severity,
        language: &str,
        display_until: DateTime<Utc>,
        stamp: CommandStamp,
    ) -> Self {
        use crate::display::{fit, BODY_MAX, TITLE_MAX};
        let params = json!({
            "title": fit(title, TITLE_MAX), "body": fit(body, BODY_MAX),
            "severity": severity.as_str(), "language": language, "display_until": display_until,
        });
        Self::build("display.message", params, stamp)
    }

    /// `app.link`: installs a phone key (`public_key` base64 DER SPKI).
    pub fn app_link(key_id: &str, public_key: &str, label: &str, stamp: CommandStamp) -> Self {
        let params = json!({"key_id": key_id, "public_key": public_key, "label": label});
        Self::build("app.link", params, stamp)
    }

    /// `app.unlink`: revokes a phone key.
    pub fn app_unlink(key_id: &str, stamp: CommandStamp) -> Self {
        Self::build("app.unlink", json!({"key_id": key_id}), stamp)
    }

    /// Unique id, never reused for different content (`cmd_…`).
    pub fn command_id(&self) -> &str {
        &self.command_id
    }

    /// The contract `type` (`feature.enable`, …).
    pub fn kind(&self) -> &str {
        &self.kind
    }

    /// When issued.
    pub fn issued_at(&self) -> DateTime<Utc> {
        self.issued_at
    }

    /// After this the vehicle answers `expired`.
    pub fn expires_at(&self) -> DateTime<Utc> {
        self.expires_at
    }

    /// Per-type parameters (`{}` for `state.query`).
    pub fn params(&self) -> &Value {
        &self.params
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fleet::CarFeatures;

    #[test]
    fn a_fresh_stamp_has_a_new_id_and_at_least_the_contract_lifetime() {
        let now = Utc::now();
        let a = CommandStamp::fresh(now, chrono::Duration::seconds(1));
        let b = CommandStamp::fresh(now, chrono::Duration::hours(1));
        assert!(a.command_id().starts_with("cmd_") && a.command_id().len() == 36);
        assert_ne!(a.command_id(), b.command_id());
        assert_eq!(a.expires_at() - now, chrono::Duration::minutes(5));
        assert_eq!(b.expires_at() - now, chrono::Duration::hours(1));
    }

    #[test]
    fn an_enable_serialises_as_the_contract_says() {
        let features = CarFeatures::for_tests(&["HEAT_PUMP"], &[]);
        let f = features.option("HEAT_PUMP").unwrap();
        let t = "2026-06-01T10:00:00Z".parse::<DateTime<Utc>>().unwrap();
        let mut config = Map::new();
        config.insert("power_mode".into(), json!("HIGH"));
        let stamp = CommandStamp::recorded("cmd_1", t, t + chrono::Duration::days(1));
        let c = FleetCommand::enable(&f, Some(t), Some(&config), stamp);
        let v = serde_json::to_value(&c).unwrap();
        assert_eq!(
            v,
            json!({"command_id": "cmd_1", "type": "feature.enable", "issued_at": "2026-06-01T10:00:00Z",
                "expires_at": "2026-06-02T10:00:00Z",
                "params": {"feature_code": "HEAT_PUMP", "valid_until": "2026-06-01T10:00:00Z", "config": {"power_mode": "HIGH"}}})
        );
        let back: FleetCommand = serde_json::from_value(v).unwrap();
        assert_eq!(back, c);
    }

    #[test]
    fn a_recorded_stamp_rebuilds_the_same_command() {
        let features = CarFeatures::for_tests(&["HEAT_PUMP"], &[]);
        let f = features.option("HEAT_PUMP").unwrap();
        let first = FleetCommand::disable(
            &f,
            CommandStamp::fresh(Utc::now(), chrono::Duration::days(1)),
        );
        let again = FleetCommand::disable(
            &f,
            CommandStamp::recorded(first.command_id(), first.issued_at(), first.expires_at()),
        );
        assert_eq!(first, again);
        assert_eq!(first.params(), &json!({"feature_code": "HEAT_PUMP"}));
    }
}
