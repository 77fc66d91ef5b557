//! The platform's MQTT link to the vehicles (`shared/contracts/iot-api.md`).
//!
//! [`FleetLink::start`] connects to the fleet broker with a persistent
//! session (`clean_session = false`), subscribes at QoS 1 to
//! `fleet/v1/+/replies`, `…/state` and `…/presence`, and returns a
//! [`FleetHandle`] implementing [`caas_domain::fleet::FleetApi`]. Every
//! incoming message goes to the application's
//! [`caas_domain::fleet::FleetEventSink`] and is acknowledged to the broker
//! only after the sink returned `Ok` (manual acks), so nothing is lost if the
//! process dies before its durable write. After a sink error the message
//! stays unacknowledged and the link reconnects ([`RESYNC_AFTER`] later) so
//! the broker redelivers it. State reports whose `seq` is not above one the
//! sink already accepted in this process are acknowledged without a sink
//! call (the sink stays the authority for everything else); replies and
//! presence always reach the sink, duplicates included.
//!
//! [`broker::EmbeddedBroker`] runs rumqttd in-process (tests, embedded mode).

pub mod auth;
pub mod broker;
mod config;
mod handle;
mod inbound;
mod link;
pub mod mosquitto;
#[cfg(feature = "testing")]
pub mod testing;
pub mod tls;
pub mod topics;
mod waiters;

pub use config::{
    parse_broker, parse_broker_url, BrokerAddress, FleetLinkConfig, FleetStartError, Secret,
};
pub use handle::{FleetHandle, FleetLinkStats};
pub use link::{FleetLink, RESYNC_AFTER};
pub use tls::FleetTls;

use std::time::Duration;

/// Shortest command lifetime the contract allows (`expires_at` ≥ 5 min after `issued_at`).
/// Commands themselves are built only by the typed constructors of
/// `caas_domain::fleet::FleetCommand`.
pub const MIN_COMMAND_TTL: Duration = Duration::from_secs(5 * 60);
