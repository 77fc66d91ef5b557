//! [`FleetHandle`]: the running link as the application sees it —
//! [`FleetApi`] (commands and presence), connection state, counters and
//! shutdown. The state it shares with the link's tasks lives in [`Shared`].

use crate::topics::{self, MAX_PAYLOAD};
use crate::waiters::Waiters;
use async_trait::async_trait;
use caas_domain::fleet::{CommandOutcome, FleetApi, FleetCommand, FleetError, Presence};
use rumqttc::{AsyncClient, QoS};
use std::collections::HashMap;
use std::fmt;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};
use tokio::sync::{watch, Notify};
use tokio::task::JoinHandle;

/// Counters of the link since it started.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FleetLinkStats {
    /// Successful connections (ConnAck received).
    pub connects: u64,
    /// Failed connection attempts and lost connections (refused TLS
    /// handshakes included).
    pub connection_errors: u64,
    /// Publishes received from the broker (including redeliveries).
    pub received: u64,
    /// Publishes acknowledged to the broker.
    pub acked: u64,
    /// Discarded as unusable (topic, size, JSON): acknowledged without a sink call.
    pub discarded: u64,
    /// State reports acknowledged without a sink call because their `seq` was
    /// not above one the sink already accepted in this process.
    pub stale_state_skipped: u64,
    /// Sink calls that failed (message left unacknowledged for redelivery).
    pub sink_errors: u64,
    /// Commands published.
    pub commands_published: u64,
}

#[derive(Default)]
pub(crate) struct Counters {
    pub(crate) connects: AtomicU64,
    pub(crate) connection_errors: AtomicU64,
    pub(crate) received: AtomicU64,
    pub(crate) acked: AtomicU64,
    pub(crate) discarded: AtomicU64,
    pub(crate) stale_state_skipped: AtomicU64,
    pub(crate) sink_errors: AtomicU64,
    pub(crate) commands_published: AtomicU64,
}

/// Adds one to a counter.
pub(crate) fn bump(counter: &AtomicU64) {
    counter.fetch_add(1, Ordering::Relaxed);
}

/// Locks a mutex, ignoring poisoning (the data stays usable).
pub(crate) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

/// State shared by the handle, the event-loop driver and the inbound processor.
pub(crate) struct Shared {
    pub(crate) client_id: String,
    pub(crate) client: AsyncClient,
    /// `true` between the SubAck after a ConnAck and the next connection error.
    pub(crate) connected: watch::Sender<bool>,
    pub(crate) waiters: Arc<Waiters>,
    pub(crate) presence: Mutex<HashMap<String, Presence>>,
    /// Highest state `seq` per VIN that the sink accepted in this process.
    pub(crate) accepted_seq: Mutex<HashMap<String, i64>>,
    pub(crate) counters: Counters,
    pub(crate) stopping: AtomicBool,
    pub(crate) stop: Notify,
    /// Set when a sink call failed: reconnect so the broker redelivers.
    pub(crate) resync_since: Mutex<Option<Instant>>,
    /// Wakes the driver when `resync_since` is first set.
    pub(crate) resync_wake: Notify,
    pub(crate) tasks: Mutex<Vec<JoinHandle<()>>>,
}

impl Shared {
    pub(crate) fn new(client_id: String, client: AsyncClient) -> Self {
        Self {
            client_id,
            client,
            connected: watch::channel(false).0,
            waiters: Arc::new(Waiters::default()),
            presence: Mutex::new(HashMap::new()),
            accepted_seq: Mutex::new(HashMap::new()),
            counters: Counters::default(),
            stopping: AtomicBool::new(false),
            stop: Notify::new(),
            resync_since: Mutex::new(None),
            resync_wake: Notify::new(),
            tasks: Mutex::new(Vec::new()),
        }
    }

    pub(crate) fn set_connected(&self, up: bool) {
        self.connected
            .send_if_modified(|v| std::mem::replace(v, up) != up);
    }

    pub(crate) fn is_stopping(&self) -> bool {
        self.stopping.load(Ordering::SeqCst)
    }
}

/// The running MQTT link (cheap to clone). Implements [`FleetApi`]. The
/// link runs until [`FleetHandle::shutdown`], even when every handle is dropped.
#[derive(Clone)]
pub struct FleetHandle {
    pub(crate) shared: Arc<Shared>,
}

impl fmt::Debug for FleetHandle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FleetHandle")
            .field("client_id", &self.shared.client_id)
            .field("connected", &self.is_connected())
            .finish_non_exhaustive()
    }
}

impl FleetHandle {
    /// Whether the link is connected and subscribed.
    pub fn is_connected(&self) -> bool {
        *self.shared.connected.borrow()
    }

    /// Waits up to `timeout` until the link is connected and subscribed.
    pub async fn wait_connected(&self, timeout: Duration) -> bool {
        let mut rx = self.shared.connected.subscribe();
        tokio::time::timeout(timeout, rx.wait_for(|up| *up))
            .await
            .is_ok_and(|r| r.is_ok())
    }

    /// The MQTT client id (the persistent session's key).
    pub fn client_id(&self) -> &str {
        &self.shared.client_id
    }

    /// Counters since the link started.
    pub fn stats(&self) -> FleetLinkStats {
        let c = &self.shared.counters;
        let get = |a: &AtomicU64| a.load(Ordering::Relaxed);
        FleetLinkStats {
            connects: get(&c.connects),
            connection_errors: get(&c.connection_errors),
            received: get(&c.received),
            acked: get(&c.acked),
            discarded: get(&c.discarded),
            stale_state_skipped: get(&c.stale_state_skipped),
            sink_errors: get(&c.sink_errors),
            commands_published: get(&c.commands_published),
        }
    }

    /// Number of commands callers are currently waiting for.
    pub fn waiting_commands(&self) -> usize {
        self.shared.waiters.len()
    }

    /// Disconnects cleanly (MQTT DISCONNECT: the broker keeps the persistent
    /// session and queues what arrives meanwhile) and stops the link's tasks.
    /// Messages received but not yet recorded stay unacknowledged and are
    /// redelivered to the next connection with the same client id.
    pub async fn shutdown(&self) {
        if self.shared.stopping.swap(true, Ordering::SeqCst) {
            return;
        }
        let driver = lock(&self.shared.tasks).drain(..).collect::<Vec<_>>();
        if self.is_connected() {
            let _ = self.shared.client.try_disconnect();
        } else {
            self.shared.stop.notify_one();
        }
        let mut tasks = driver.into_iter();
        if let Some(mut drive) = tasks.next() {
            if tokio::time::timeout(Duration::from_secs(2), &mut drive)
                .await
                .is_err()
            {
                self.shared.stop.notify_one();
                if tokio::time::timeout(Duration::from_secs(1), &mut drive)
                    .await
                    .is_err()
                {
                    drive.abort();
                }
            }
        }
        for task in tasks {
            task.abort();
        }
        self.shared.set_connected(false);
        tracing::info!(client_id = %self.shared.client_id, "fleet link stopped");
    }
}

#[async_trait]
impl FleetApi for FleetHandle {
    #[tracing::instrument(skip_all, fields(vin = %vin, command_id = %cmd.command_id(), kind = %cmd.kind()))]
    async fn send_command(
        &self,
        vin: &str,
        cmd: &FleetCommand,
        wait: Duration,
    ) -> Result<CommandOutcome, FleetError> {
        if !topics::is_valid_vin_level(vin) {
            return Err(FleetError::Publish(format!(
                "VIN {vin:?} cannot be a topic level"
            )));
        }
        if !self.is_connected() || self.shared.is_stopping() {
            return Err(FleetError::NotConnected);
        }
        let payload = serde_json::to_vec(cmd).map_err(|e| FleetError::Publish(e.to_string()))?;
        if payload.len() > MAX_PAYLOAD {
            return Err(FleetError::Publish(format!(
                "command payload of {} bytes exceeds 16 KiB",
                payload.len()
            )));
        }
        let mut guard = self.shared.waiters.register(vin, cmd.command_id());
        self.shared
            .client
            .publish(topics::commands(vin), QoS::AtLeastOnce, false, payload)
            .await
            .map_err(|e| FleetError::Publish(e.to_string()))?;
        bump(&self.shared.counters.commands_published);
        let outcome = guard.wait(wait).await;
        tracing::debug!(?outcome, "command outcome");
        Ok(outcome)
    }

    fn presence(&self, vin: &str) -> Option<Presence> {
        lock(&self.shared.presence).get(vin).cloned()
    }
}
