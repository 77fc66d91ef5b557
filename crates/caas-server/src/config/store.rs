//! Settings of the feature store (flattened into [`crate::config::Config`]):
//! the OTA activation policy of ADM-2 (tries, backoff) and the lifetime of
//! each command (the IoT contract: `expires_at` at least 5 min ahead), and
//! how long before a time-limited service's end its owner is reminded.

use crate::config::ConfigError;
use caas_app::settings::OtaSettings;
use serde::Deserialize;

/// Feature-store settings.
#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct StoreConfig {
    /// Activation tries (ADM-2: 5).
    pub ota_max_attempts: u32,
    /// First wait between tries, seconds (ADM-2: 60); doubles each try.
    pub ota_backoff_base_secs: i64,
    /// Longest wait between tries, seconds (ADM-2: 1800).
    pub ota_backoff_cap_secs: i64,
    /// Seconds from a command's issue to its `expires_at` (≥ 300).
    pub ota_command_ttl_secs: i64,
    /// Days before a time-limited service's end when the owner is reminded
    /// (default 3; 0: no reminders; at most 365).
    pub expiry_reminder_days: i64,
}

impl Default for StoreConfig {
    fn default() -> Self {
        Self {
            ota_max_attempts: 5,
            ota_backoff_base_secs: 60,
            ota_backoff_cap_secs: 1800,
            ota_command_ttl_secs: 600,
            expiry_reminder_days: 3,
        }
    }
}

impl StoreConfig {
    /// Checks the ranges.
    pub fn validate(&self) -> Result<(), ConfigError> {
        let bad = |k: &str, m: &str| Err(ConfigError(format!("{k}: {m}")));
        if !(1..=20).contains(&self.ota_max_attempts) {
            return bad("ota_max_attempts", "use 1 to 20 tries");
        }
        if self.ota_backoff_base_secs < 1 || self.ota_backoff_cap_secs < self.ota_backoff_base_secs
        {
            return bad("ota_backoff_base_secs", "base ≥ 1 s and cap ≥ base");
        }
        if self.ota_command_ttl_secs < 300 {
            return bad(
                "ota_command_ttl_secs",
                "the IoT contract needs at least 300 s",
            );
        }
        if !(0..=365).contains(&self.expiry_reminder_days) {
            return bad(
                "expiry_reminder_days",
                "use 0 (off) to 365 days before the end",
            );
        }
        Ok(())
    }

    /// The application's OTA settings.
    pub fn ota(&self) -> OtaSettings {
        OtaSettings {
            max_attempts: self.ota_max_attempts,
            backoff: caas_domain::job::Backoff {
                base: chrono::Duration::seconds(self.ota_backoff_base_secs),
                cap: chrono::Duration::seconds(self.ota_backoff_cap_secs),
            },
            command_ttl: chrono::Duration::seconds(self.ota_command_ttl_secs),
            expiry_reminder: chrono::Duration::days(self.expiry_reminder_days),
            ..OtaSettings::default()
        }
    }
}
