//! [`EmbeddedBroker`]: rumqttd running in-process, an MQTT 3.1.1 broker for
//! tests and the embedded (single binary) mode.
//!
//! Verified by `tests/it/broker_features.rs` and `tests/it/broker_auth.rs`: persistent sessions (QoS 1
//! messages published while a `clean_session = false` subscriber is away are
//! delivered when it reconnects), retained messages and last wills work.
//! Limits of rumqttd 0.20 to know about:
//! - it cannot be stopped: the broker's threads live until the process exits;
//! - sessions and retained messages live in memory only (lost on restart);
//! - it never sets `TCP_NODELAY` on its sockets (~40 ms per hop at one
//!   message in flight; throughput is fine with many in flight);
//! - outgoing QoS 1 in-flight is fixed at 100 per connection, and when a
//!   subscription matches more retained messages than the free in-flight
//!   slots, the excess retained messages are silently not sent: a platform
//!   subscribing to `fleet/v1/+/state` gets at most ~100 retained reports
//!   (enough for tests and a small embedded fleet, not for production);
//! - messages live in a per-filter in-memory commit log of
//!   [`SEGMENT_SIZE`] × [`SEGMENT_COUNT`]: a persistent session that stays
//!   away long enough for the log to rotate loses the oldest messages;
//! - no topic ACLs: an authenticated client may publish or subscribe
//!   anywhere (see below);
//! - a connection id freed by a DISCONNECT is given to the next client at
//!   once, and if the old socket's close is reported after that, rumqttd
//!   drops the *new* connection: clients should read until the broker closes
//!   the socket after DISCONNECT (the platform link and the simulated
//!   vehicles do).
//!
//! **Authentication** is enforced ([`BrokerAuth`], rumqttd's external auth
//! handler): the platform's username/password, or a vehicle whose client id
//! and username are its VIN and whose password is its derived secret. A
//! CONNECT without or with wrong credentials is answered by closing the
//! connection (rumqttd sends no refusing ConnAck). **Topic ACLs are not**:
//! rumqttd 0.20 has no hook on SUBSCRIBE or PUBLISH, and MQTT 3.1.1 does not
//! tell a subscriber who published, so the platform cannot check a message's
//! topic VIN against its publisher either. An authenticated car can
//! therefore read and write other cars' topics on the embedded broker; only
//! Mosquitto with the `caas fleet broker-config` ACL stops that.

use crate::auth::BrokerAuth;
use rumqttd::{Broker, Config, ConnectionSettings, RouterConfig, ServerSettings};
use std::collections::HashMap;
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::time::{Duration, Instant};
use thiserror::Error;

/// Largest payload the embedded broker accepts (the contract needs 16 KiB).
pub const MAX_PAYLOAD: usize = 64 * 1024;
/// Packets a connection may have buffered towards the router.
pub const MAX_CONNECTION_BUFFER: usize = 1_000;
/// Bytes per commit-log segment (one log per subscribed filter).
pub const SEGMENT_SIZE: usize = 8 * 1024 * 1024;
/// Segments kept per filter before the oldest is dropped.
pub const SEGMENT_COUNT: usize = 8;
/// Simultaneous connections.
pub const MAX_CONNECTIONS: usize = 10_000;

/// Why the embedded broker did not start.
#[derive(Debug, Error)]
pub enum BrokerError {
    /// No free port could be picked or the thread could not be spawned.
    #[error("embedded MQTT broker: {0}")]
    Io(#[from] std::io::Error),
    /// The broker did not accept connections in time.
    #[error("embedded MQTT broker did not start listening on {0}")]
    NotListening(SocketAddr),
}

/// An in-process rumqttd broker with one MQTT 3.1.1 listener.
#[derive(Debug)]
pub struct EmbeddedBroker {
    addr: SocketAddr,
}

impl EmbeddedBroker {
    /// Starts the broker on `addr` (port 0 = a free port) and waits until it
    /// accepts connections. Blocks for at most a few seconds.
    /// Only clients that `auth` accepts may connect.
    pub fn start(addr: SocketAddr, auth: BrokerAuth) -> Result<EmbeddedBroker, BrokerError> {
        let addr = if addr.port() == 0 {
            let probe = TcpListener::bind(SocketAddr::new(addr.ip(), 0))?;
            probe.local_addr()?
        } else {
            addr
        };
        let mut broker = Broker::new(config(addr, auth));
        std::thread::Builder::new()
            .name(format!("rumqttd-{}", addr.port()))
            .spawn(move || {
                if let Err(err) = broker.start() {
                    tracing::error!(%err, "embedded MQTT broker stopped");
                }
            })?;
        let deadline = Instant::now() + Duration::from_secs(5);
        loop {
            let probe = if addr.ip().is_unspecified() {
                SocketAddr::from(([127, 0, 0, 1], addr.port()))
            } else {
                addr
            };
            if TcpStream::connect_timeout(&probe, Duration::from_millis(200)).is_ok() {
                tracing::info!(%addr, "embedded MQTT broker listening");
                return Ok(EmbeddedBroker { addr });
            }
            if Instant::now() >= deadline {
                return Err(BrokerError::NotListening(addr));
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// The listener's address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `mqtt://127.0.0.1:PORT` (the loopback address when listening on all interfaces).
    pub fn url(&self) -> String {
        if self.addr.ip().is_unspecified() {
            format!("mqtt://127.0.0.1:{}", self.addr.port())
        } else {
            format!("mqtt://{}", self.addr)
        }
    }
}

fn config(addr: SocketAddr, auth: BrokerAuth) -> Config {
    let mut connections = ConnectionSettings {
        connection_timeout_ms: 60_000,
        max_payload_size: MAX_PAYLOAD,
        max_inflight_count: MAX_CONNECTION_BUFFER,
        auth: None,
        external_auth: None,
        dynamic_filters: true,
    };
    connections.set_auth_handler(move |client_id: String, user: String, pass: String| {
        let who = auth.authenticate(&client_id, &user, &pass);
        if who.is_none() {
            tracing::warn!(%client_id, %user, "fleet broker refused a login");
        }
        std::future::ready(who.is_some())
    });
    let server = ServerSettings {
        name: format!("v4-{}", addr.port()),
        listen: addr,
        tls: None,
        next_connection_delay_ms: 0,
        connections,
    };
    Config {
        id: 0,
        router: RouterConfig {
            max_connections: MAX_CONNECTIONS,
            max_outgoing_packet_count: 1_000,
            max_segment_size: SEGMENT_SIZE,
            max_segment_count: SEGMENT_COUNT,
            ..RouterConfig::default()
        },
        v4: Some(HashMap::from([("v4".to_owned(), server)])),
        ..Config::default()
    }
}
