//! Settings of the delivery half (flattened into [`crate::config::Config`],
//! so each key sits at the top level of `caas.toml` and `CAAS_*`): the
//! final-payment policy (ADM-2), registration and carrier partners, the
//! fleet broker, and the embedded simulators of issue 4.

use crate::config::{ConfigError, Secret};
use caas_app::settings::SenalPolicy;
use serde::Deserialize;
use std::path::PathBuf;

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
    /// Fleet broker (`mqtt://host:port`, or `mqtts://host:port` with
    /// `fleet_ca_file`); embedded broker when unset in embedded mode.
    pub fleet_broker_url: Option<String>,
    /// PEM file of the CA(s) an `mqtts://` broker's certificate must chain to (SEC-1).
    pub fleet_ca_file: Option<PathBuf>,
    /// PEM client certificate chain shown to an `mqtts://` broker that asks for one.
    pub fleet_client_cert: Option<PathBuf>,
    /// PEM private key of `fleet_client_cert`.
    pub fleet_client_key: Option<PathBuf>,
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
            fleet_ca_file: None,
            fleet_client_cert: None,
            fleet_client_key: None,
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

    /// The TLS settings of the fleet link, when a CA file is configured.
    pub fn fleet_tls(&self) -> Option<caas_fleet::FleetTls> {
        let ca = self.fleet_ca_file.clone()?;
        Some(caas_fleet::FleetTls {
            ca_file: ca,
            client_auth: self
                .fleet_client_cert
                .clone()
                .zip(self.fleet_client_key.clone()),
        })
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
            match caas_fleet::parse_broker(u) {
                Err(_) => {
                    return err(
                        "fleet_broker_url",
                        "must be mqtt://host:port or mqtts://host:port",
                    )
                }
                Ok(b) if b.tls && self.fleet_ca_file.is_none() => {
                    return err(
                        "fleet_ca_file",
                        "an mqtts:// broker needs the CA to trust (PEM file)",
                    )
                }
                Ok(_) => {}
            }
        }
        if self.fleet_client_cert.is_some() != self.fleet_client_key.is_some() {
            return err(
                "fleet_client_key",
                "set both fleet_client_cert and fleet_client_key or neither",
            );
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_mqtts_broker_needs_a_ca_file_and_client_cert_and_key_go_together() {
        let error = |d: &DeliveryConfig| d.validate().err().map(|e| e.to_string());
        let mut d = DeliveryConfig {
            fleet_broker_url: Some("mqtts://broker.example:8883".into()),
            ..DeliveryConfig::default()
        };
        let e = error(&d).unwrap_or_default();
        assert!(e.contains("fleet_ca_file"), "{e}");
        d.fleet_ca_file = Some("/etc/caas/fleet-ca.pem".into());
        assert!(d.validate().is_ok());
        assert_eq!(
            d.fleet_tls().map(|t| t.ca_file),
            Some(PathBuf::from("/etc/caas/fleet-ca.pem"))
        );
        d.fleet_client_cert = Some("/etc/caas/platform.pem".into());
        let e = error(&d).unwrap_or_default();
        assert!(e.contains("fleet_client_key"), "{e}");
        d.fleet_broker_url = Some("http://broker".into());
        d.fleet_client_key = Some("/etc/caas/platform.key".into());
        let e = error(&d).unwrap_or_default();
        assert!(e.contains("fleet_broker_url"), "{e}");
    }
}
