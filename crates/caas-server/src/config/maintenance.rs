//! Settings of VSS, the workshop network's Vehicle Service System
//! (flattened into [`crate::config::Config`], so each key sits at the top
//! level of `caas.toml` and `CAAS_*`): its base URL and read-only key when
//! simulators are off, the client timeout, and what the embedded simulator
//! answers for cars it has no fixture of.

use crate::config::{ConfigError, Secret};
use serde::Deserialize;

/// Presets the embedded VSS simulator knows, plus `none` (404).
const PRESETS: [&str; 5] = ["none", "new", "ok", "overdue_battery", "void_warranty"];

/// VSS settings.
#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct MaintenanceConfig {
    /// VSS base URL (without `/v1`) when simulators are off; unset = no VSS
    /// (maintenance shows as unavailable, linked options follow their policy).
    pub vss_base_url: Option<String>,
    /// VSS read-only API key.
    pub vss_api_key: Option<Secret>,
    /// Timeout of each VSS call, seconds (contract: 5).
    pub vss_timeout_secs: u64,
    /// Embedded VSS: what a car without a fixture gets — `new` (all blocks
    /// current, no visits; the default), `ok`, `overdue_battery`,
    /// `void_warranty`, or `none` for `404 vehicle_not_found`.
    pub sim_vss_unknown_vins: String,
}

impl Default for MaintenanceConfig {
    fn default() -> Self {
        Self {
            vss_base_url: None,
            vss_api_key: None,
            vss_timeout_secs: 5,
            sim_vss_unknown_vins: "new".into(),
        }
    }
}

impl MaintenanceConfig {
    /// The simulator's unknown-VIN preset (`None` for `none`).
    pub fn sim_unknown_vin_preset(&self) -> Option<String> {
        Some(self.sim_vss_unknown_vins.clone()).filter(|p| p != "none")
    }

    /// Checks the values.
    pub fn validate(&self) -> Result<(), ConfigError> {
        let err = |k: &str, m: &str| Err(ConfigError(format!("{k}: {m}")));
        if let Some(u) = &self.vss_base_url {
            if !(u.starts_with("http://") || u.starts_with("https://")) {
                return err("vss_base_url", "must start with http:// or https://");
            }
        }
        if self.vss_timeout_secs == 0 || self.vss_timeout_secs > 60 {
            return err("vss_timeout_secs", "must be between 1 and 60");
        }
        if !PRESETS.contains(&self.sim_vss_unknown_vins.as_str()) {
            return err(
                "sim_vss_unknown_vins",
                "choose none, new, ok, overdue_battery or void_warranty",
            );
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vss_settings_are_checked_and_none_means_not_found() {
        let mut m = MaintenanceConfig::default();
        assert!(m.validate().is_ok());
        assert_eq!(m.sim_unknown_vin_preset().as_deref(), Some("new"));
        m.sim_vss_unknown_vins = "none".into();
        assert_eq!(m.sim_unknown_vin_preset(), None);
        m.sim_vss_unknown_vins = "shiny".into();
        assert!(m.validate().is_err());
        let m = MaintenanceConfig {
            vss_base_url: Some("ftp://vss".into()),
            vss_api_key: Some(Secret::new("vss-hunter2")),
            ..MaintenanceConfig::default()
        };
        assert!(
            !format!("{m:?}").contains("hunter2"),
            "the key never prints"
        );
        let e = m
            .validate()
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(e.contains("vss_base_url"), "{e}");
    }
}
