//! [`FleetLink::start`]: the long-lived tasks around the rumqttc event loop.
//!
//! - The *driver* polls the event loop, re-subscribes on every ConnAck,
//!   reconnects with a short backoff forever, and forwards publishes.
//! - The *processor* handles publishes one at a time (so acknowledgements go
//!   out in order) and acknowledges each only after the sink recorded it.
//!   After a sink failure the driver reconnects (after [`RESYNC_AFTER`]) so
//!   the broker redelivers what was left unacknowledged.

use crate::config::{parse_broker, FleetLinkConfig, FleetStartError};
use crate::handle::{bump, lock, FleetHandle, Shared};
use crate::inbound::{Disposition, Inbound};
use crate::topics::PLATFORM_FILTERS;
use caas_domain::fleet::FleetEventSink;
use rumqttc::{
    AsyncClient, Event, EventLoop, MqttOptions, NetworkOptions, Outgoing, Packet, Publish, QoS,
    SubscribeFilter, SubscribeReasonCode, TlsConfiguration, Transport,
};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::mpsc;

/// First reconnect delay; doubles up to [`MAX_BACKOFF`].
const MIN_BACKOFF: Duration = Duration::from_millis(200);
/// Longest delay between reconnect attempts.
const MAX_BACKOFF: Duration = Duration::from_secs(5);
/// After a sink failure, reconnect this much later so the broker redelivers.
pub const RESYNC_AFTER: Duration = Duration::from_secs(2);
/// Incoming packets up to this size are read (and discarded when over 16 KiB).
/// A larger one breaks the connection and, being redelivered, would do so
/// again: production brokers should cap payloads (Mosquitto
/// `message_size_limit 16384`) as the contract's ACLs intend.
const MAX_INCOMING_PACKET: usize = 8 * 1024 * 1024;

/// Starts the platform's MQTT link.
#[derive(Debug, Clone, Copy)]
pub struct FleetLink;

impl FleetLink {
    /// Validates `config` and spawns the link's tasks on the current tokio
    /// runtime. Returns at once: the link connects (and reconnects) in the
    /// background; see [`FleetHandle::wait_connected`].
    pub fn start(
        config: FleetLinkConfig,
        sink: Arc<dyn FleetEventSink>,
    ) -> Result<FleetHandle, FleetStartError> {
        let runtime =
            tokio::runtime::Handle::try_current().map_err(|_| FleetStartError::NoRuntime)?;
        let broker = parse_broker(&config.broker_url)?;
        let transport = match (broker.tls, &config.tls) {
            (false, _) => Transport::tcp(),
            (true, Some(tls)) => {
                Transport::tls_with_config(TlsConfiguration::Rustls(tls.client_config()?))
            }
            (true, None) => {
                return Err(FleetStartError::InvalidConfig(
                    "an mqtts:// broker needs a CA file to trust (fleet_ca_file)".to_owned(),
                ))
            }
        };
        if config.client_id.is_empty() || config.client_id.len() > 128 {
            return Err(FleetStartError::InvalidConfig(
                "client_id must be 1–128 characters".to_owned(),
            ));
        }
        let keep_alive = config.keep_alive;
        if keep_alive < Duration::from_secs(1) || keep_alive > Duration::from_secs(65_535) {
            return Err(FleetStartError::InvalidConfig(
                "keep_alive must be between 1 s and 65 535 s".to_owned(),
            ));
        }
        let mut options = MqttOptions::new(config.client_id.clone(), broker.host, broker.port);
        options
            .set_transport(transport)
            .set_clean_session(false)
            .set_keep_alive(keep_alive)
            .set_manual_acks(true)
            .set_inflight(100)
            .set_max_packet_size(MAX_INCOMING_PACKET, 64 * 1024);
        if let Some(user) = &config.username {
            let password = config.password.as_ref().map(|p| p.expose()).unwrap_or("");
            options.set_credentials(user.clone(), password);
        }
        let (client, mut eventloop) = AsyncClient::new(options, 1024);
        let mut network = NetworkOptions::new();
        network.set_tcp_nodelay(true);
        network.set_connection_timeout(5);
        eventloop.set_network_options(network);

        let shared = Arc::new(Shared::new(config.client_id.clone(), client));
        let (to_processor, from_driver) = mpsc::unbounded_channel();
        let inbound = Inbound {
            shared: Arc::clone(&shared),
            sink,
        };
        let driver = runtime.spawn(drive(eventloop, Arc::clone(&shared), to_processor));
        let processor = runtime.spawn(process(inbound, from_driver));
        lock(&shared.tasks).extend([driver, processor]);
        tracing::info!(client_id = %config.client_id, broker = %config.broker_url, "fleet link starting");
        Ok(FleetHandle { shared })
    }
}

/// Polls the event loop until shutdown.
async fn drive(mut eventloop: EventLoop, shared: Arc<Shared>, to_processor: Tx) {
    let mut backoff = MIN_BACKOFF;
    loop {
        resync_if_due(&mut eventloop, &shared);
        let resync_at = lock(&shared.resync_since).map(|at| at + RESYNC_AFTER);
        let event = tokio::select! {
            event = eventloop.poll() => event,
            () = shared.stop.notified() => break,
            () = shared.resync_wake.notified(), if resync_at.is_none() => continue,
            () = sleep_until_some(resync_at) => continue,
        };
        match event {
            Ok(Event::Incoming(Packet::ConnAck(ack))) => {
                backoff = MIN_BACKOFF;
                bump(&shared.counters.connects);
                tracing::info!(
                    session_present = ack.session_present,
                    "fleet broker connected"
                );
                subscribe(&shared.client);
            }
            Ok(Event::Incoming(Packet::SubAck(ack))) => {
                if ack.return_codes.contains(&SubscribeReasonCode::Failure) {
                    tracing::error!(codes = ?ack.return_codes, "fleet broker refused a subscription: replies and reports will not arrive");
                }
                shared.set_connected(true);
            }
            Ok(Event::Incoming(Packet::Publish(publish))) => {
                if to_processor.send(publish).is_err() {
                    break;
                }
            }
            Ok(Event::Outgoing(Outgoing::Disconnect)) if shared.is_stopping() => {
                drain_until_closed(&mut eventloop).await;
                break;
            }
            Ok(_) => {}
            Err(err) => {
                shared.set_connected(false);
                if shared.is_stopping() {
                    break;
                }
                bump(&shared.counters.connection_errors);
                tracing::warn!(%err, retry_in_ms = backoff.as_millis() as u64, "fleet broker connection lost");
                tokio::select! {
                    () = tokio::time::sleep(backoff) => {}
                    () = shared.stop.notified() => break,
                }
                backoff = (backoff * 2).min(MAX_BACKOFF);
            }
        }
    }
    shared.set_connected(false);
}

type Tx = mpsc::UnboundedSender<Publish>;

/// After DISCONNECT, reads until the broker closes the socket (≤ 1 s):
/// closing with unread data would send RST instead of a clean close.
/// Publishes read here are not acknowledged, so the broker redelivers them.
async fn drain_until_closed(eventloop: &mut EventLoop) {
    let drain = async { while eventloop.poll().await.is_ok() {} };
    let _ = tokio::time::timeout(Duration::from_secs(1), drain).await;
}

/// Subscribes to the platform's filters (also restores them after a broker
/// lost the session). Never blocks the driver.
fn subscribe(client: &AsyncClient) {
    let filters = PLATFORM_FILTERS
        .iter()
        .map(|f| SubscribeFilter::new((*f).to_owned(), QoS::AtLeastOnce))
        .collect::<Vec<_>>();
    if client.try_subscribe_many(filters.clone()).is_err() {
        let client = client.clone();
        tokio::spawn(async move {
            if let Err(err) = client.subscribe_many(filters).await {
                tracing::warn!(%err, "fleet subscribe could not be queued");
            }
        });
    }
}

/// Sleeps until `at`, or forever when there is none.
async fn sleep_until_some(at: Option<std::time::Instant>) {
    match at {
        Some(at) => tokio::time::sleep_until(at.into()).await,
        None => std::future::pending().await,
    }
}

/// After a sink failure, drop the connection (once [`RESYNC_AFTER`] passed)
/// so the broker redelivers the unacknowledged messages on reconnect.
fn resync_if_due(eventloop: &mut EventLoop, shared: &Shared) {
    let due = {
        let mut since = lock(&shared.resync_since);
        match *since {
            Some(at) if at.elapsed() >= RESYNC_AFTER => {
                *since = None;
                true
            }
            _ => false,
        }
    };
    if due && eventloop.network.is_some() {
        tracing::warn!("reconnecting to the fleet broker so it redelivers unrecorded messages");
        eventloop.clean();
        shared.set_connected(false);
    }
}

/// Handles publishes in order; acknowledges each after the sink recorded it.
async fn process(inbound: Inbound, mut from_driver: mpsc::UnboundedReceiver<Publish>) {
    while let Some(publish) = from_driver.recv().await {
        let disposition = inbound.handle(&publish.topic, &publish.payload).await;
        if disposition == Disposition::Ack {
            match inbound.shared.client.ack(&publish).await {
                Ok(()) => bump(&inbound.shared.counters.acked),
                Err(err) => tracing::warn!(%err, "fleet ack could not be queued"),
            }
        }
    }
}
