//! Configuration of the platform's MQTT link: [`FleetLinkConfig`], the
//! [`Secret`] password wrapper, broker URL parsing and [`FleetStartError`].

use std::fmt;
use std::time::Duration;
use thiserror::Error;

/// A password that never shows in `Debug` or `Display` output.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret value.
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The secret itself (only to hand it to the MQTT client).
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Self(value)
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Self {
        Self(value.to_owned())
    }
}

/// How the platform connects to the fleet broker (contract: its own
/// username/password, fixed client id `caas-platform-<n>`, persistent session).
#[derive(Debug, Clone)]
pub struct FleetLinkConfig {
    /// `mqtt://host:port` (or `tcp://`; port defaults to 1883), or
    /// `mqtts://host:port` (or `ssl://`; port defaults to 8883), which needs [`Self::tls`].
    pub broker_url: String,
    /// The CA to trust (and client certificate) for `mqtts://`.
    pub tls: Option<crate::tls::FleetTls>,
    /// Fixed client id, e.g. `caas-platform-1`: the persistent session is keyed by it.
    pub client_id: String,
    /// Broker username, if the broker wants one.
    pub username: Option<String>,
    /// Broker password (never printed).
    pub password: Option<Secret>,
    /// MQTT keep-alive.
    pub keep_alive: Duration,
}

impl FleetLinkConfig {
    /// A configuration without credentials and a 30 s keep-alive.
    pub fn new(broker_url: impl Into<String>, client_id: impl Into<String>) -> Self {
        Self {
            broker_url: broker_url.into(),
            client_id: client_id.into(),
            username: None,
            password: None,
            keep_alive: Duration::from_secs(30),
            tls: None,
        }
    }
}

/// Why [`crate::FleetLink::start`] could not start the link.
#[derive(Debug, Clone, Error, PartialEq, Eq)]
pub enum FleetStartError {
    /// The broker URL is not `mqtt://host[:port]`.
    #[error("invalid fleet broker URL {url:?}: {reason}")]
    InvalidUrl {
        /// The URL given.
        url: String,
        /// What is wrong with it.
        reason: String,
    },
    /// The configuration cannot be used (empty client id, keep-alive…).
    #[error("invalid fleet link configuration: {0}")]
    InvalidConfig(String),
    /// Not called from inside a tokio runtime.
    #[error("the fleet link must be started inside a tokio runtime")]
    NoRuntime,
}

/// Where the broker is and whether the link speaks TLS to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BrokerAddress {
    /// Host name or IP address (the name the broker's certificate must carry).
    pub host: String,
    /// Port (1883 plain, 8883 TLS by default).
    pub port: u16,
    /// `mqtts://` / `ssl://`.
    pub tls: bool,
}

/// Parses `mqtt://host[:port]` (also `tcp://`, port 1883 by default) and
/// `mqtts://host[:port]` (also `ssl://`, port 8883 by default).
pub fn parse_broker(url: &str) -> Result<BrokerAddress, FleetStartError> {
    let invalid = |reason: &str| FleetStartError::InvalidUrl {
        url: url.to_owned(),
        reason: reason.to_owned(),
    };
    let (scheme, rest) = url
        .split_once("://")
        .ok_or_else(|| invalid("missing scheme (expected mqtt:// or mqtts://)"))?;
    let tls = match scheme.to_ascii_lowercase().as_str() {
        "mqtt" | "tcp" => false,
        "mqtts" | "ssl" => true,
        _ => return Err(invalid("unsupported scheme (expected mqtt:// or mqtts://)")),
    };
    let authority = rest.trim_end_matches('/');
    if authority.is_empty() || authority.contains(['/', '?', '@']) {
        return Err(invalid("expected host[:port] with nothing after it"));
    }
    let (host, port) = if let Some(v6) = authority.strip_prefix('[') {
        let (host, tail) = v6
            .split_once(']')
            .ok_or_else(|| invalid("unterminated IPv6 address"))?;
        (host, tail.strip_prefix(':'))
    } else {
        match authority.rsplit_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (authority, None),
        }
    };
    if host.is_empty() {
        return Err(invalid("empty host"));
    }
    let port = match port {
        Some(p) => p.parse::<u16>().map_err(|_| invalid("invalid port"))?,
        None if tls => 8883,
        None => 1883,
    };
    Ok(BrokerAddress {
        host: host.to_owned(),
        port,
        tls,
    })
}

/// Splits a plain `mqtt://host[:port]` (also `tcp://`) into host and port,
/// for clients without TLS (the simulated cars, test clients); `mqtts://`
/// is refused here — [`parse_broker`] accepts it.
pub fn parse_broker_url(url: &str) -> Result<(String, u16), FleetStartError> {
    let address = parse_broker(url)?;
    if address.tls {
        return Err(FleetStartError::InvalidUrl {
            url: url.to_owned(),
            reason: "this client has no TLS transport (expected mqtt://)".to_owned(),
        });
    }
    Ok((address.host, address.port))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn parses_urls() {
        assert_eq!(
            parse_broker_url("mqtt://127.0.0.1:1883").unwrap(),
            ("127.0.0.1".to_owned(), 1883)
        );
        assert_eq!(
            parse_broker_url("tcp://broker.local").unwrap(),
            ("broker.local".to_owned(), 1883)
        );
        assert_eq!(
            parse_broker_url("mqtt://[::1]:1884/").unwrap(),
            ("::1".to_owned(), 1884)
        );
        assert!(parse_broker_url("mqtts://x:8883").is_err());
        assert_eq!(
            parse_broker("mqtts://broker.local").unwrap(),
            BrokerAddress {
                host: "broker.local".to_owned(),
                port: 8883,
                tls: true
            }
        );
        assert!(parse_broker("ssl://127.0.0.1:8884").unwrap().tls);
        assert!(!parse_broker("mqtt://127.0.0.1").unwrap().tls);
        assert!(parse_broker_url("http://x").is_err());
        assert!(parse_broker_url("127.0.0.1:1883").is_err());
        assert!(parse_broker_url("mqtt://:1883").is_err());
        assert!(parse_broker_url("mqtt://x:99999").is_err());
        assert!(parse_broker_url("mqtt://u:p@x:1").is_err());
    }

    #[test]
    fn secret_never_prints() {
        let mut cfg = FleetLinkConfig::new("mqtt://x", "caas-platform-1");
        cfg.password = Some(Secret::new("hunter2"));
        let shown = format!("{cfg:?} {}", Secret::new("hunter2"));
        assert!(!shown.contains("hunter2"), "{shown}");
        assert_eq!(cfg.password.unwrap().expose(), "hunter2");
    }
}
