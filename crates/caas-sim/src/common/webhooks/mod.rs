//! Standard Webhooks sender (`shared/contracts/README.md` §5) with failure
//! injection. Events are queued with [`WebhookSender::send`]; each resource
//! has a lane that makes first attempts in order, failures are retried on the
//! contract schedule (divided by `retry_speedup`) without holding back later
//! events. Only a 2xx within the attempt timeout counts; redirects are not
//! followed; `Retry-After` on 429/503 postpones; `410 Gone` disables sending.

mod deliver;
mod faults;

pub use faults::WebhookFaults;

use caas_partners::webhooks::WebhookSecret;
use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::{json, Value};
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, RwLock};
use std::time::Duration;
use tokio::sync::{mpsc, watch};

/// Configuration of a [`WebhookSender`].
#[derive(Debug, Clone)]
pub struct WebhookConfig {
    /// Receiver URL; `None` → events are counted as `not_sent`.
    pub url: Option<String>,
    /// Signing secret (one per sender–receiver pair).
    pub secret: WebhookSecret,
    /// The retry schedule is divided by this factor (1.0 = contract timing).
    pub retry_speedup: f64,
    /// Per-attempt timeout (contract: 15 s).
    pub attempt_timeout: Duration,
}

impl WebhookConfig {
    /// Contract timing (15 s timeout, no speedup).
    pub fn new(url: Option<String>, secret: WebhookSecret) -> Self {
        Self {
            url,
            secret,
            retry_speedup: 1.0,
            attempt_timeout: Duration::from_secs(15),
        }
    }
}

/// One event ready to send: exact body bytes plus routing metadata.
#[derive(Debug, Clone)]
pub struct OutgoingEvent {
    /// Event id = `webhook-id` = body `id`.
    pub id: String,
    /// Event `type`, used by `drop_types`.
    pub event_type: String,
    /// Resource the event is about (lane and shuffle key).
    pub resource_id: String,
    /// Exact body bytes (signed and sent as is).
    pub body: Arc<Vec<u8>>,
}

impl OutgoingEvent {
    /// From an envelope built with [`envelope`] (reads `id` and `type`).
    pub fn from_envelope(resource_id: &str, envelope: &Value) -> anyhow::Result<Self> {
        let field = |name: &str| {
            envelope
                .get(name)
                .and_then(Value::as_str)
                .map(str::to_owned)
                .ok_or_else(|| anyhow::anyhow!("webhook envelope without `{name}`"))
        };
        Ok(Self {
            id: field("id")?,
            event_type: field("type")?,
            resource_id: resource_id.to_owned(),
            body: Arc::new(serde_json::to_vec(envelope)?),
        })
    }
}

/// Builds the envelope `{"id","type","occurred_at","data"}`.
pub fn envelope(id: &str, event_type: &str, occurred_at: DateTime<Utc>, data: Value) -> Value {
    json!({ "id": id, "type": event_type, "occurred_at": super::rfc3339(occurred_at), "data": data })
}

/// Counters for tests and `/_sim/stats`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct WebhookStats {
    /// HTTP attempts made (including retries and duplicates).
    pub attempts: u64,
    /// Attempts answered 2xx in time.
    pub deliveries_ok: u64,
    /// Attempts that failed (non-2xx, timeout, connection error).
    pub failed_attempts: u64,
    /// Events skipped by `drop_types` / `drop_fraction`.
    pub dropped: u64,
    /// Events not sent because no URL was configured.
    pub not_sent: u64,
    /// Deliveries abandoned after the 24 h window / schedule.
    pub gave_up: u64,
    /// Events currently held back by `shuffle`.
    pub held: u64,
    /// Whether a `410 Gone` disabled the endpoint.
    pub disabled: bool,
}

/// One HTTP attempt, for test assertions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AttemptRecord {
    /// `webhook-id`.
    pub event_id: String,
    /// Event `type`.
    pub event_type: String,
    /// 1 for the first attempt of a delivery, 2 for its first retry…
    pub attempt: u32,
    /// Response status, `None` on timeout / connection error.
    pub status: Option<u16>,
    /// When the attempt was made.
    pub at: DateTime<Utc>,
}

#[derive(Debug, Default)]
struct Counters {
    attempts: AtomicU64,
    ok: AtomicU64,
    failed: AtomicU64,
    dropped: AtomicU64,
    not_sent: AtomicU64,
    gave_up: AtomicU64,
}

#[derive(Debug)]
struct Shared {
    url: RwLock<Option<String>>,
    secret: WebhookSecret,
    speedup: f64,
    timeout: Duration,
    client: reqwest::Client,
    faults: Mutex<WebhookFaults>,
    held: Mutex<faults::HoldBuffer>,
    lanes: Mutex<HashMap<String, mpsc::UnboundedSender<OutgoingEvent>>>,
    counters: Counters,
    log: Mutex<Vec<AttemptRecord>>,
    disabled: AtomicBool,
    closed: watch::Sender<bool>,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// Handle to the sender; cheap to clone. Must be created inside a Tokio runtime.
#[derive(Debug, Clone)]
pub struct WebhookSender {
    shared: Arc<Shared>,
}

impl WebhookSender {
    /// Starts the sender (and its shuffle-release ticker).
    pub fn start(config: WebhookConfig) -> anyhow::Result<Self> {
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(config.attempt_timeout)
            .build()?;
        let speedup = if config.retry_speedup > 0.0 {
            config.retry_speedup
        } else {
            1.0
        };
        let shared = Arc::new(Shared {
            url: RwLock::new(config.url),
            secret: config.secret,
            speedup,
            timeout: config.attempt_timeout,
            client,
            faults: Mutex::new(WebhookFaults::default()),
            held: Mutex::new(faults::HoldBuffer::default()),
            lanes: Mutex::new(HashMap::new()),
            counters: Counters::default(),
            log: Mutex::new(Vec::new()),
            disabled: AtomicBool::new(false),
            closed: watch::channel(false).0,
        });
        tokio::spawn(deliver::shuffle_ticker(Arc::downgrade(&shared)));
        Ok(Self { shared })
    }

    /// Queues an event (after the caller recorded it). Applies drop, shuffle,
    /// duplicate and delay faults. Never blocks.
    pub fn send(&self, event: OutgoingEvent) {
        deliver::enqueue(&self.shared, event);
    }

    /// Replaces the failure-injection knobs; turning `shuffle` off releases held events.
    pub fn set_faults(&self, faults: WebhookFaults) {
        let shuffle = faults.shuffle;
        *lock(&self.shared.faults) = faults;
        if !shuffle {
            self.flush_held();
        }
    }

    /// The current knobs.
    pub fn faults(&self) -> WebhookFaults {
        lock(&self.shared.faults).clone()
    }

    /// Releases every event held by `shuffle` now (in random order per resource).
    pub fn flush_held(&self) {
        let batch = lock(&self.shared.held).drain_all();
        deliver::dispatch_batch(&self.shared, batch);
    }

    /// Changes the receiver URL (`None` stops sending) and re-enables after a 410.
    pub fn set_url(&self, url: Option<String>) {
        *self.shared.url.write().unwrap_or_else(|p| p.into_inner()) = url;
        self.shared.disabled.store(false, Ordering::SeqCst);
    }

    /// The receiver URL.
    pub fn url(&self) -> Option<String> {
        self.shared
            .url
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    /// Counter snapshot.
    pub fn stats(&self) -> WebhookStats {
        let c = &self.shared.counters;
        WebhookStats {
            attempts: c.attempts.load(Ordering::SeqCst),
            deliveries_ok: c.ok.load(Ordering::SeqCst),
            failed_attempts: c.failed.load(Ordering::SeqCst),
            dropped: c.dropped.load(Ordering::SeqCst),
            not_sent: c.not_sent.load(Ordering::SeqCst),
            gave_up: c.gave_up.load(Ordering::SeqCst),
            held: lock(&self.shared.held).len() as u64,
            disabled: self.shared.disabled.load(Ordering::SeqCst),
        }
    }

    /// Every attempt made so far (oldest first; last 10 000 kept).
    pub fn attempt_log(&self) -> Vec<AttemptRecord> {
        lock(&self.shared.log).clone()
    }

    /// Stops all lanes, retries and the ticker; later `send`s are ignored.
    pub fn shutdown(&self) {
        self.shared.closed.send_replace(true);
        lock(&self.shared.lanes).clear();
    }
}
