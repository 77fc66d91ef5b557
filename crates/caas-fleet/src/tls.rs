//! TLS of the fleet link (IoT contract SEC-1): a rustls client
//! configuration (ring provider) trusting the CA certificates of a PEM file,
//! optionally presenting a client certificate, handed to rumqttc for
//! `mqtts://` brokers.

use crate::config::FleetStartError;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use rustls::{ClientConfig, RootCertStore};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Which CA the link trusts and which certificate it shows, as PEM files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FleetTls {
    /// CA certificate(s) the broker's certificate must chain to.
    pub ca_file: PathBuf,
    /// Client certificate chain and its private key, when the broker asks for one.
    pub client_auth: Option<(PathBuf, PathBuf)>,
}

impl FleetTls {
    /// Trusts the CA(s) of `ca_file`, no client certificate.
    pub fn new(ca_file: impl Into<PathBuf>) -> Self {
        Self {
            ca_file: ca_file.into(),
            client_auth: None,
        }
    }

    /// Reads the files and builds the rustls client configuration.
    pub fn client_config(&self) -> Result<Arc<ClientConfig>, FleetStartError> {
        let mut roots = RootCertStore::empty();
        for cert in read_certs(&self.ca_file)? {
            roots
                .add(cert)
                .map_err(|e| invalid(&self.ca_file, &e.to_string()))?;
        }
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let builder = ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|e| FleetStartError::InvalidConfig(format!("TLS: {e}")))?
            .with_root_certificates(roots);
        let config = match &self.client_auth {
            None => builder.with_no_client_auth(),
            Some((cert, key)) => {
                let chain = read_certs(cert)?;
                let key = PrivateKeyDer::from_pem_file(key)
                    .map_err(|e| invalid(key, &format!("no private key: {e}")))?;
                builder
                    .with_client_auth_cert(chain, key)
                    .map_err(|e| invalid(cert, &e.to_string()))?
            }
        };
        Ok(Arc::new(config))
    }
}

fn invalid(path: &Path, reason: &str) -> FleetStartError {
    FleetStartError::InvalidConfig(format!("TLS file {}: {reason}", path.display()))
}

/// Every certificate of a PEM file; at least one.
fn read_certs(path: &Path) -> Result<Vec<CertificateDer<'static>>, FleetStartError> {
    let certs = CertificateDer::pem_file_iter(path)
        .map_err(|e| invalid(path, &e.to_string()))?
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| invalid(path, &e.to_string()))?;
    if certs.is_empty() {
        return Err(invalid(path, "no certificate in it"));
    }
    Ok(certs)
}
