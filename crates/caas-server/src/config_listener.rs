//! Settings of the HTTP listener itself (flattened into
//! [`crate::config::Config`], so each key sits at the top level of
//! `caas.toml` and `CAAS_*`): who may scrape `/metrics` (WEB-2) and the
//! certificate and key of HTTPS.

use crate::config::{ConfigError, Secret};
use serde::Deserialize;

/// Listener settings.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ListenerConfig {
    /// Bearer token `/metrics` requires; unset, only loopback clients may scrape.
    pub metrics_token: Option<Secret>,
}

impl ListenerConfig {
    /// Checks the values.
    pub fn validate(&self) -> Result<(), ConfigError> {
        if let Some(t) = &self.metrics_token {
            if t.expose().trim().len() < 16 {
                return Err(ConfigError(
                    "metrics_token: must be at least 16 characters".into(),
                ));
            }
        }
        Ok(())
    }
}
