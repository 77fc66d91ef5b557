//! Settings of the HTTP listener itself (flattened into
//! [`crate::config::Config`], so each key sits at the top level of
//! `caas.toml` and `CAAS_*`): who may scrape `/metrics` (WEB-2) and the
//! certificate and key of HTTPS.

use crate::config::{ConfigError, Secret};
use serde::Deserialize;
use std::path::{Path, PathBuf};

/// Listener settings.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ListenerConfig {
    /// Bearer token `/metrics` requires; unset, only loopback clients may scrape.
    pub metrics_token: Option<Secret>,
    /// PEM certificate chain; with `tls_key`, the listener serves HTTPS.
    pub tls_cert: Option<PathBuf>,
    /// PEM private key of `tls_cert`.
    pub tls_key: Option<PathBuf>,
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
        if self.tls_cert.is_some() != self.tls_key.is_some() {
            return Err(ConfigError(
                "tls_key: set both tls_cert and tls_key (PEM files) or neither".into(),
            ));
        }
        Ok(())
    }

    /// `https` when the listener serves TLS, else `http`.
    pub fn scheme(&self) -> &'static str {
        if self.tls_files().is_some() {
            "https"
        } else {
            "http"
        }
    }

    /// The certificate and key files when the listener serves HTTPS.
    pub fn tls_files(&self) -> Option<(&Path, &Path)> {
        Some((self.tls_cert.as_deref()?, self.tls_key.as_deref()?))
    }
}
