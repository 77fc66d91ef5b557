//! Settings of the delivery half (flattened into [`crate::config::Config`],
//! so each key sits at the top level of `caas.toml` and `CAAS_*`): the
//! final-payment policy (ADM-2), registration and carrier partners, the
//! fleet broker, and the embedded simulators of issue 4.

use crate::config::{ConfigError, Secret};
use caas_app::settings::SenalPolicy;
use serde::Deserialize;

/// Delivery settings.
#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct DeliveryConfig {
    /// Seconds from the availability notice to the final-payment deadline (ADM-2: 14 days).
    pub final_payment_window_secs: i64,
    /// Reminders, seconds before the deadline (ADM-2: 7 and 2 days).
    pub final_payment_reminder_secs: Vec<i64>,
    /// `retained` (default) or `refunded`.
    pub senal_on_reservation_lost: String,
    /// Registration attempts before staff take over.
    pub registration_max_attempts: i32,
    /// Home-delivery attempts before collection at the dealership (ADM-2: 2).
    pub max_delivery_attempts: u32,
    /// Seconds a gap in carrier event sequences may last before reconciling.
    pub carrier_gap_wait_secs: i64,
    /// Seconds one fleet command waits for its final reply.
    pub fleet_command_wait_secs: u64,
    /// Attempts of a fleet job.
    pub fleet_max_attempts: i32,
    /// Registration services when simulators are off: `ES=https://…,PT=https://…`.
    pub registry_base_urls: Option<String>,
    /// Registration API key (one per deployment here).
    pub registry_api_key: Option<Secret>,
    /// Timeout of registration calls, seconds (contract: 90).
    pub registry_timeout_secs: u64,
    /// Carrier base URL when simulators are off.
    pub carrier_base_url: Option<String>,
    /// Carrier API key.
    pub carrier_api_key: Option<Secret>,
    /// Carrier webhook signing secret.
    pub carrier_webhook_secret: Option<Secret>,
    /// Fleet broker (`mqtt://host:port`); embedded broker when unset in embedded mode.
    pub fleet_broker_url: Option<String>,
    /// Fleet broker username.
    pub fleet_username: Option<String>,
    /// Fleet broker password.
    pub fleet_password: Option<Secret>,
    /// Key the vehicles' broker secrets derive from (`caas_fleet::auth`);
    /// needed by `caas fleet broker-config`. Embedded mode: random per start.
    pub fleet_vehicle_key: Option<Secret>,
    /// Fleet client id (`caas-platform-<n>`).
    pub fleet_client_id: String,
    /// Embedded carrier: milliseconds between shipment steps.
    pub sim_carrier_step_ms: u64,
    /// Embedded fleet: pre-created stock vehicles.
    pub sim_fleet_vehicles: usize,
    /// Embedded fleet: vehicle keep-alive seconds (last will after 1.5×).
    pub sim_fleet_keep_alive_secs: u64,
}

impl Default for DeliveryConfig {
    fn default() -> Self {
        Self {
            final_payment_window_secs: 14 * 86_400,
            final_payment_reminder_secs: vec![7 * 86_400, 2 * 86_400],
            senal_on_reservation_lost: "retained".into(),
            registration_max_attempts: 8,
            max_delivery_attempts: 2,
            carrier_gap_wait_secs: 60,
            fleet_command_wait_secs: 30,
            fleet_max_attempts: 6,
            registry_base_urls: None,
            registry_api_key: None,
            registry_timeout_secs: 90,
            carrier_base_url: None,
            carrier_api_key: None,
            carrier_webhook_secret: None,
            fleet_broker_url: None,
            fleet_username: None,
            fleet_password: None,
            fleet_vehicle_key: None,
            fleet_client_id: "caas-platform-1".into(),
            sim_carrier_step_ms: 10_000,
            sim_fleet_vehicles: 0,
            sim_fleet_keep_alive_secs: 60,
        }
    }
}

impl DeliveryConfig {
    /// The señal policy.
    pub fn senal_policy(&self) -> SenalPolicy {
        if self.senal_on_reservation_lost == "refunded" {
            SenalPolicy::Refunded
        } else {
            SenalPolicy::Retained
        }
    }

    /// `ES=url,PT=url` as pairs.
    pub fn registry_urls(&self) -> Vec<(String, String)> {
        self.registry_base_urls
            .as_deref()
            .unwrap_or("")
            .split(',')
            .filter_map(|p| p.split_once('='))
            .map(|(c, u)| (c.trim().to_ascii_uppercase(), u.trim().to_owned()))
            .collect()
    }

    /// Checks the values.
    pub fn validate(&self) -> Result<(), ConfigError> {
        let err = |k: &str, m: &str| Err(ConfigError(format!("{k}: {m}")));
        if self.final_payment_window_secs <= 0 {
            return err("final_payment_window_secs", "must be greater than zero");
        }
        if self.final_payment_reminder_secs.iter().any(|s| *s <= 0) {
            return err(
                "final_payment_reminder_secs",
                "each must be greater than zero",
            );
        }
        if !matches!(
            self.senal_on_reservation_lost.as_str(),
            "retained" | "refunded"
        ) {
            return err("senal_on_reservation_lost", "choose retained or refunded");
        }
        if self.registration_max_attempts < 1
            || self.fleet_max_attempts < 1
            || self.max_delivery_attempts < 1
        {
            return err("registration_max_attempts", "attempts must be at least 1");
        }
        for (c, u) in self.registry_urls() {
            if !caas_domain::dealership::COUNTRIES.contains(&c.as_str()) || !u.starts_with("http") {
                return err(
                    "registry_base_urls",
                    "use CC=http(s)://… pairs for ES, PT, FR, DE, IT",
                );
            }
        }
        if let Some(u) = &self.fleet_broker_url {
            if !u.starts_with("mqtt://") {
                return err("fleet_broker_url", "must start with mqtt://");
            }
        }
        if let Some(s) = &self.carrier_webhook_secret {
            if caas_partners::webhooks::WebhookSecret::parse(s.expose()).is_err() {
                return err(
                    "carrier_webhook_secret",
                    "must be whsec_ followed by base64",
                );
            }
        }
        Ok(())
    }
}
